"""Path operations inside one directory tree that never follow a symlink out of it.

A directory is reached from an open fd of the tree's root one component at a time
(`openat` with O_NOFOLLOW|O_DIRECTORY), so a symlink on the way is met as a symlink — and
refused — instead of being followed wherever it points. Files are then read, created and
replaced relative to their parent's fd. `resolve_link` works out where a symlink really
leads, through the links already in the tree, without leaving a given floor.
Used by the extractor (`core/stage_tree.py`) and by the fix-ups (`core/fixups.py`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
READ_FLAGS = os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
# Most symlinks followed while resolving one path, as the kernel's own limit (40): an archive's
# member, a kept tree's manifest, an environment's interpreter. Its one home: this module has
# only the standard library's imports, and every install loads it (the fix-ups write through it).
MAX_LINK_HOPS = 40


class LinkInPath(OSError):
    """A path component is a symlink (`path`, relative to the tree) where a directory is needed."""

    def __init__(self, path: str) -> None:
        super().__init__(errno.ELOOP, f"{path} is a symlink")
        self.path = path


class NotADirectory(OSError):
    """A path component is a file or other non-directory (`path`, relative to the tree)."""

    def __init__(self, path: str) -> None:
        super().__init__(errno.ENOTDIR, f"{path} is not a directory")
        self.path = path


class LinkLoop(Exception):
    """Resolving a symlink took more than MAX_LINK_HOPS links (a loop, or an absurd chain)."""


def open_child_dir(parent_fd: int, name: str, path: str, *, create: bool) -> int:
    """fd of the directory `name` in `parent_fd` (`path` is its tree path, for errors)."""
    try:
        return os.open(name, DIR_FLAGS, dir_fd=parent_fd)
    except FileNotFoundError:
        if not create:
            raise
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o777, dir_fd=parent_fd)
        return open_child_dir(parent_fd, name, path, create=False)
    except OSError as err:
        if err.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise
        st = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
        if stat.S_ISLNK(st.st_mode):
            raise LinkInPath(path) from None
        raise NotADirectory(path) from None


def open_dir(root_fd: int, rel: str, *, create: bool = False) -> int:
    """A new fd for directory `rel` ('' = the root) under `root_fd`, walked without following links."""
    fd = os.dup(root_fd)
    path = ""
    try:
        for part in rel.split("/"):
            if not part or part == ".":
                continue
            if part == "..":
                raise NotADirectory(f"{path}/..")
            path = f"{path}/{part}" if path else part
            child = open_child_dir(fd, part, path, create=create)
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_root(path: str | os.PathLike[str]) -> int:
    """fd of a tree's root directory, refusing a root that is itself a symlink."""
    try:
        return os.open(path, DIR_FLAGS)
    except OSError as err:
        if err.errno in (errno.ELOOP, errno.ENOTDIR) and os.path.islink(path):
            raise LinkInPath(os.fspath(path)) from None
        raise


def lstat_at(dir_fd: int, name: str) -> os.stat_result | None:
    """lstat relative to `dir_fd`; None when there is nothing there to see."""
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as err:
        if err.errno == errno.ENAMETOOLONG:
            return None
        raise


def read_file_at(dir_fd: int, name: str, limit: int) -> bytes | None:
    """The bytes of regular file `name` in `dir_fd`; None when absent or not a regular file.

    Never follows a symlink; a file over `limit` bytes raises OSError(EFBIG).
    """
    try:
        fd = os.open(name, READ_FLAGS, dir_fd=dir_fd)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as err:
        if err.errno == errno.ELOOP:
            return None  # a symlink: not followed
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        if st.st_size > limit:
            raise OSError(errno.EFBIG, f"{name} is larger than {limit} bytes")
        parts = []
        total = 0
        while True:
            piece = os.read(fd, 1 << 20)
            if not piece:
                break
            total += len(piece)
            if total > limit:
                raise OSError(errno.EFBIG, f"{name} is larger than {limit} bytes")
            parts.append(piece)
        return b"".join(parts)
    finally:
        os.close(fd)


def write_atomic_at(dir_fd: int, name: str, data: bytes, mode: int = 0o644, *,
                    fsync: bool = True) -> None:
    """Replace `name` in `dir_fd` by `data` (temp file, fsync, rename): old or new after a crash.

    The rename replaces a symlink of that name rather than writing where it points; it is
    always a new inode, so a file hard-linked elsewhere (a pristine tree's) is never written.
    `fsync=False` for a directory that only a later rename makes visible (core/fixups.py
    `apply_fixups(staged=True)` says why that loses nothing).
    """
    temp = f".{name}.{os.urandom(4).hex()}.tmp"
    fd = os.open(temp, NEW_FILE_FLAGS, 0o600, dir_fd=dir_fd)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, mode)
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=dir_fd)
        raise


def resolve_link(root_fd: int, start: list[str], target: str, floor: int) -> list[str] | None:
    """Where relative `target`, read in directory `start` (components under the root), really leads.

    Follows the symlinks met on the way through the real tree (each counted against
    MAX_LINK_HOPS; more raises LinkLoop); components that do not exist (yet) are taken as
    plain directories, so a dangling link is judged by where it would lead.
    Returns the resolved components, or None when the path climbs above its first `floor`
    components (or a link on the way is absolute): it would leave that directory.
    """
    stack = list(start)
    pending = target.split("/")
    pending.reverse()
    hops = 0
    while pending:
        part = pending.pop()
        if not part or part == ".":
            continue
        if part == "..":
            if len(stack) <= floor:
                return None
            stack.pop()
            continue
        # Every component is looked up, even after a missing one: `missing/../link` must
        # still follow `link`, as the kernel will once `missing` exists.
        path = "/".join((*stack, part))
        st = lstat_at(root_fd, path)
        if st is not None and stat.S_ISLNK(st.st_mode):
            hops += 1
            if hops > MAX_LINK_HOPS:
                raise LinkLoop(target)
            link = os.readlink(path, dir_fd=root_fd)
            if link.startswith("/"):
                return None
            more = link.split("/")
            more.reverse()
            pending.extend(more)
            continue
        stack.append(part)
    return stack
