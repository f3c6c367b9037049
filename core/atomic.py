"""The one way pytui replaces a small file: readers see the old bytes or the new, never a part.

A temp file beside the target (same directory, so the rename is atomic), written in full,
optionally fsynced, given its mode, then renamed over the target. A symlink at the target
is replaced, never written through. On any failure the temp file is removed and, when
`make_parents` created directories for it, those are removed too, so a refused write leaves
the tree as it was. A writer killed before its rename (SIGKILL, the OOM killer: no clean-up
runs) leaves its temp, `.<name>.<pid>-<hex>.tmp` (a whole kept catalog, 3 MB): the next write
of that file removes those whose pid is gone (`remove_stale_temps`).
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from pathlib import Path

from pytui.core.writer_pids import left_by_killed_writer, writer_pid

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | \
    getattr(os, "O_CLOEXEC", 0)
# Temp-name attempts before giving up (a name is random; a clash means another writer).
MAX_TEMP_ATTEMPTS = 16
# The hex digits of a temp name's random part (`os.urandom(4).hex()`).
_RANDOM_DIGITS = 8


def remove_stale_temps(target: Path) -> None:
    """Remove the temps killed writers of `target` left beside it (regular files only)."""
    prefix = f".{target.name}."
    try:
        with os.scandir(target.parent) as scan:
            names = [entry.name for entry in scan if entry.name.startswith(prefix) and entry.name.endswith(".tmp")]
    except OSError:
        return
    now = time.time_ns()
    for name in names:
        pid = writer_pid(name[len(prefix):-len(".tmp")], _RANDOM_DIGITS)
        if pid is None or pid == os.getpid():
            continue
        path = target.parent / name
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and left_by_killed_writer(pid, info.st_mtime_ns, now):
            with contextlib.suppress(OSError):
                os.unlink(path)


def _created_parents(directory: Path) -> list[Path]:
    """Make `directory` and its missing parents; return the ones this call created, deepest first."""
    missing = []
    current = directory
    while not os.path.exists(current) and current.parent != current:
        missing.append(current)
        current = current.parent
    directory.mkdir(parents=True, exist_ok=True)
    return missing


def _kept_mode(target: Path) -> int:
    """The mode of the regular file at `target` (not followed), else 0o644: a link there is
    replaced, so what it points to (/dev/zero's 0o666, a world-writable file elsewhere) is not
    the new file's to take."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return 0o644
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else 0o644


def write_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int | None = None,
                 fsync: bool = True, make_parents: bool = False) -> None:
    """Replace `path` with `data`.

    `mode` None keeps the mode of the regular file being replaced (0o644 for a new one, or one
    replacing a link or anything else). `fsync` False skips the flush to disk (files in a stage
    that is renamed into place as a whole).
    Raises the OSError of the step that failed.
    """
    target = Path(path)
    created = _created_parents(target.parent) if make_parents else []
    if not created:
        remove_stale_temps(target)
    temp = None
    try:
        for _ in range(MAX_TEMP_ATTEMPTS):
            candidate = target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
            try:
                fd = os.open(candidate, _NEW_FILE, 0o600)
            except FileExistsError:
                continue
            temp = candidate
            break
        else:
            raise FileExistsError(f"no free temporary name beside {target}")
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if mode is None:
                mode = _kept_mode(target)
            os.fchmod(fd, mode)
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except BaseException:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        for directory in created:
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise
