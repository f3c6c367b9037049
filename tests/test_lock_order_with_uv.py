"""The lock order beside the real uv, in the interleavings other than the one
tests/test_install_same_key_at_once.py holds (uv first, then a `--no-cache` pytui).

pytui takes an archive's `<name>.part.lock` before the root's `.lock`, never the other way
round; uv takes only the root's. So whichever process gets its lock first, every wait ends:

- uv holds the root's lock (its download held by the loopback server) while a pytui, which
  holds 3.12's archive lock since it began to install from the cache (keeping no tree, which
  the second would link without a wait), waits for the root's lock, and a second pytui waits
  for that one's archive lock;
- a pytui holds 3.12's archive lock (stopped inside its unpacking, tests/step_hook.py) while uv
  installs another build, taking the root's lock: uv is not held by pytui's lock, the pytui
  then waits for uv's root lock at its commit, a second pytui waits for the first;
- the same while uv installs 3.12 itself from the shared cache: uv ends while the pytui still
  unpacks, and both pytuis then find 3.12 installed.

Each wait says so in one line naming the holder; every step waits for an event (a request at
the server, a line on stderr, `paused` on stdout), never for a time.
"""

from __future__ import annotations

import subprocess
import threading

import pytest
from archive_builds import MadeArchive
from cli_harness import PATIENT, Pytui, assert_installed, finish, reading_stderr, wait_for
from step_hook import paused_at
from test_uv_interop import UV

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]

UNPACKING = "pytui.core.extract.extract_archive"
WAITS_FOR_ARCHIVE = "waiting for another pytui process that is installing"
WAITS_FOR_ROOT = "waiting for the lock on"


def _uv(pytui: Pytui, request: str) -> subprocess.Popen[str]:
    env = pytui.env(UV_NO_CONFIG="1", UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), **PATIENT)
    return subprocess.Popen([str(UV), "python", "install", request], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=pytui.tmp)


def _go_on(proc: subprocess.Popen[str]) -> None:
    """Let a pytui paused by tests/step_hook.py go on (without waiting for it to end)."""
    if proc.stdin is not None:
        proc.stdin.write("go\n")
        proc.stdin.close()
        proc.stdin = None


def _line(said: list[str], what: str) -> str:
    [line] = [line for line in said if what in line]
    return line


def _ended(procs: list[tuple[subprocess.Popen[str], threading.Thread | None]]) -> list[str]:
    """Each process's exit code 0 (a hang is caught by `finish`'s bound); their stderr texts."""
    texts = []
    for proc, reader in procs:
        if reader is not None:
            proc.stderr = None  # read by its thread
        ended = finish(proc)
        if reader is not None:
            reader.join(60)
        assert ended.returncode == 0, str(ended)
        texts.append(ended.stderr)
    return texts


def _second_waits_for_the_archive(pytui: Pytui, started: list[tuple[subprocess.Popen[str],
                                                                    threading.Thread | None]]) -> list[str]:
    """A second `pytui install 3.12`, started and added to `started`, seen waiting for the first
    one's archive lock; its stderr lines as they come."""
    two = pytui.popen("install", "3.12", **PATIENT)
    said_two, reader_two = reading_stderr(two)
    started.append((two, reader_two))
    wait_for(lambda: any(WAITS_FOR_ARCHIVE in line for line in said_two),
             "the second pytui waiting for the first one's archive lock", two)
    return said_two


def _first_installed_after_uv_second_found_it(made: MadeArchive, theirs: subprocess.Popen[str],
                                              one: subprocess.Popen[str], said_one: list[str],
                                              said_two: list[str], uv_said: str) -> None:
    """uv installed 3.11 holding the root's lock; the first pytui waited for it, then installed
    3.12; the second waited for the first's archive lock, then found 3.12 installed."""
    key = made.build.key
    assert f"held by pid {theirs.pid}: " in _line(said_one, WAITS_FOR_ROOT)
    assert f"from its cached archive (pid {one.pid}: " in _line(said_two, WAITS_FOR_ARCHIVE)
    assert f" + {key}" in "".join(said_one)
    assert f"Python 3.12.8 is already installed ({key})" in "".join(said_two)
    assert "Installed Python 3.11.9" in uv_said, uv_said


