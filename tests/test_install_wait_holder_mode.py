"""The line a second install says while it waits for the first one's archive lock followed only
the waiting process's mode: beside a first install run with PYTUI_NO_TREES=1 or `--no-cache`,
a second with trees said it goes on with "the tree it keeps" (the first keeps none: the second
unpacks the archive itself) or with "that download" (a `--no-cache` first caches nothing: the
second downloads the archive again). The holder now records its mode on the lock file
(an extended attribute, core/turn_record.py) and the line follows both modes; a record that is not one of pytui's
(another process's file: garbage, too long), or not the holder's (another pid: a killed
holder's), is read as none, and the line names no activity (it said `installing KEY`), only
that another process holds the lock, and what is true in every mode. Real pytui processes
(tests/step_hook.py: the first paused inside its unpacking, holding the lock) on the loopback
server; waits on events."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_installed, reading_stderr, reading_stdout, wait_for
from step_hook import hooked, paused_at, resume
from test_install_unpack_at_once import UNPACKING, _go_on, _second_ended

WAITS = "waiting for another pytui process that is "
# The line when the holder's activity is not known (no record of its own on the lock).
WAITS_UNKNOWN = "waiting for another process that holds the lock on the archive of "
NO_TREES = "import os; os.environ['PYTUI_NO_TREES'] = '1'"


def _second_waits(pytui: Pytui, first: subprocess.Popen[str]) -> tuple[str, subprocess.Popen[str], list, list, list]:
    """A second `pytui install --reinstall --verbose 3.12` (with trees, its unpacking hooked) run
    until it says it waits for `first`; then `first` is resumed to its end."""
    two = hooked(pytui, UNPACKING, "wait", "install", "--reinstall", "--verbose", "3.12")
    unpacked, out_reader = reading_stdout(two)
    said, err_reader = reading_stderr(two)
    try:
        wait_for(lambda: any(WAITS in line for line in said) or unpacked, "the second pytui's waiting line", two)
    finally:
        code, _, err = resume(first)
    assert code == 0, err
    [line] = [line for line in said if WAITS in line]
    return line.rstrip("\n"), two, unpacked, said, [out_reader, err_reader]


@pytest.mark.parametrize("first_mode", ["no-trees", "no-cache"])
@pytest.mark.parametrize("cached", [True, False], ids=["imported", "not-cached"])
def test_the_waiting_line_follows_the_holders_mode(pytui: Pytui, first_mode: str, cached: bool) -> None:
    made = pytui.add("3.12.8")
    if cached:
        pytui.call("cache", "import", str(made.path))
    first = (paused_at(pytui, UNPACKING, "install", "3.12", setup=NO_TREES) if first_mode == "no-trees"
             else paused_at(pytui, UNPACKING, "install", "--no-cache", "3.12"))
    line, two, unpacked, said, readers = _second_waits(pytui, first)
    assert "the tree it keeps" not in line, line
    key = made.build.key
    if first_mode == "no-trees":  # paused in its unpacking: downloaded into the cache first
        doing = f"installing {key} from its cached archive"
        then = "the install it made, or unpacks the archive itself,"
    elif cached:  # a --no-cache install streams even so
        doing = f"installing {key} with --no-cache, which caches nothing"
        then = "the install it made, or unpacks the cached archive itself,"
    else:
        doing = f"downloading {key} with --no-cache, into its install and not the cache"
        then = "the install it made, or downloads the archive itself,"
    assert line.startswith(WAITS + doing + " (pid " + str(first.pid) + ": "), line
    assert line.endswith(f"; this install goes on with {then} once it ends; Ctrl-C stops"), line
    # As the line says: no tree to link, so the second unpacks the archive itself.
    wait_for(lambda: unpacked, "the second pytui's own unpacking", two)
    _go_on(two)
    text = _second_ended(two, said, readers)
    assert f" ~ {key}" in text and "unpacked by the pristine tree" not in text, text
    assert len(unpacked) == 1
    # A --no-cache first streamed the archive and cached nothing: the second downloaded it again.
    assert pytui.requests(made) == int(not cached) + int(first_mode == "no-cache")
    assert_installed(pytui, made)


_HOLDER = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
if sys.argv[2]:
    os.setxattr(fd, "user.pytui.turn", sys.argv[2].replace("PID", str(os.getpid())).encode())
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""


def _line_behind(pytui: Pytui, lock: Path, record: str) -> tuple[str, int]:
    """The line `pytui install 3.12` says while another process holds `lock` with `record` on
    it (`PID` in it: that process's pid; "": none written), and that process's pid; the
    install is run to its end."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(lock), record], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        two = pytui.popen("install", "3.12")
        said, reader = reading_stderr(two)
        wait_for(lambda: any(" holds the lock on the archive of " in line or WAITS in line for line in said),
                 "the waiting line", two)
    finally:
        holder.communicate("go\n", timeout=60)
    finish_code = two.wait(120)
    reader.join(60)
    assert finish_code == 0, "".join(said)
    [line] = [line.rstrip("\n") for line in said if line.startswith("waiting for another ")]
    return line, holder.pid


@pytest.mark.parametrize("record", ["trees\n", "trees" + "x" * 3_000, "no-cache" * 2, "", "trees",
                                    "purge 1", "trees PID\n"],
                         ids=["trailing", "huge", "twice", "none", "no-pid", "another-pid", "pid-trailing"])
def test_a_record_not_pytuis_is_read_as_none(pytui: Pytui, record: str) -> None:
    """Another process holding the lock with an attribute that is no record of pytui's, or not
    its own (none: an older pytui's, a filesystem with no user attributes; another pid's): the
    line names no activity and says what is true in every mode."""
    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    lock = pytui.cache / f"{pytui.cached()[0]}.part.lock"
    line, pid = _line_behind(pytui, lock, record)
    assert line.startswith(f"{WAITS_UNKNOWN}{made.build.key} (pid {pid}: "), line
    assert line.endswith("; this install goes on with the install it made, or the tree it keeps if it keeps "
                         "one, or the cached archive if there is one then, else downloads it itself, once "
                         "it ends; Ctrl-C stops"), line
    assert_installed(pytui, made)
    assert not os.path.exists(lock)


def test_the_holders_own_record_is_read(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    lock = pytui.cache / f"{pytui.cached()[0]}.part.lock"
    line, pid = _line_behind(pytui, lock, "trees PID")
    assert line.startswith(f"{WAITS}installing {made.build.key} from its cached archive (pid {pid}: "), line
    assert line.endswith("; this install goes on with the tree it keeps, or the install it made, once it "
                         "ends; Ctrl-C stops"), line
    assert_installed(pytui, made)
