"""Filesystem failures as one line: the path, the cause in words, what to do next.

An `OSError` text (`[Errno 30] Read-only file system: '/x'`) names the errno and a path that is
often a temporary file; these helpers name the directory the user chose and say what to do.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import BinaryIO

# Causes the user can act on, in words; anything else falls back to the OS's own text.
_CAUSES = {
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOTDIR: "not a directory",
    errno.EISDIR: "is a directory",
    errno.EEXIST: "already exists",
    errno.ENOENT: "no such file or directory",
    errno.EIO: "input/output error",
    errno.ELOOP: "too many levels of symbolic links",
    errno.ENAMETOOLONG: "file name too long",
}
FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def cause(err: OSError) -> str:
    """The reason for `err` in lower-case words: `read-only file system`, `permission denied`."""
    if err.errno in _CAUSES:
        return _CAUSES[err.errno]
    text = err.strerror or str(err) or type(err).__name__
    return text[:1].lower() + text[1:]


def first_non_directory(path: Path) -> Path | None:
    """The first component of `path` that exists and is not a directory (a file where a
    directory belongs), or None. Symbolic links are followed, as opening the path would."""
    current = Path(path.anchor) if path.is_absolute() else Path()
    for part in path.parts[1 if path.is_absolute() else 0:]:
        current = current / part
        try:
            if not os.path.isdir(current) and os.path.lexists(current):
                return current
        except OSError:
            return None
    return None


def reason(err: OSError, path: Path) -> str:
    """Why `path` is unusable, in words; names the file in the way when a directory is expected,
    and the kernel's filesystem (/proc, /sys) when `path` is on one, whatever errno it chose."""
    if err.errno in (errno.ENOTDIR, errno.EEXIST, errno.ENOENT):
        target = _dangling_target(path)
        if target is not None:
            return f"it is a symbolic link to {target}, which does not exist"
    if err.errno in (errno.ENOTDIR, errno.EEXIST):
        blocker = first_non_directory(path)
        if blocker == path:
            return "it is not a directory"
        if blocker is not None:
            return f"{blocker} is not a directory"
    if err.errno in (errno.EACCES, errno.EPERM):
        refusing = _refusing_ancestor(path)
        if refusing is not None:
            return f"permission denied by {refusing}"
    from pytui.core.kernel_fs import kernel_filesystem_words

    kernel = kernel_filesystem_words(path)
    if kernel is not None:
        return kernel
    return cause(err)


def write_cause(err: OSError, path: Path) -> str:
    """Why the file `path` could not be written, in words: the file in the way named when a
    directory above it is not one (`/dev/null is not a directory`, where the OS said
    `File exists` for the directory that could not be made)."""
    if err.errno in (errno.ENOTDIR, errno.EEXIST):
        blocker = first_non_directory(path.parent)
        if blocker is not None:
            return f"{blocker} is not a directory"
    if err.errno in (0, errno.ELOOP, errno.ENXIO, errno.EISDIR):
        # What is at the name, rather than the errno an O_NOFOLLOW, O_NONBLOCK write-open gives
        # for it (`too many levels of symbolic links` for one plain link, `no such device or
        # address` for a FIFO).
        shape = _shape_at(path)
        if shape is not None:
            return shape
    return cause(err)


