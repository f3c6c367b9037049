"""Whether a path lies on one of the kernel's own filesystems (/proc, /sys, cgroup, ...), which
are views of the kernel, not storage: no file or directory can be made there, and each refuses
with whatever errno it picks (procfs ENOENT for `/proc/self`, sysfs EACCES even for root), whose
words ("no such file or directory", "fix its permissions") send the user the wrong way.

Read only when a write already failed (core/fs_errors.reason): /proc/self/mountinfo is not
parsed on any path that succeeds.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Filesystem types that are the kernel's views, never storage (tmpfs, devtmpfs and overlay hold
# files and are not here).
KERNEL_FILESYSTEMS = frozenset({
    "proc", "sysfs", "cgroup", "cgroup2", "debugfs", "tracefs", "securityfs", "pstore", "bpf",
    "configfs", "efivarfs", "devpts", "mqueue", "binfmt_misc", "fusectl", "selinuxfs", "nsfs",
})
MOUNTINFO = "/proc/self/mountinfo"
# Far past any real table (a host with thousands of mounts is ~1 MB); a bound, as for any read.
_MOUNTINFO_LIMIT = 8 << 20
# The kernel writes a space, tab, newline or backslash in a mount point as a 3-digit octal escape.
_ESCAPE = re.compile(r"\\([0-7]{3})")


def kernel_filesystem(path: Path | str) -> tuple[str, str] | None:
    """(filesystem type, mount point) when `path`, or the nearest directory above it that
    exists, is on one of the kernel's own filesystems; None otherwise, or when that cannot be
    told: the mount table unreadable, or a directory on the way this user may not look into
    (`/proc/1/root/…`, whose own filesystem is not /proc's: only a missing name is walked up).
    Found by the device number stat gives, as the mount table names it, not by the path's
    words, which a symbolic link or a bind mount would mislead."""
    current = os.path.abspath(path)
    while True:
        try:
            device = os.stat(current).st_dev
            break
        except FileNotFoundError:
            parent = os.path.dirname(current)
            if parent == current:
                return None
            current = parent
        except (OSError, ValueError):
            return None
    wanted = f"{os.major(device)}:{os.minor(device)}"
    found = [(fstype, point) for number, point, fstype in _mounts() if number == wanted]
    if not found or found[-1][0] not in KERNEL_FILESYSTEMS:
        return None
    # Of the places the filesystem is mounted (bind mounts), the one the path is under.
    return next(((fstype, point) for fstype, point in found
                 if current == point or current.startswith(point.rstrip("/") + "/")), found[-1])


def kernel_filesystem_words(path: Path | str) -> str | None:
    """`/proc is the kernel's proc filesystem, not storage: no file can be made there`, or None."""
    found = kernel_filesystem(path)
    if found is None:
        return None
    fstype, point = found
    return f"{point} is the kernel's {fstype} filesystem, not storage: no file can be made there"


def _mounts() -> list[tuple[str, str, str]]:
    """(device `major:minor`, mount point, filesystem type) of each line of this process's
    mount table."""
    try:
        with open(MOUNTINFO, "rb") as table:
            text = table.read(_MOUNTINFO_LIMIT).decode("utf-8", "surrogateescape")
    except (OSError, ValueError):
        return []
    mounts = []
    for line in text.splitlines():
        # `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`: the
        # device is the 3rd field, the mount point the 5th, the type the first after the lone `-`.
        fields = line.split(" ")
        try:
            fstype = fields[fields.index("-", 6) + 1]
        except (ValueError, IndexError):
            continue
        point = _ESCAPE.sub(lambda match: chr(int(match.group(1), 8)), fields[4])
        mounts.append((fields[2], point, fstype))
    return mounts
