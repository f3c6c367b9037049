"""Whether the process a temp file is named after still runs: the one test every clean-up of a
killed writer's leftovers makes (core/atomic, core/link_temps, the download's resume state,
the parsed catalog's store, a cache import), the one age past which a temp is judged by age
alone, and the one way a temp's name gives its pid.
"""

from __future__ import annotations

import os

_HEX = frozenset("0123456789abcdef")
# How a `cache import`'s temporary copy in the cache dir begins (core/cache_import.py): here, so
# an install's clean-up tells one without importing the import's module.
IMPORT_TEMP_PREFIX = ".import."
# Linux's pid_max is at most 2**22; ten digits bound what int() is given from a hostile name.
MAX_PID_DIGITS = 10


def process_exists(pid: int) -> bool:
    """True while a process `pid` exists (another user's too: its EPERM says it does)."""
    try:
        os.kill(pid, 0)  # signal 0: only whether it exists
    except (ProcessLookupError, OverflowError):  # gone, or no pid at all
        return False
    except OSError:
        return True
    return True


# A temp whose pid runs again may be another process's by then (a write lasts moments), and one
# named before pids were in the name has only its age to tell: past this, a killed writer's.
STALE_AFTER_NS = 3600 * 10**9


def left_by_killed_writer(pid: int, mtime_ns: int, now_ns: int) -> bool:
    """Whether a temp named after `pid` (0: a name without one), last changed at `mtime_ns`, is
    a killed writer's: its process is gone, or it is older than STALE_AFTER_NS."""
    return now_ns - mtime_ns > STALE_AFTER_NS or (pid > 0 and not process_exists(pid))


def writer_pid(pid_and_random: str, random_digits: int) -> int | None:
    """The pid of a temp's `<pid>-<hex>` name part (`random_digits` lowercase hex digits); 0
    for the older `<hex>` form without a pid; None for a name pytui never makes."""
    pid, _, random_part = pid_and_random.rpartition("-")
    if len(random_part) != random_digits or not _HEX.issuperset(random_part):
        return None
    if not pid:
        return 0
    return int(pid) if pid.isascii() and pid.isdigit() and len(pid) <= MAX_PID_DIGITS else None
