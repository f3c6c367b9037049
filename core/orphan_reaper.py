"""Ending what a checked interpreter left running even in a session of its own (Linux).

The start check (core/interpreter_start.py) runs an install's interpreter in its own process
group and kills that group when it ends; a child that called setsid() is out of the group's
reach and outlived pytui. While an `OrphanReaper` is active this process is a child
subreaper (prctl PR_SET_CHILD_SUBREAPER): a descendant whose parent ends is re-parented here
instead of to init, so once the interpreter has ended, what it left is this process's own
children. Each is killed and reaped; its pid cannot be reused before it is reaped, so no
other process is ever signalled. The children it then leaves come here in turn: up to
MAX_ROUNDS generations are ended.

It acts only on the main thread with no other thread running (the CLI's check, before any
job starts); elsewhere it does nothing, as a child another thread starts meanwhile (a job's
`zstd -d`, another check) would be taken for an orphan. Children this process had before are
left alone. A descendant whose parent is still alive when
the reaper looks (a chain inside the killed group dying one by one) may be re-parented after
the last look and go to init, as before. Elsewhere (no prctl, no /proc) it does nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal

PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37
# Generations of an escaped tree ended (each round kills the children found, then looks again).
MAX_ROUNDS = 16
# Children looked at in one round, and the wait for all of them to end (a process in
# uninterruptible sleep ends late: it is left to init past this).
MAX_CHILDREN = 256
END_DEADLINE_SECONDS = 5.0


class OrphanReaper:
    """`with OrphanReaper() as reaper: ...run...; reaper.end_orphans(exclude={run.pid})`."""

    def __init__(self) -> None:
        self._prctl = None
        self._was = 0
        self._before: set[int] = set()

    def __enter__(self) -> OrphanReaper:
        import threading

        if threading.current_thread() is not threading.main_thread() or threading.active_count() != 1:
            return self
        prctl = _prctl()
        if prctl is None:
            return self
        import ctypes

        was = ctypes.c_int(0)
        if prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(was), 0, 0, 0) != 0:
            return self
        self._before = set(_children())
        if prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            return self
        self._prctl, self._was = prctl, was.value
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._prctl is not None and not self._was:
            self._prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)

    def end_orphans(self, exclude: set[int]) -> int:
        """Kill and reap the children that came to this process since it became a subreaper
        (not `exclude`, the run's own pid, nor the children it had before); how many."""
        if self._prctl is None:
            return 0
        import time

        deadline = time.monotonic() + END_DEADLINE_SECONDS
        ended = 0
        for _ in range(MAX_ROUNDS):
            orphans = [pid for pid in _children() if pid not in self._before and pid not in exclude]
            if not orphans:
                break
            for pid in orphans[:MAX_CHILDREN]:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
                if _reap(pid, max(deadline - time.monotonic(), 0)):
                    ended += 1
            if time.monotonic() >= deadline:
                break
        return ended


def _prctl():  # -> the libc prctl function, or None
    if not os.path.isdir("/proc/self/task"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl
    except (OSError, AttributeError):
        return None


def _children() -> list[int]:
    """This process's children, from each of its threads' /proc children list."""
    pids: list[int] = []
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return pids
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/children", "rb") as listed:
                text = listed.read(64 * 1024)
        except OSError:
            continue
        pids += [int(pid) for pid in text.split() if pid.isdigit()]
    return pids


def _reap(pid: int, wait: float) -> bool:
    """Wait up to `wait` seconds for the killed child `pid` to end, and reap it."""
    import select

    try:
        watch = os.pidfd_open(pid)
    except (AttributeError, OSError):
        watch = None
    try:
        if watch is not None:
            select.select([watch], [], [], wait)
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == pid
    except ChildProcessError:
        return False
    finally:
        if watch is not None:
            os.close(watch)
