"""The flock a tree store's work dir (`trees/.tmp-…`, `trees/.old-…`) carries while its run lives:
what a killed run left is known by its lock being free (core/tree_store.py)."""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path


def hold_dir(path: Path, *, strict: bool = False) -> int:
    """The directory at `path` opened and flocked (exclusive, not waiting), or -1 when another
    run holds it or it is not a directory (not followed: a link is never ours). With `strict`,
    a directory that cannot be opened (EACCES: another user's, left by a `sudo` run) raises
    that OSError instead: it is no other run's, and nothing here can remove it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as err:
        if strict and err.errno not in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
            raise
        return -1
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Still the directory at that name (not renamed away and replaced meanwhile).
        if os.lstat(path).st_ino == os.fstat(fd).st_ino:
            return fd
    except OSError:
        pass
    os.close(fd)
    return -1