def _shape_at(path: Path) -> str | None:
    """`it is a FIFO, not a regular file; remove it`, `it is a symbolic link (to X), which pytui
    does not write through; …` (one that leads somewhere: a loop is said by its errno), or None."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            os.stat(path)
            return (f"it is a symbolic link (to {os.readlink(path)}), which pytui does not write "
                    "through; remove it")
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    return f"it is {file_kind(mode)}, not a regular file; remove it"


def owned_by_another(err: OSError, path: Path) -> str | None:
    """`<path> belongs to <user>, not to you` when `err` is a permission error and `path` is
    another user's (a `sudo pytui install` made it in your root or cache), else None: the
    directory it sits in is fine, and fixing its permissions would not help."""
    if err.errno not in (errno.EACCES, errno.EPERM):
        return None
    try:
        owner = os.lstat(path).st_uid
    except OSError:
        return None
    if owner == os.geteuid():
        return None
    try:
        import pwd

        name = pwd.getpwuid(owner).pw_name
    except (ImportError, KeyError):
        name = f"uid {owner}"
    return f"{path} belongs to {name}, not to you"


def _refusing_ancestor(path: Path) -> Path | None:
    """The directory above `path` that keeps this user from reaching or making it (no write or
    search permission), when `path` itself cannot be seen: the line named `path`, which does
    not exist, with `fix its permissions`."""
    if os.path.lexists(path):
        return None
    for parent in Path(path).parents:
        if os.path.lexists(parent):
            return None if os.access(parent, os.W_OK | os.X_OK) else parent
    return None


def _dangling_target(path: Path) -> str | None:
    """Where the symbolic link `path` leads when that is nowhere, else None."""
    try:
        if os.path.exists(path) or not os.path.islink(path):
            return None
        return os.readlink(path)
    except (OSError, ValueError):
        return None


def remedy(err: OSError, alternative: str, path: Path | None = None) -> str:
    """What to do: fix the directory (when the cause says how) or `alternative`. With `path`,
    a path on the kernel's filesystems (/proc, /sys) has only `alternative` (no permission or
    space there would help), and a symbolic link to nothing is removed or its target made."""
    if path is not None:
        from pytui.core.kernel_fs import kernel_filesystem

        if kernel_filesystem(path) is not None:
            return alternative
        if err.errno in (errno.ENOTDIR, errno.EEXIST, errno.ENOENT) and _dangling_target(path) is not None:
            return f"remove the link or create that directory, or {alternative}"
    if err.errno == errno.EROFS:
        return f"make it writable or {alternative}"
    if err.errno in FULL:
        return f"free some space or {alternative}"
    if err.errno in (errno.EACCES, errno.EPERM):
        return f"fix its permissions or {alternative}"
    return alternative


# The most of a path dir_problem and unexpected show, its middle cut past that: a directory
# named by a variable or a flag may be 100,000 characters (`file name too long`), which the
# line echoed whole. Past any path a system opens in one piece (PATH_MAX, 4096, is bytes).
SHOWN_PATH_CHARS = 512


def _shown(path: object) -> str:
    from pytui.core.elide import elide_middle

    return elide_middle(str(path), SHOWN_PATH_CHARS)


def dir_problem(doing: str, what: str, path: Path, err: OSError, alternative: str) -> str:
    """`cannot <doing> <what> <path>: <reason>; <remedy>` (one line)."""
    return f"cannot {doing} {what} {_shown(path)}: {reason(err, path)}; {remedy(err, alternative, path)}"


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def file_kind(mode: int) -> str:
    """`a regular file`, `a FIFO`, `a character device`... for an `st_mode`."""
    if stat.S_ISREG(mode):
        return "a regular file"
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


class NotRegularFile(OSError):
    """The path is a FIFO, device, socket or directory: reading it could block or never end."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"{kind}, not a regular file", str(path))
        self.kind = kind


def open_regular(path: Path) -> BinaryIO:
    """Open `path` for reading only if it is a regular file, never blocking on the way.

    A FIFO with no writer blocks `open()` itself, so the file is opened non-blocking and
    checked with fstat on the descriptor (not the name, which could be swapped meanwhile);
    then blocking reads are restored. Raises NotRegularFile or the OSError of `open`.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        # A socket (or a device with no driver) cannot be opened at all: ENXIO, `no such device
        # or address`, which names nothing the user knows; what it is does.
        if err.errno == errno.ENXIO:
            try:
                mode = os.stat(path).st_mode
            except OSError:
                raise err from None
            if not stat.S_ISREG(mode):
                raise NotRegularFile(Path(path), file_kind(mode)) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(Path(path), file_kind(mode))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def unexpected(err: OSError) -> str:
    """One line for an OSError nothing closer handled (the CLI's last line of defence)."""
    path = _shown(err.filename) if err.filename is not None else None
    other = f" -> {_shown(err.filename2)}" if getattr(err, "filename2", None) is not None else ""
    where = f"{path}{other}: " if path is not None else ""
    return (f"{where}{cause(err)}; check that path (free space, permissions, a read-only "
            "mount, a file where a directory belongs) and run the command again")
