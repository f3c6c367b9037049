"""core/interpreter_start.start_failure against real programs standing in for an interpreter:
what it keeps of their stderr is bounded, and so is its wait for them."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import tracemalloc
from pathlib import Path

from pytui.core.interpreter_start import MAX_STDERR_BYTES, start_failure


def _program(tmp_path: Path, body: str) -> Path:
    program = tmp_path / "python3.11"
    program.write_text("#!/bin/sh\n" + body)
    program.chmod(0o755)
    return program


def test_a_start_that_succeeds_is_none(tmp_path: Path) -> None:
    assert start_failure(_program(tmp_path, "exit 0\n")) is None


def test_the_cause_is_the_last_line_and_the_status(tmp_path: Path) -> None:
    program = _program(tmp_path, "echo first >&2\necho 'ModuleNotFoundError: json' >&2\nexit 1\n")
    assert start_failure(program) == "ModuleNotFoundError: json (exit status 1)"


def test_stderr_without_end_is_kept_to_its_last_bytes(tmp_path: Path) -> None:
    # 40 MiB of stderr, then the line that says why: what is kept at once stays near the cap
    # (subprocess.run kept all of it: a peak above 40 MiB).
    program = _program(tmp_path, "head -c 41943040 /dev/zero | tr '\\0' x >&2\n"
                                 "echo >&2\necho 'the cause' >&2\nexit 3\n")
    tracemalloc.start()
    try:
        failure = start_failure(program)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert failure == "the cause (exit status 3)"
    assert peak < 8 * MAX_STDERR_BYTES


def test_a_run_that_does_not_end_is_killed_at_the_bound(tmp_path: Path) -> None:
    assert start_failure(_program(tmp_path, "exec sleep 600\n"), timeout=0.2) == \
        "it did not finish within 0.2 s"


def test_a_child_holding_stderr_open_does_not_hold_the_wait(tmp_path: Path) -> None:
    # The program ends at once but leaves a child with its stderr: its end is what is said
    # (the wait went on to the timeout and said it did not finish), and the child is killed.
    child_pid = tmp_path / "child.pid"
    program = _program(tmp_path, f"echo 'the cause' >&2\nsleep 600 &\necho $! > '{child_pid}'\nexit 1\n")
    assert start_failure(program, timeout=60) == "the cause (exit status 1)"
    assert _ends(int(child_pid.read_text()))


def test_a_child_in_its_own_session_holding_stderr_does_not_hold_the_wait(tmp_path: Path) -> None:
    # Out of the group's reach (setsid): pytui waits for it no more than for the program (it
    # waited the whole timeout, 30 s, and said `did not finish`: attacker31). Its end after the
    # check: tests/test_start_check_orphans.py.
    child_pid = tmp_path / "child.pid"
    program = _program(tmp_path, f"setsid sh -c 'echo $$ > {child_pid}; exec sleep 600' &\n"
                                 f"while [ ! -s '{child_pid}' ]; do :; done\nexit 0\n")
    try:
        assert start_failure(program, timeout=60) is None
    finally:
        if child_pid.exists() and child_pid.read_text().strip():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(child_pid.read_text()), signal.SIGKILL)


def test_a_child_this_process_had_before_the_check_is_left_alone(tmp_path: Path) -> None:
    # The reaper ends only what came to this process during the check.
    import subprocess

    mine = subprocess.Popen(["sleep", "600"])
    try:
        assert start_failure(_program(tmp_path, "exit 0\n")) is None
        assert mine.poll() is None
    finally:
        mine.kill()
        mine.wait()


def test_a_child_left_running_by_a_start_that_succeeded_is_ended(tmp_path: Path) -> None:
    # The program succeeds and leaves a child that let go of stderr (the wait does not see it):
    # it was left running after pytui's check (found by attacker31: `sleep 700` outlived pytui).
    child_pid = tmp_path / "child.pid"
    program = _program(tmp_path, f"sleep 600 </dev/null >/dev/null 2>&1 &\necho $! > '{child_pid}'\nexit 0\n")
    assert start_failure(program) is None
    assert _ends(int(child_pid.read_text()))


def test_a_program_that_cannot_run_is_said(tmp_path: Path) -> None:
    missing = tmp_path / "python3.11"
    assert start_failure(missing)  # the OS's refusal, in words


def _ends(pid: int) -> bool:
    """Whether the process `pid` (not a child of this one) ends: its pidfd becomes readable when
    it does. A SIGKILL sent is not yet a process gone; the 60 s only bound a wait for that event."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([pidfd], [], [], 60)[0])
    finally:
        os.close(pidfd)
