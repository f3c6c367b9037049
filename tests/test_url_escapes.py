"""A catalog URL with a percent-escaped control byte (`%00`, `%0a`, `%7f`: printable ASCII, so
it passed the URL check) put a NUL or a newline into a path once decoded: `cache export-mirror`
and an install from a `file://` mirror ended in a `ValueError: embedded null byte` traceback.
No python-build-standalone URL holds one; such an entry is malformed like any other."""

from __future__ import annotations

import json
import shutil

import pytest
from cli_harness import Pytui
from pytui.core.catalog import parse_catalog

GITHUB = "https://github.com/astral-sh/python-build-standalone/releases/download/"


@pytest.mark.parametrize("escape", ["%00", "%0a", "%1F", "%7f"])
def test_an_entry_whose_url_escapes_a_control_byte_is_skipped(escape: str) -> None:
    entry = {"name": "cpython", "arch": {"family": "x86_64", "variant": None}, "os": "linux",
             "libc": "gnu", "major": 3, "minor": 12, "patch": 8, "prerelease": "",
             "url": f"{GITHUB}2025{escape}x/cpython-3.12.8%2B20250115-x86_64-unknown-linux-gnu-install_only.tar.gz",
             "sha256": None, "variant": None, "build": "20250115"}
    parsed = parse_catalog(json.dumps({"cpython-3.12.8-linux-x86_64-gnu": entry}).encode(), "c.json")
    assert parsed.builds == [] and parsed.invalid == 1 and "url" in parsed.problem, parsed


def test_export_and_file_mirror_install_say_one_line(pytui: Pytui, tmp_path) -> None:
    made = pytui.add("3.12.8")
    build = made.build
    url = f"{GITHUB}2025%00x/{build.release_filename.replace('+', '%2B')}"
    doc = json.loads(pytui.catalog.read_text())
    for entry in doc.values():
        entry["url"] = url
    pytui.catalog.write_text(json.dumps(doc))
    pytui.cache.mkdir(parents=True, exist_ok=True)
    shutil.copy(made.path, pytui.cache / f"{made.sha256[:9]}-{build.filename}")
    for args in (("cache", "export-mirror", str(tmp_path / "m")),
                 ("--offline", "--mirror", (tmp_path / "m").as_uri(), "install", "3.12")):
        result = pytui.run(*args)
        assert "Traceback" not in result.stderr, str(result)
        assert result.returncode in (0, 1, 2), str(result)  # (2: no download for the request, as uv)
        assert not (tmp_path / "m").exists()
