"""Whole-tree operations on the install root: an atomic exchange of two directories, removal
that gets past read-only entries, and sizes as `du -sb` counts them."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_renameat2: Callable[..., int] | None = None
_renameat2_checked = False


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (renameat2 RENAME_EXCHANGE); False when the OS cannot."""
    global _renameat2, _renameat2_checked
    if not _renameat2_checked:
        _renameat2_checked = True
        import ctypes  # only reinstalls need it: kept out of start-up

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            func = libc.renameat2
            func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            func.restype = ctypes.c_int
            _renameat2 = func
        except (OSError, AttributeError):
            _renameat2 = None
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def remove_tree(path: Path) -> None:
    """Delete a file, link or tree; read-only and unreadable entries are made writable and
    readable first."""
    def onerror(func: Callable[..., object], target: str, _exc: object) -> None:
        with contextlib.suppress(OSError):
            parent = os.path.dirname(target)
            os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
            if func is os.open or func is os.scandir:
                # A directory that could not be opened (`chmod 000`): shutil skips it, and the
                # retry called os.open without flags, a TypeError out of every uninstall and of
                # every later install, which cleans `.temp/`. Made readable, it is removed whole;
                # only once (the mode then has u+rwx), so a directory still unreadable ends here.
                info = os.lstat(target)
                if stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_IRWXU != stat.S_IRWXU:
                    os.chmod(target, info.st_mode | stat.S_IRWXU)
                    shutil.rmtree(target, onerror=onerror)
                return
            func(target)

    if os.path.islink(path) or not os.path.isdir(path):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return
    try:
        os.rmdir(path)  # the common case after a commit: an emptied stage
        return
    except OSError:
        pass
    with contextlib.suppress(OSError):
        # A stage after an extraction's commit: the archive's emptied top directory is left.
        # (rmdir never follows a link, and fails on anything not empty: shutil takes over.)
        names = os.listdir(path)
        if len(names) <= 2:
            for name in names:
                os.rmdir(os.path.join(path, name))
            os.rmdir(path)
            return
    import shutil  # only for a tree with something in it: kept out of a tree install's imports

    try:
        shutil.rmtree(path, onerror=onerror)
    except RecursionError:
        # Deeper than the interpreter's recursion limit, which shutil.rmtree recurses by
        # before Python 3.13: an archive's 2,000 nested directories fit in its 4 KiB name.
        _remove_deep(os.fspath(path))


def removal_error(path: Path) -> OSError | None:
    """Remove what is left of the tree at `path` and say why it stays: the first error a
    removal met (an immutable directory's EPERM, a read-only mount's EROFS), or None when it is
    gone; at any depth (`shutil.rmtree`'s own error needs no deeper tree than the recursion
    limit)."""
    errors: list[OSError] = []
    _remove_deep(os.fspath(path), errors)
    if not os.path.lexists(path):
        return None
    return errors[0] if errors else OSError(errno.ENOTEMPTY, os.strerror(errno.ENOTEMPTY), os.fspath(path))


def _remove_deep(path: str, errors: list[OSError] | None = None) -> None:
    """Delete the tree at `path` as `remove_tree` does (best effort, made writable first), by
    a loop rather than recursion, with one directory open at a time whatever the depth (a fd
    a level would pass RLIMIT_NOFILE first). A directory is left for the next by `..`, checked
    to be the one entered from (device and inode), so nothing moved meanwhile is walked.
    `errors` gets each removal's error."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    parent, name = os.path.split(os.path.abspath(path))
    try:
        fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    # One frame a level: the (device, inode) of the directory above, the name of this one in
    # it, and the names of the directories still to remove in this one (None: not read yet).
    frames: list[tuple[tuple[int, int], str, list[str] | None]] = []
    ident = _ident(os.fstat(fd))
    todo: list[str] | None = [name]
    try:
        while True:
            if todo is None:  # a directory just entered: its files go, its directories wait
                todo = _emptied_of_files(fd, errors)
            if todo:
                child = todo.pop()
                entered = _enter(fd, child, flags)
                if entered < 0:
                    continue
                frames.append((ident, child, todo))
                os.close(fd)
                fd, ident, todo = entered, _ident(os.fstat(entered)), None
                continue
            if not frames:
                return
            above, here, todo = frames.pop()
            up = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd, ident = up, _ident(os.fstat(up))
            if ident != above:
                return  # moved while it was removed: nothing more is walked
            _removed(os.rmdir, here, fd, errors)
    except OSError as err:
        if errors is not None:
            errors.append(err)
        return
    finally:
        os.close(fd)


def _emptied_of_files(fd: int, errors: list[OSError] | None) -> list[str]:
    """Remove every entry of the directory `fd` that is no directory; the directories' names."""
    dirs: list[str] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(fd):
            if entry.is_dir(follow_symlinks=False):
                dirs.append(entry.name)
            else:
                _removed(os.unlink, entry.name, fd, errors)
    return dirs


