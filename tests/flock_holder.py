"""Another process holding flocks, as a program that is not pytui holds one (it records
nothing): for the tests of lock waits, lock holders and what a listing says of them."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

# One line, beginning as a one-lock holder's always did (a holder's command is shown in wait
# lines, cut to their room); each fd stays open, and its lock held, until the process ends.
_HOLDER = ("import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o666); "
           "fcntl.flock(fd, fcntl.LOCK_EX); [fcntl.flock(os.open(p, os.O_RDWR | os.O_CREAT, 0o666), "
           "fcntl.LOCK_EX) for p in sys.argv[2:]]; print('locked', flush=True); sys.stdin.read()")


@contextlib.contextmanager
def lock_held(*paths: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holds an flock on each of `paths` (created if missing) until its stdin
    closes (`holder.stdin.close()`) or the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, *map(str, paths)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.wait()
