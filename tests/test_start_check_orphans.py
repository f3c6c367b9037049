"""The start check of a satisfied install (`pytui install 3.12` with 3.12 installed runs its
interpreter once, as uv's list would) ends what the interpreter left running, even a child
in a session of its own, which the process-group kill cannot reach: it outlived pytui
(attacker31, `setsid sleep`). pytui is a child subreaper during the check, so that child comes
to it when the interpreter ends (core/orphan_reaper.py). Where another thread runs, nothing
is ended: a child that thread started would be taken for an orphan."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from pathlib import Path

import pytest
from cli_harness import Pytui
from pytui.core.interpreter_start import start_failure

LEAVES_A_SESSION_CHILD = ("#!/bin/sh\nsetsid sh -c 'echo $$ > {pid}; exec sleep 600' "
                          "</dev/null >/dev/null 2>&1 &\nwhile [ ! -s '{pid}' ]; do :; done\nexit 0\n")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _kill(pid_file: Path) -> None:
    if pid_file.exists() and pid_file.read_text().strip():
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)


def test_a_satisfied_installs_check_ends_a_child_in_its_own_session(pytui: Pytui, tmp_path: Path) -> None:
    made = pytui.add("3.12.8")
    assert pytui.run("install", "3.12").returncode == 0
    interpreter = pytui.root / made.build.key / "bin" / "python3.12"
    pid_file = tmp_path / "child.pid"
    fresh = interpreter.with_name("python3.12.new")
    fresh.write_text(LEAVES_A_SESSION_CHILD.format(pid=pid_file))
    fresh.chmod(0o755)
    os.replace(fresh, interpreter)  # a new file: the install's may be a kept tree's link
    try:
        done = pytui.run("install", "3.12")
        assert done.returncode == 0, str(done)
        assert "already installed" in done.stderr, str(done)
        # Killed and reaped by pytui before it exited: no such process now.
        assert not _alive(int(pid_file.read_text())), str(done)
    finally:
        _kill(pid_file)


def test_with_another_thread_running_nothing_is_ended(tmp_path: Path) -> None:
    program = tmp_path / "python3.11"
    pid_file = tmp_path / "child.pid"
    program.write_text(LEAVES_A_SESSION_CHILD.format(pid=pid_file))
    program.chmod(0o755)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert start_failure(program, timeout=60) is None
        assert _alive(int(pid_file.read_text()))
    finally:
        release.set()
        other.join()
        _kill(pid_file)


@pytest.fixture(autouse=True)
def _linux_only() -> None:
    if not os.path.isdir("/proc/self/task"):
        pytest.skip("a child subreaper is Linux's")