def _removed(remove: Callable[..., object], name: str, fd: int, errors: list[OSError] | None) -> None:
    try:
        remove(name, dir_fd=fd)
    except FileNotFoundError:
        pass
    except OSError as err:
        if errors is not None:
            errors.append(err)


def _ident(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def _enter(fd: int, name: str, flags: int) -> int:
    """A fd of the directory `name` in `fd`, made readable and writable (and the one above
    writable, for the removals); -1 when it cannot be opened, or is no directory now."""
    for _try in range(2):
        try:
            entered = os.open(name, flags, dir_fd=fd)
        except PermissionError:
            with contextlib.suppress(OSError):
                os.chmod(fd, os.fstat(fd).st_mode | stat.S_IRWXU)
                info = os.lstat(name, dir_fd=fd)
                if stat.S_ISDIR(info.st_mode):
                    os.chmod(name, info.st_mode | stat.S_IRWXU, dir_fd=fd)
            continue
        except OSError:
            return -1
        with contextlib.suppress(OSError):
            mode = os.fstat(entered).st_mode
            if mode & stat.S_IRWXU != stat.S_IRWXU:
                os.chmod(entered, mode | stat.S_IRWXU)
        return entered
    return -1


def tree_size(path: Path, summaries: Mapping[str, tuple[int, dict[int, int]]] | None = None,
              holder: Callable[[str], bool] | None = None, *, follow: bool = False) -> int:
    """Apparent size in bytes of a tree, as `du -sb` counts it: every file, link and directory,
    a hard-linked inode once (an install sharing its files with a pristine tree is not counted
    twice when both are measured together); links are not followed.

    A directory met in `summaries` (by its path as walked, e.g. `<path>/trees/<sha>/tree`) is
    not walked: its entries are its summary, the bytes of its directories and links and each
    file's size by inode (on the directory's device), deduplicated with the rest of the walk.
    A directory for which `holder(its path as walked)` is true (`path` itself too) counts its
    entries but not its own bytes: in the cache, the directories outside its kept trees are
    where things are kept, not things kept (an empty cache, or one with empty directories in
    it, is 0 B, as the Cached pane totals it, not du's 4.0 KiB each). `follow`: `path` itself
    may be a symlink, measured as the directory it leads to (a cache dir, which uv uses through
    a link); links below it are still not followed.
    """
    try:
        top = os.stat(path) if follow else os.lstat(path)
    except OSError:
        return 0
    if not stat.S_ISDIR(top.st_mode):
        return top.st_size
    total = 0 if holder is not None and holder(os.fspath(path)) else top.st_size
    seen: dict[int, set[int]] = {}  # inodes of hard-linked files met, by device
    held: list[os.stat_result] = []  # a holder's stat, met just before _walk yields it

    def descend(entry_path: str, st: os.stat_result) -> bool:
        nonlocal total
        if holder is not None and holder(entry_path):
            held.append(st)
        summary = summaries.get(entry_path) if summaries else None
        if summary is None:
            return True
        total += _summarized(summary, seen.setdefault(st.st_dev, set()))
        return False

    for st in _walk(path, descend):
        if held and st is held[-1]:
            held.pop()
            continue
        if st.st_nlink > 1 and not stat.S_ISDIR(st.st_mode):
            inodes = seen.setdefault(st.st_dev, set())
            if st.st_ino in inodes:
                continue
            inodes.add(st.st_ino)
        total += st.st_size
    return total


class Footprint:
    """What a tree occupies (`total`, as `du -sb`) and what deleting it frees (`freed`: every
    directory and link, and each file none of whose hard links is outside the tree). The rest,
    `shared`, stays on disk: an install linked from a tree kept in the cache shares most files.
    (A plain class: `typing` stays off an install's imports.)"""

    __slots__ = ("capped", "freed", "total", "walked")

    def __init__(self, total: int, freed: int, capped: bool = False, walked: int = 0) -> None:
        self.total = total
        self.freed = freed
        # The walk stopped at its limit: both figures count only the entries it met.
        self.capped = capped
        self.walked = walked  # entries met under the top

    def __repr__(self) -> str:
        return f"Footprint(total={self.total}, freed={self.freed}, capped={self.capped})"

    @property
    def shared(self) -> int:
        return self.total - self.freed


def footprint(path: Path, limit: int | None = None) -> Footprint:
    """`Footprint` of the tree at `path` (links not followed); with `limit`, of its first
    `limit` entries at most (`capped` then says so)."""
    try:
        top = os.lstat(path)
    except OSError:
        return Footprint(0, 0)
    if not stat.S_ISDIR(top.st_mode):
        freed = top.st_size if top.st_nlink <= 1 or stat.S_ISLNK(top.st_mode) else 0
        return Footprint(top.st_size, freed)
    total = freed = top.st_size
    # (device, inode) of each hard-linked file -> [links met here, its link count, its size]
    linked: dict[tuple[int, int], list[int]] = {}
    capped = False
    walked = 0
    for st in _walk(path):
        if limit is not None and walked >= limit:
            capped = True
            break
        walked += 1
        if st.st_nlink > 1 and not stat.S_ISDIR(st.st_mode):
            seen = linked.setdefault((st.st_dev, st.st_ino), [0, st.st_nlink, st.st_size])
            seen[0] += 1
            continue
        total += st.st_size
        freed += st.st_size
    for met, links, size in linked.values():
        total += size
        if met >= links:
            freed += size
    return Footprint(total, freed, capped, walked)


def _walk(path: Path, descend: Callable[[str, os.stat_result], bool] | None = None,
          ) -> Iterator[os.stat_result]:
    """The lstat of every entry under `path` (not `path` itself), links not followed; a
    directory is walked into unless `descend(its path, its stat)` says no. Entries that vanish
    or cannot be read are left out, as `du` leaves them."""
    stack = [os.fspath(path)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if stat.S_ISDIR(st.st_mode) and (descend is None or descend(entry.path, st)):
                        stack.append(entry.path)
                    yield st
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue


def _summarized(summary: tuple[int, dict[int, int]], seen: set[int]) -> int:
    """The bytes of a summarized directory's entries; its files' inodes join `seen` (those
    met on its device)."""
    other, files = summary
    if seen.isdisjoint(files):  # the usual case: a kept tree shares no inode with the cache
        seen.update(files)
        return other + sum(files.values())
    total = other
    for ino, size in files.items():
        if ino not in seen:
            seen.add(ino)
            total += size
    return total


# Deletes "$1" and then its "$1.lock" in a process of its own that the shell does not wait
# for: the caller's `sh` exits at once (so nothing is left for it to reap), and the lock,
# inherited as fd 3, stays flocked until the deleter is done (`clean_temp` skips it; tests
# and `wait_for_removals` wait on it). `command -p`: the system's rm, whatever PATH says.
_REMOVE_SCRIPT = '( command -p rm -rf -- "$1"; command -p rm -f -- "$1.lock" ) &'


def remove_later(path: Path) -> None:
    """Delete `path`, a tree in the install root's `.temp/`, after this call returns: in a
    detached process, flocking `<path>.lock` until it is done. Call with the root lock held
    (no `clean_temp` can take the fresh lock file before it is flocked). Where no process can
    be started the tree is deleted here. A deleter killed half-way leaves the tree and an
    unlocked `.lock` behind, which the next run's `clean_temp` removes, as a killed stage."""
    import fcntl

    lock_path = f"{os.fspath(path)}.lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    except OSError:
        remove_tree(path)
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if fd == 3:
            os.set_inheritable(fd, True)  # dup2(3, 3) would leave close-on-exec set
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                   (os.POSIX_SPAWN_DUP2, 1, 2),
                   (os.POSIX_SPAWN_DUP2, fd, 3)]  # the copy has no close-on-exec
        pid = os.posix_spawn("/bin/sh", ["sh", "-c", _REMOVE_SCRIPT, "sh", os.fspath(path)],
                             {"PATH": os.defpath}, file_actions=actions, setsid=True)
        os.waitpid(pid, 0)
    except OSError:
        remove_tree(path)
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
    finally:
        os.close(fd)


def wait_for_removals(temp_dir: Path) -> None:
    """Return once no `remove_later` deleter is running in `temp_dir` (waits on their locks)."""
    import fcntl

    try:
        names = os.listdir(temp_dir)
    except OSError:
        return
    for name in names:
        if not name.endswith(".lock"):
            continue
        try:
            fd = os.open(os.path.join(temp_dir, name),
                         os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue  # a FIFO or the like: no deleter's lock
            fcntl.flock(fd, fcntl.LOCK_EX)  # blocks while a deleter (or a stage) holds it
        finally:
            os.close(fd)
