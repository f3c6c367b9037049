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


def test_a_version_file_of_more_distinct_requests_than_pytui_reads_is_refused(
        pytui: Pytui, tmp_path: Path) -> None:
    """Each distinct request is searched for in the catalog: a file's count of them is bounded
    (VERSION_FILE_MAX_REQUESTS). At the bound it installs; one more is one line naming the file,
    its count and the bound, and nothing is installed (pytui searched them all, uv reads any)."""
    import subprocess

    from pytui.core.version_file import VERSION_FILE_MAX_REQUESTS

    pytui.add("3.12.8")
    project = tmp_path / "project"
    project.mkdir()
    # Distinct requests that 3.12.8 satisfies, each a range (the costliest search).
    texts = [f">=3.12.8,<3.12.{9 + n}" for n in range(VERSION_FILE_MAX_REQUESTS + 1)]
    version_file = project / ".python-versions"
    version_file.write_text("\n".join(texts) + "\n")
    run = subprocess.run(pytui.argv("install"), env=pytui.env(), capture_output=True, text=True,
                         timeout=120, cwd=project)
    assert run.returncode == 1, run.stderr
    assert run.stderr.splitlines() == [
        f"error: the version file {version_file} lists 1,001 distinct requests, more than the 1,000 "
        "pytui reads: it should list Python requests, one a line; shorten it, or name the request "
        "(`pytui install 3.12`)"], run.stderr
    assert not (pytui.root / "cpython-3.12.8-linux-x86_64-gnu").exists()
    version_file.write_text("\n".join(texts[:-1]) + "\n" + texts[0] + "\n")  # at the bound
    run = subprocess.run(pytui.argv("install"), env=pytui.env(), capture_output=True, text=True,
                         timeout=120, cwd=project)
    assert run.returncode == 0, run.stderr
    assert (pytui.root / "cpython-3.12.8-linux-x86_64-gnu").is_dir()
