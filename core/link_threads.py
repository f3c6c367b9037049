"""How many threads link a kept tree into a stage (core/tree_link.py): one, or two when every
core is busy.

One thread or two (2 Dec 2026, 20:48-20:58 UTC, a fresh 2-vCPU VM of the same kind, ext4,
the bench's tree; `link_tree` timed in process, the two alternated, 15-31 rounds a run, or
`bench/install.py --baseline` with one thread): with both cores free for the linker (the
runs at real-time priority, `chrt -f`, so the other work on the machine waits) two threads
took 1.5-1.8x one thread's wall time and 3x its CPU (42 against 24 ms, 71 against 23 ms of
CPU); a whole install 0.099 s (CPU 0.121) against 0.080 s (CPU 0.079), uv warm 0.359 s; the
coordinator's quiet run (load 0.2-0.7) 0.106 s (CPU 0.127) against 0.085 s (CPU 0.085).
`strace -f -c` counts why: with both cores free an install made 3,252 `futex` calls (7,269
in the coordinator's quiet run) against 46 with one thread, the GIL handed between the two
running threads after most system calls, each hand-off waking the other vCPU; at load 11
the same install made 76. With every core busy the threads mostly take turns and two
runnable threads get the cores more often: at load 3.2-3.6 the two were equal (paired
0.97-1.03x), at load 10-11 (other test suites) and beside a CPU hog on each core two threads
took 0.70-0.90x one thread's wall time for 1-12% more CPU. Hence one thread unless the
1-minute load average is at least the number of usable cores and as many other tasks are
runnable now (/proc/loadavg: at load 10-13 it read 5-15 runnable; the average alone would
keep a second thread for a minute or more after the machine went quiet); a whole directory
per thread would not help, since the hand-offs come from both threads running Python between
system calls, whatever each links.
"""

from __future__ import annotations

import os

# Threads that link a tree when a second one helps (the calling thread is one of them); see
# `threads_for` for when it does.
LINK_THREADS = 2


def threads_for(cpus: int, load: float, running: int | None = None) -> int:
    """How many threads link a tree on a machine of `cpus` usable cores whose 1-minute load
    average is `load` and on which `running` tasks are runnable now, this one included (None
    where that cannot be read): two only when every core is busy (`load` >= `cpus`, and as
    many others runnable now), one otherwise.

    With a core to spare the two threads run at once, and each hands the GIL to the other
    after nearly every system call: each hand-off wakes the other core, which on a VM costs
    more than the overlap saves (measured: see the module's docstring). On a busy machine
    the two threads mostly take turns, and two runnable threads get the cores more often.
    The load average lags by up to a minute (a machine just gone quiet still shows its
    load); the runnable count does not, but it is one moment's."""
    busy = cpus >= 2 and load >= cpus and (running is None or running - 1 >= cpus)
    return LINK_THREADS if busy else 1


def link_threads() -> int:
    """`threads_for` this machine now (one where the cores or the load cannot be read). A
    wrong guess costs speed, never correctness."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return 1
    return threads_for(cpus, load, _running_now())


def _running_now() -> int | None:
    """The runnable tasks now, from Linux's /proc/loadavg (`0.50 0.40 0.30 2/150 1234`: the
    fourth field's first number); None elsewhere or when it does not read as that."""
    try:
        fd = os.open("/proc/loadavg", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        fields = os.read(fd, 128).split()
    except OSError:
        return None
    finally:
        os.close(fd)
    running = fields[3].partition(b"/")[0] if len(fields) >= 4 else b""
    return int(running) if running.isdigit() and len(running) < 10 else None
