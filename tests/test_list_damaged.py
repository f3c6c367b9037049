"""An install that lacks a file its interpreter needs for uv's query (json/__init__.py, as a
uv or pytui killed while deleting it leaves it): `uv python list` runs the interpreter, the
query fails, and uv drops it. `pytui list` listed it as installed. It now drops it as uv does
(stdout stays uv's) and says on stderr which file is gone and the command that repairs it,
from a few stats (core/install_damage.py), not a run of each interpreter."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

import pytest
from cli_harness import Pytui
from fixtures_archives import MadeArchive
from pytui.core.install_damage import QUERY_MODULES, missing_part
from pytui.core.keys import InstallationKey
from pytui.core.models import Installation
from test_install_half_removed import UV, _uv_lists


def _listed(pytui: Pytui, *args: str) -> tuple[list[str], str]:
    done = pytui.run("list", "--only-installed", "--output-format", "json", *args)
    assert done.returncode == 0, str(done)
    return [row["key"] for row in json.loads(done.stdout)], done.stderr


def damage_warning(pytui: Pytui, key: str, lacking: str) -> str:
    """The one stderr line `pytui list` says of an install it leaves out for `lacking`."""
    return (f"warning: {key} in {pytui.root} lacks {lacking}, so uv does not list it: part of it "
            "is gone, as a run killed while removing or replacing it leaves it; "
            f"`pytui install --reinstall {key}` installs it again")


@pytest.mark.uv
@pytest.mark.skipif(not UV.exists(), reason="needs uv beside the interpreter")
def test_an_install_lacking_a_stdlib_file_is_left_out_as_uv_leaves_it_out(
        pytui: Pytui, base_prefix_archive: MadeArchive) -> None:
    made = pytui.serve(base_prefix_archive)
    key, mm = made.build.key, f"{made.build.major}.{made.build.minor}"
    assert pytui.run("install", mm).returncode == 0
    assert _listed(pytui)[0] == [key] and _uv_lists(pytui, key)
    os.unlink(pytui.root / key / f"lib/python{mm}/json/__init__.py")

    keys, stderr = _listed(pytui)
    assert keys == [] and not _uv_lists(pytui, key)
    assert stderr.splitlines() == [damage_warning(pytui, key, f"lib/python{mm}/json/__init__.py")], stderr
    text = pytui.run("list", "--only-installed")
    assert key not in text.stdout and "lacks" in text.stderr, str(text)

    assert pytui.run("install", "--reinstall", key).returncode == 0
    assert _listed(pytui) == ([key], "") and _uv_lists(pytui, key)


def stand_in_install(root: Path, key: str) -> Installation:
    """`root/key` with an empty interpreter and an empty file for each module uv's query needs
    (what `missing_part` looks for, and no more); also tests/ui/test_damaged_install.py's."""
    parts = InstallationKey.parse(key)
    assert parts is not None
    path = root / key
    stdlib = path / "lib" / f"python{parts.major}.{parts.minor}{'t' if 'freethreaded' in key else ''}"
    for module in QUERY_MODULES:
        (stdlib / f"{module}.py").parent.mkdir(parents=True, exist_ok=True)
        (stdlib / f"{module}.py").write_text("")
    (path / parts.executable).parent.mkdir(parents=True)
    (path / parts.executable).write_text("")
    return Installation(parts, path)


def test_what_the_stat_check_asks(tmp_path: Path) -> None:
    whole = stand_in_install(tmp_path, "cpython-3.13.1+freethreaded-linux-x86_64-gnu")
    assert missing_part(whole) is None
    os.unlink(whole.path / "lib/python3.13t/sysconfig.py")  # 3.13's sysconfig is a package
    (whole.path / "lib/python3.13t/sysconfig").mkdir()
    (whole.path / "lib/python3.13t/sysconfig/__init__.py").write_text("")
    assert missing_part(whole) is None
    os.unlink(whole.path / "lib/python3.13t/struct.py")
    assert missing_part(whole) == "lib/python3.13t/struct.py"
    os.unlink(whole.path / "bin/python3.13t")
    assert missing_part(whole) == "bin/python3.13t"
    other = stand_in_install(tmp_path, "cpython-3.12.8-linux-x86_64-gnu")
    shutil.rmtree(other.path / "lib/python3.12/json")
    assert missing_part(other) == "lib/python3.12/json/__init__.py"
    # A real interpreter's stdlib with every one of the query's modules gone (a deleter killed
    # late) is damaged too; a `#!` script as the interpreter (a wrapper, a stand-in as tests
    # make them, which uv lists when it answers the query) is not judged, nor an install with
    # no stdlib dir.
    for module in QUERY_MODULES:
        for name in (f"{module}.py", f"{module}/__init__.py"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(other.path / "lib/python3.12" / name)
    (other.path / "lib/python3.12/os.py").write_text("")
    assert missing_part(other) == "lib/python3.12/json/__init__.py"
    (other.path / "bin/python3.12").write_text("#!/bin/sh\necho 'Python 3.12.8'\n")
    assert missing_part(other) is None
    (other.path / "bin/python3.12").unlink()
    os.mkfifo(other.path / "bin/python3.12")  # no script, and read without blocking
    assert missing_part(other) == "lib/python3.12/json/__init__.py"
    (other.path / "bin/python3.12").unlink()
    (other.path / "bin/python3.12").write_text("")
    shutil.rmtree(other.path / "lib")
    assert missing_part(other) is None


def test_no_damage_is_said_while_another_process_holds_the_roots_lock(tmp_path: Path) -> None:
    """`uv python install --reinstall` replaces an install in place under `<root>/.lock`: a
    listing made then sees half of it, and the TUI's Installed row read `damaged` for one look
    (newuser31). While another process holds the lock, nothing is said; after, it is."""
    import subprocess
    import sys

    whole = stand_in_install(tmp_path, "cpython-3.12.8-linux-x86_64-gnu")
    os.unlink(whole.path / "lib/python3.12/json/__init__.py")
    assert missing_part(whole) == "lib/python3.12/json/__init__.py"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys\n"
         f"f = open({str(tmp_path / '.lock')!r}, 'a')\nfcntl.flock(f, fcntl.LOCK_EX)\n"
         "print('held', flush=True)\nsys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert missing_part(whole) is None
        os.unlink(whole.path / "bin/python3.12")
        assert missing_part(whole) is None
    finally:
        holder.communicate(input="", timeout=60)
    assert missing_part(whole) == "bin/python3.12"
