"""An install directory pytui cannot open (mode 700 and another user's: `sudo pytui install`
run with the user's root and a private umask) is listed, not a failure of the whole listing.

Before: `python_dir` asked `Path.is_dir` about its `install/` (an unstripped full build's
prefix), which raises EACCES there, and `pytui list` printed only "…/install: permission
denied; check that path" — no build listed at all. uv's `python_dir` (Rust's `is_dir`) is
false on any error; so is `os.path.isdir`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui, drop_dac_override, key_of


def test_list_shows_every_install_beside_one_it_cannot_open(pytui: Pytui) -> None:
    pytui.add("3.11.9")
    pytui.add("3.12.8")
    pytui.call("install", "3.11", "3.12")
    closed = pytui.root / key_of("3.11.9")
    os.chmod(closed, 0)
    try:
        probe = subprocess.run([sys.executable, "-c", f"import os; os.listdir({str(closed)!r})"],
                               capture_output=True,
                               preexec_fn=drop_dac_override if os.geteuid() == 0 else None)
        if probe.returncode == 0:
            pytest.skip("directory permissions are not enforced for this process")
        done = pytui.run_as_a_user("list", "--only-installed")
    finally:
        os.chmod(closed, 0o755)
    assert done.returncode == 0, str(done)
    assert "Traceback" not in done.stderr
    assert key_of("3.11.9") in done.stdout and key_of("3.12.8") in done.stdout


def _chown_tree(top: Path, uid: int) -> None:
    for dirpath, dirnames, filenames in os.walk(top):
        for name in (*dirnames, *filenames):
            os.lchown(os.path.join(dirpath, name), uid, uid)
    os.lchown(top, uid, uid)


def test_uninstall_and_reinstall_name_the_owner_of_an_install_made_by_sudo(pytui: Pytui) -> None:
    """Before: "cannot write to the install root …: permission denied; fix its permissions" —
    the root is the user's and writable; the install dir (moved aside, so written: its `..`)
    is another user's."""
    made = pytui.add("3.11.9")
    pytui.call("install", "3.11")
    theirs = pytui.root / key_of("3.11.9")
    _chown_tree(theirs, 12345)
    before = pytui.state()
    try:
        gone = pytui.run_as_a_user("uninstall", "3.11")
        again = pytui.run_as_a_user("install", "--reinstall", "3.11")
        assert pytui.state() == before
    finally:
        _chown_tree(theirs, 0)
    for done, verb in ((gone, "uninstall"), (again, "reinstall")):
        if done.returncode == 0:
            pytest.skip("directory permissions are not enforced for this process")
        assert done.returncode == 1 and "Traceback" not in done.stderr, str(done)
        (line,) = done.errors
        assert f"{theirs} belongs to uid 12345, not to you" in line, line
        assert f"{verb} it as that user" in line and "install root" not in line.split(":")[1], line
    assert pytui.requests(made) == 1


def test_a_satisfied_install_it_cannot_read_is_not_called_half_removed(pytui: Pytui) -> None:
    """Before: "… has no interpreter (bin/python3.11): a run killed while it removed or replaced
    it left the rest; `pytui install --reinstall …`" for an install whose interpreter is there,
    in a directory another user keeps private."""
    pytui.add("3.11.9")
    pytui.call("install", "3.11")
    theirs = pytui.root / key_of("3.11.9")
    _chown_tree(theirs, 12345)
    os.chmod(theirs, 0o700)
    try:
        done = pytui.run_as_a_user("install", "3.11")
    finally:
        os.chmod(theirs, 0o755)
        _chown_tree(theirs, 0)
    assert done.returncode == 0, str(done)
    if "cannot be read" not in done.stderr and "no interpreter" not in done.stderr:
        pytest.skip("directory permissions are not enforced for this process")
    assert "a run killed" not in done.stderr, str(done)
    assert f"{theirs} belongs to uid 12345, not to you" in done.stderr, str(done)


def test_a_reinstall_of_another_users_install_is_refused_before_any_work(pytui: Pytui) -> None:
    """Its commit refused it (its exchange writes the directory's `..`), after the download, the
    extraction or the kept tree's links into a stage: refused before any of it now, with the
    same line."""
    made = pytui.add("3.11.9")
    pytui.call("install", "3.11")
    pytui.call("cache", "purge", "--all")  # a reinstall would download it again
    theirs = pytui.root / key_of("3.11.9")
    _chown_tree(theirs, 12345)
    before = pytui.state()
    try:
        again = pytui.run_as_a_user("install", "--reinstall", "3.11")
        assert pytui.state() == before
    finally:
        _chown_tree(theirs, 0)
    if again.returncode == 0:
        pytest.skip("directory permissions are not enforced for this process")
    assert again.returncode == 1 and "Traceback" not in again.stderr, str(again)
    (line,) = again.errors
    assert f"{theirs} belongs to uid 12345, not to you" in line and "reinstall it as that user" in line, line
    assert pytui.requests(made) == 1  # nothing downloaded
    assert pytui.temp_left() == [] and pytui.cached() == []
