"""An install root that fills up during an install: how much it needed, said in one line.

Extraction reports a full disk as a write that failed; the install job turns that (and a tree
that does not fit) into `no space left on <root>: the install needs X and Y is free there; free
N MiB and retry` (or, past the filesystem's whole size, to install elsewhere), with N worked out from
what the install needs (the tree's size, or a .tar.gz archive's unpacked size from its gzip
trailer) and what the root's filesystem has free once the stage is gone.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from pytui.core.errors import InstallError

MIB = 1 << 20
_FULL = (errno.ENOSPC, errno.EDQUOT)
# Exceptions chained below a failure, looked at for an OSError of a full disk (the extractor
# raises its one-line error `from None`, which keeps the original as `__context__`).
MAX_CHAIN = 8


def is_disk_full(err: BaseException) -> bool:
    """True when `err`, or an error it was raised while handling, is ENOSPC or EDQUOT."""
    seen: BaseException | None = err
    for _ in range(MAX_CHAIN):
        if seen is None:
            return False
        if isinstance(seen, OSError) and seen.errno in _FULL:
            return True
        inner = getattr(seen, "error", None)  # the tar reader's WriteFailed wraps its OSError
        if isinstance(inner, OSError) and inner.errno in _FULL:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def gzip_unpacked_size(archive: Path) -> int | None:
    """A .tar.gz's unpacked size from the gzip trailer (ISIZE, modulo 4 GiB: every PBS archive
    is far below that), or None for another kind or a file that cannot be read."""
    if not archive.name.endswith((".tar.gz", ".tgz")):
        return None
    try:
        with open(archive, "rb") as f:
            f.seek(-4, os.SEEK_END)
            trailer = f.read(4)
    except OSError:
        return None
    return int.from_bytes(trailer, "little") if len(trailer) == 4 else None


def out_of_inodes(path: Path) -> bool:
    """True when the filesystem of `path` has no inode left for this user (a full inode table
    fails a `mkdir` or `open(O_CREAT)` with ENOSPC however many bytes are free). Asked while the
    failed attempt's files are still there: removing them frees their inodes."""
    try:
        st = os.statvfs(path)
    except OSError:
        return False
    return st.f_files > 0 and st.f_favail == 0


def free_bytes(path: Path) -> int:
    return _space(path)[0]


def _space(path: Path) -> tuple[int, int]:
    """(bytes free to this user, bytes the filesystem holds in all) at `path`; 0s if unknown."""
    try:
        st = os.statvfs(path)
    except OSError:
        return 0, 0
    return st.f_bavail * st.f_frsize, st.f_blocks * st.f_frsize


def no_space_error(root: Path, needed: int | None, written: int, entries: int | None = None,
                   no_inodes: bool = False) -> InstallError:
    """The one line for a root that filled up: what is needed and what is free, so a user sees
    whether freeing space can work at all. `needed`: what the install takes, when known;
    `written`: what the failed attempt had written (at least that much more is needed);
    `entries`: how many files, links and directories the install makes, when known; `no_inodes`:
    the filesystem had no inode left when the attempt failed. A filesystem out of inodes rather
    than bytes is said as such: freeing bytes there would not help."""
    from pytui.core.units import format_bytes  # one unit system everywhere (MiB, as uv)

    free, size = _space(root)
    if needed is not None and needed > free:
        needs = f"the install needs {format_bytes(needed)} and {format_bytes(free)} is free there"
        if size and needed > size:
            return InstallError(f"no space left on {root}: {needs}, more than its filesystem holds "
                                f"({format_bytes(size)}); install into a bigger one with --install-dir "
                                "or UV_PYTHON_INSTALL_DIR")
        missing = -(-(needed - free) // MIB)  # rounded up
        return InstallError(f"no space left on {root}: {needs}; free {missing} MiB and retry")
    inodes = _inodes(root)
    if inodes is not None and (no_inodes or (entries is not None and entries > inodes[0])):
        free_inodes, all_inodes = inodes
        needs = f"the install makes up to {entries:,} files and directories, " if entries else ""
        return InstallError(f"no space left on {root}: its filesystem is out of inodes ({needs}"
                            f"it has {all_inodes:,} in all, {free_inodes:,} free once this attempt's "
                            f"files were removed; {format_bytes(free)} free); remove files there, or install into "
                            "another filesystem with --install-dir or UV_PYTHON_INSTALL_DIR")
    # The size is unknown (a streamed or zstd archive): it needs more than the attempt wrote.
    return InstallError(f"no space left on {root}: it needs more than the {-(-written // MIB)} MiB "
                        f"that fitted ({format_bytes(free)} is free there now); free at least "
                        f"{max(1, -(-written // MIB))} MiB more and retry")


def _inodes(path: Path) -> tuple[int, int] | None:
    """(inodes free to this user, inodes in all) at `path`; None where the filesystem has no
    fixed number (btrfs reports 0) or cannot be asked."""
    try:
        st = os.statvfs(path)
    except OSError:
        return None
    return (st.f_favail, st.f_files) if st.f_files > 0 else None
