"""Files in the install root are shared with uv and any other tool, so pytui reads them as
hostile: an install's BUILD file that is a FIFO hung every listing of installs (`pytui list`,
the TUI's Installed pane), one linked to /dev/zero was read until memory ran out (a
MemoryError traceback), and one holding escape sequences went into `--json` and the TUI as
written. BUILD is now read only as a small regular file and taken only as a release name (as
the catalog's `build`); otherwise the install is listed with the catalog's build of its key."""

from __future__ import annotations

import json
import os

import pytest
from cli_harness import Pytui


@pytest.mark.parametrize("kind", ["fifo", "endless", "huge", "escapes", "directory"])
def test_an_install_whose_build_file_is_hostile_is_listed_with_the_catalogs_build(pytui: Pytui, kind: str) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    build = pytui.root / made.build.key / "BUILD"
    build.unlink()
    if kind == "fifo":
        os.mkfifo(build)
    elif kind == "endless":
        os.symlink("/dev/zero", build)
    elif kind == "huge":
        with open(build, "wb") as f:
            f.truncate(1 << 40)  # sparse: a terabyte that costs nothing on disk
    elif kind == "escapes":
        build.write_text("2025\x1b]0;pwned\x07\n")
    else:
        build.mkdir()
    listed = pytui.run("list", "--only-installed", "--json", timeout=120)
    assert listed.returncode == 0 and listed.stderr == "", str(listed)
    rows = json.loads(listed.stdout)
    assert [(row["key"], row["build"]) for row in rows] == [(made.build.key, made.build.build)]