def test_uv_holds_the_root_while_a_cached_pytui_holds_the_archive(pytui: Pytui) -> None:
    go_on = threading.Event()
    held = pytui.add("3.11.9", payload=True, faults={"stall_at": 64 * 1024, "stall_resume": go_on})
    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    theirs = _uv(pytui, "3.11")
    started: list[tuple[subprocess.Popen[str], threading.Thread | None]] = [(theirs, None)]
    try:
        wait_for(lambda: pytui.requests(held) == 1, "uv's request for 3.11 (the root's lock held)", theirs)
        # Keeping no tree (PYTUI_NO_TREES): a kept tree is linked by the second without a wait.
        one = pytui.popen("install", "3.12", PYTUI_NO_TREES="1", **PATIENT)
        said_one, reader_one = reading_stderr(one)
        started.append((one, reader_one))
        wait_for(lambda: any(WAITS_FOR_ROOT in line for line in said_one),
                 "the first pytui waiting for uv's root lock (3.12's archive lock held)", one)
        said_two = _second_waits_for_the_archive(pytui, started)
    finally:
        go_on.set()
    uv_said, _, _ = _ended(started)
    _first_installed_after_uv_second_found_it(made, theirs, one, said_one, said_two, uv_said)
    assert_installed(pytui, made)
    assert pytui.requests(made) == 0 and pytui.requests(held) == 1


def test_a_pytui_holds_the_archive_while_uv_installs_another_build(pytui: Pytui) -> None:
    go_on = threading.Event()
    held = pytui.add("3.11.9", payload=True, faults={"stall_at": 64 * 1024, "stall_resume": go_on})
    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    one = paused_at(pytui, UNPACKING, "install", "3.12")  # 3.12's archive lock held
    said_one, reader_one = reading_stderr(one)
    started: list[tuple[subprocess.Popen[str], threading.Thread | None]] = [(one, reader_one)]
    try:
        theirs = _uv(pytui, "3.11")
        started.append((theirs, None))
        # uv is not held by pytui's archive lock: it takes the root's lock and downloads.
        wait_for(lambda: pytui.requests(held) == 1, "uv's request for 3.11 (the root's lock held)", theirs)
        said_two = _second_waits_for_the_archive(pytui, started)
        _go_on(one)  # the first unpacks, then waits for uv's root lock at its commit
        wait_for(lambda: any(WAITS_FOR_ROOT in line for line in said_one),
                 "the first pytui waiting for uv's root lock", one)
    finally:
        go_on.set()
        _go_on(one)
    _, uv_said, _ = _ended(started)
    _first_installed_after_uv_second_found_it(made, theirs, one, said_one, said_two, uv_said)
    assert_installed(pytui, made)


def test_uv_installs_the_same_build_while_a_pytui_holds_its_archive(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    one = paused_at(pytui, UNPACKING, "install", "3.12")  # 3.12's archive lock held
    said_one, reader_one = reading_stderr(one)
    started: list[tuple[subprocess.Popen[str], threading.Thread | None]] = [(one, reader_one)]
    try:
        said_two = _second_waits_for_the_archive(pytui, started)
        # uv takes no archive lock: it installs 3.12 from the shared cache and ends meanwhile.
        theirs = _uv(pytui, "3.12")
        [uv_said] = _ended([(theirs, None)])
        assert "Installed Python 3.12.8" in uv_said, uv_said
    finally:
        _go_on(one)
    _ended(started)
    for said in (said_one, said_two):
        assert f"Python 3.12.8 is already installed ({made.build.key})" in "".join(said), said
    assert f"from its cached archive (pid {one.pid}: " in _line(said_two, WAITS_FOR_ARCHIVE)
    assert_installed(pytui, made)
    assert pytui.requests(made) == 0
