"""Two pytui processes installing one build at once download its archive once. The cached
install already waited on the archive's download lock (`<name>.part.lock`,
tests/test_download_lock_wait.py); a `--no-cache` install took no lock, so two of them (or one
beside a cached install) each streamed the whole archive before one found the build installed.
Now a streamed install takes the same lock while it downloads: the second process says it
waits for the other's download, then finds the build installed by it and downloads nothing.

The first process's response is held by the loopback server after its first bytes (`stall_at`
with `stall_resume`) until the test has seen the second one's waiting line: events (the
server's request log, a line on stderr), not time. The server then counts one request for the
archive.
"""

from __future__ import annotations

import subprocess
import threading

import pytest
from cli_harness import PATIENT, Pytui, assert_installed, finish, reading_stderr, wait_for
from test_uv_interop import UV

WAITS = "waiting for another pytui process that is downloading"


@pytest.mark.parametrize(("first", "second"), [
    (("--no-cache",), ("--no-cache",)),
    (("--no-cache",), ()),
    ((), ("--no-cache",)),
], ids=["streamed-twice", "streamed-then-cached", "cached-then-streamed"])
def test_the_second_install_uses_the_first_ones_download(pytui: Pytui, first: tuple[str, ...],
                                                         second: tuple[str, ...]) -> None:
    go_on = threading.Event()
    made = pytui.add("3.12.8", payload=True, faults={"stall_at": 64 * 1024, "stall_resume": go_on})
    one = pytui.popen("install", *first, "3.12")
    try:
        wait_for(lambda: pytui.requests(made) == 1, "the first pytui's request for the archive", one)
        two = pytui.popen("install", *second, "3.12")
        said, reader = reading_stderr(two)
        wait_for(lambda: any(WAITS in line for line in said), "the second pytui's waiting line", two)
    finally:
        go_on.set()
    ended_one = finish(one)
    two.stderr = None  # read by the thread above
    ended_two = finish(two)
    reader.join(60)
    text = "".join(said)
    assert ended_one.returncode == 0, str(ended_one)
    assert ended_two.returncode == 0 and "Traceback" not in text, text
    [line] = [line for line in said if WAITS in line]
    assert made.build.key in line, line
    installed, already = f" + {made.build.key}", f"Python 3.12.8 is already installed ({made.build.key})"
    # Streamed or cached, the first holds the lock until its install is in (a cached one let go
    # of it once the archive was cached, and both unpacked it: tests/test_install_unpack_at_once.py):
    # the second finds it there.
    assert installed in ended_one.stderr and already in text, (ended_one.stderr, text)
    assert_installed(pytui, made)
    assert pytui.requests(made) == 1


@pytest.mark.uv
@pytest.mark.skipif(not UV.exists(), reason="uv is not installed")
def test_no_deadlock_with_the_root_lock_uv_holds(pytui: Pytui) -> None:
    """Locks are taken in one order: the archive's, then the root's. uv holds the root's lock
    for its whole install (downloads included): while it does, the first pytui has streamed
    3.12 and waits for the root's lock holding 3.12's download lock, and the second waits for
    that one. Once uv's download goes on, all three end, and 3.12's archive was fetched once."""
    go_on = threading.Event()
    held = pytui.add("3.11.9", payload=True, faults={"stall_at": 64 * 1024, "stall_resume": go_on})
    made = pytui.add("3.12.8", payload=True)
    env = pytui.env(UV_NO_CONFIG="1", UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), **PATIENT)
    theirs = subprocess.Popen([str(UV), "python", "install", "3.11"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=pytui.tmp)
    procs: list[subprocess.Popen[str]] = [theirs]
    try:
        wait_for(lambda: pytui.requests(held) == 1, "uv's request for 3.11", theirs)
        one = pytui.popen("install", "--no-cache", "3.12", **PATIENT)
        procs.append(one)
        said_one, reader_one = reading_stderr(one)
        wait_for(lambda: any("waiting for the lock on" in line for line in said_one),
                 "the first pytui waiting for uv's root lock", one)
        two = pytui.popen("install", "--no-cache", "3.12", **PATIENT)
        procs.append(two)
        said_two, reader_two = reading_stderr(two)
        wait_for(lambda: any(WAITS in line for line in said_two), "the second pytui's waiting line", two)
    finally:
        go_on.set()
    ended = []
    for proc in procs:
        if proc is not theirs:
            proc.stderr = None  # read by its thread
        ended.append(finish(proc))
    reader_one.join(60)
    reader_two.join(60)
    assert [result.returncode for result in ended] == [0, 0, 0], [str(r) for r in ended]
    assert f" + {made.build.key}" in "".join(said_one)
    assert f"Python 3.12.8 is already installed ({made.build.key})" in "".join(said_two)
    assert_installed(pytui, made)
    assert pytui.requests(made) == 1 and pytui.requests(held) == 1


def test_the_second_downloads_itself_when_the_first_is_killed(pytui: Pytui) -> None:
    """The lock goes with its holder: a first `--no-cache` pytui killed mid-download leaves the
    second to download and install the build itself (its wait was no dead end)."""
    go_on = threading.Event()
    made = pytui.add("3.12.8", payload=True, faults={"stall_at": 64 * 1024, "stall_resume": go_on})
    one = pytui.popen("install", "--no-cache", "3.12")
    try:
        wait_for(lambda: pytui.requests(made) == 1, "the first pytui's request for the archive", one)
        two = pytui.popen("install", "--no-cache", "3.12")
        said, reader = reading_stderr(two)
        wait_for(lambda: any(WAITS in line for line in said), "the second pytui's waiting line", two)
        one.kill()
        finish(one)
    finally:
        go_on.set()
    two.stderr = None
    ended = finish(two)
    reader.join(60)
    assert ended.returncode == 0 and f" + {made.build.key}" in "".join(said), "".join(said)
    assert_installed(pytui, made)
    assert pytui.requests(made) == 2  # the killed one's, then the second's own
