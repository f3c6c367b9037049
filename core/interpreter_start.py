"""Whether an installed interpreter starts as uv's query of it needs.

`uv python list` and `uv python find` run each managed interpreter once (`python -I -B -c
<script>`, the script importing the modules below and reading sysconfig) and drop one whose
run fails, while `uv python install` takes its key's directory for installed. A uv killed while
it deleted an install in place (`uv python uninstall`, `--reinstall`) leaves the interpreter
with part of its stdlib or libpython gone: that run is what tells it (docs/uv-compat.md).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

# What uv's crates/uv-python/python/get_interpreter_info.py imports and uses (its modules, the
# sysconfig it reads with its _sysconfigdata_ module, the JSON it prints), so that a module left
# half there (a package dir whose __init__.py is gone imports as an empty namespace) fails here
# as it fails uv's query.
QUERY = ("import importlib.machinery, json, os, platform, site, struct, sys, sysconfig; "
         "json.dumps([sysconfig.get_paths(), sysconfig.get_config_vars(), platform.uname(), "
         "platform.python_implementation(), struct.calcsize('P'), site.getsitepackages(), "
         "importlib.machinery.EXTENSION_SUFFIXES, os.name, sys.version_info], default=str)")
# A start that takes longer is said as such (a loaded machine starts Python in well under 1 s).
START_TIMEOUT = 30.0
# Of what a failed start printed, its last line only, and at most this much of it.
MAX_CAUSE_CHARS = 300
MAX_STDERR_BYTES = 64 * 1024


def start_failure(executable: Path, *, timeout: float = START_TIMEOUT) -> str | None:
    """None when `executable` runs uv's query; else why not, in a few words (the last line the
    interpreter printed, its exit status or signal, or the OS's refusal to run it).

    What the run left in a session of its own is ended (core/orphan_reaper.py) only when this
    is called on the main thread with no other thread running, as the CLI calls it: a child
    another thread started meanwhile would be taken for the run's."""
    from pytui.core.orphan_reaper import OrphanReaper

    with OrphanReaper() as reaper:
        try:
            run = subprocess.Popen([os.fspath(executable), "-I", "-B", "-c", QUERY],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
        except OSError as err:
            from pytui.core.fs_errors import cause

            return cause(err)
        with run:
            stderr_tail = _stderr_tail(run, timeout)
        if stderr_tail is not None:
            # It ended; what it left running in its process group (a child that let go of
            # stderr) goes too: a query starts nothing that should outlive it (a pid is not
            # reused while it names a live group, so this reaches only what the run left).
            _kill_group(run.pid)
        # And what it left in a session of its own (setsid), out of the group's reach: it came
        # to this process when the run ended (core/orphan_reaper.py).
        reaper.end_orphans(exclude={run.pid})
    if stderr_tail is None:
        return f"it did not finish within {timeout:g} s"
    if run.returncode == 0:
        return None
    lines = stderr_tail.decode("utf-8", "replace").strip().splitlines()
    last = lines[-1].strip() if lines else ""
    status = (f"killed by signal {-run.returncode}" if run.returncode < 0
              else f"exit status {run.returncode}")
    return f"{last[:MAX_CAUSE_CHARS]} ({status})" if last else status


def _stderr_tail(run: subprocess.Popen[bytes], timeout: float) -> bytes | None:
    """The last MAX_STDERR_BYTES the run wrote to stderr once it has ended, or None (the run
    killed) when it did not end within `timeout`. Read as it comes and cut as it grows:
    `subprocess.run` keeps all of it, so an interpreter printing without end was bounded by
    nothing but the time. Its end is watched too (a pidfd, where the OS has them): a child it
    left holding stderr (a daemon; one in its own session, out of the group's reach) kept the
    pipe open, and a run that had ended at once was waited for to the timeout and said as not
    finishing."""
    import selectors
    import time

    assert run.stderr is not None  # narrows for the type checker: the one caller passes PIPE
    deadline = time.monotonic() + timeout
    tail = bytearray()
    ended = _pidfd(run.pid)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(run.stderr, selectors.EVENT_READ)
            if ended is not None:
                selector.register(ended, selectors.EVENT_READ)
            while (left := deadline - time.monotonic()) > 0 and (events := selector.select(left)):
                if any(key.fd == ended for key, _ in events):
                    # It ended: what it wrote before is in the pipe now, read without waiting
                    # for an end of the pipe that a child holding it may never give.
                    _read_ready(run.stderr.fileno(), tail)
                    run.wait()
                    return bytes(tail)
                chunk = os.read(run.stderr.fileno(), 64 * 1024)
                if not chunk:
                    try:
                        run.wait(max(deadline - time.monotonic(), 0))
                    except subprocess.TimeoutExpired:
                        break
                    return bytes(tail)
                tail += chunk
                del tail[:-MAX_STDERR_BYTES]
    finally:
        if ended is not None:
            os.close(ended)
    # Its own process group, so that what it started goes with it.
    _kill_group(run.pid)
    run.wait()
    return None


def _pidfd(pid: int) -> int | None:
    """A descriptor readable once process `pid` (a child not yet waited for) ends, or None."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):  # before Linux 5.3, not Linux
        return None


def _read_ready(fd: int, tail: bytearray) -> None:
    """What the pipe `fd` holds now, onto `tail` (kept to its last MAX_STDERR_BYTES); at most
    a pipe's worth more than that: a child still writing to it is not followed."""
    os.set_blocking(fd, False)
    left = MAX_STDERR_BYTES + 1024 * 1024
    while left > 0:
        try:
            chunk = os.read(fd, 64 * 1024)
        except BlockingIOError:
            return
        if not chunk:
            return
        left -= len(chunk)
        tail += chunk
        del tail[:-MAX_STDERR_BYTES]


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def on_noexec_mount(executable: Path) -> bool:
    """Whether `executable` is on a filesystem mounted noexec, where no program runs (uv's
    query fails there as pytui's start does): no sign of a damaged install."""
    try:
        return bool(os.statvfs(executable).f_flag & getattr(os, "ST_NOEXEC", 0))
    except OSError:
        return False
