"""What reading a version file's requests costs grows with the distinct requests, not with its
lines: a 64 KiB version file of 13,000 requests took 17.5 s (38.9 s at load 6): each line
was parsed twice and searched for in the installs and the whole catalog, once per line (uv
took 18 s for the same file). Counted here (calls), not timed."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Pytui
from pytui.core import build_choice
from pytui.core.requests import PythonRequest


def test_a_version_file_repeating_one_request_resolves_it_once(
        pytui: Pytui, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytui.add("3.12.8")
    project = tmp_path / "project"
    project.mkdir()
    (project / ".python-version").write_text("3.12\n" * 13_000)  # 65,000 bytes, under 64 KiB
    searches: list[str] = []
    parses: list[str] = []
    find, parse = build_choice.find_download, PythonRequest.parse

    def counted_find(catalog, request, *args, **kwargs):
        searches.append(request.text)
        return find(catalog, request, *args, **kwargs)

    def counted_parse(text: str) -> PythonRequest:
        parses.append(text)
        return parse(text)

    monkeypatch.setattr(build_choice, "find_download", counted_find)
    monkeypatch.setattr(PythonRequest, "parse", staticmethod(counted_parse))
    monkeypatch.chdir(project)
    pytui.call("install")  # exit 0, asserted there
    assert (pytui.root / "cpython-3.12.8-linux-x86_64-gnu").is_dir()
    assert searches == ["3.12"], len(searches)
    assert parses == ["3.12", "3.12"], len(parses)  # the file's check, then the install's


def test_an_unsupported_line_repeated_is_said_once_as_uv_says_it(pytui: Pytui, tmp_path: Path) -> None:
    """`foo` 10,000 times gave 10,000 warnings; uv 0.13.9 gives one (checked by hand: `foo`
    three times, one `Ignoring unsupported Python request`)."""
    pytui.add("3.12.8")
    project = tmp_path / "project"
    project.mkdir()
    (project / ".python-version").write_text("foo\n" * 10_000 + "3.12\n")
    import subprocess

    run = subprocess.run(pytui.argv("install"), env=pytui.env(), capture_output=True, text=True,
                         timeout=120, cwd=project)
    code, stderr = run.returncode, run.stderr
    assert code == 0, stderr
    assert [line for line in stderr.splitlines() if "ignoring unsupported" in line] == [
        f"warning: ignoring unsupported Python request `foo` in version file: {project / '.python-version'}"]
