"""The install root's lock: one flock on `<root>/.lock` per process (uv takes the same one),
shared by the process's threads with a count, and a mutex that serialises this process's writes.
`RootLocking` gives `InstallRoot` (core/install_root.py) its lock methods.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pytui.core.errors import InstallError
from pytui.core.keys import TYPE_CHECKING
from pytui.core.progress import CancelToken

if TYPE_CHECKING:
    from typing import Any

DEFAULT_LOCK_TIMEOUT = 300.0


class LockTimeout(InstallError):
    """Another uv or pytui process held the install root's lock for longer than UV_LOCK_TIMEOUT."""


def lock_timeout_from_env(env: dict[str, str] | None = None) -> float:
    """`UV_LOCK_TIMEOUT` in whole seconds (uv's variable and default, 5 minutes); a bad value
    is a UsageError naming it (core/env.py), never silently the default."""
    from pytui.core.env import uv_seconds

    seconds = uv_seconds(env if env is not None else os.environ, "UV_LOCK_TIMEOUT")
    return DEFAULT_LOCK_TIMEOUT if seconds is None else float(seconds)


# --------------------------------------------------------------------------------------------
# The process-wide root lock
# --------------------------------------------------------------------------------------------


class RootLock:
    """One flock on `<root>/.lock` per process, counted; plus a mutex for writes in this process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        self.count = 0
        self.acquiring = threading.Lock()
        self.writing = threading.RLock()
        # Whom the thread holding `acquiring` waits for (`held by pid 4242: uv …, which`), said
        # while it waits: another job of this process queued behind it names the same holder.
        self.waiting_for = ""
        # Whether that thread waits for the flock (not only takes a while to take it): only
        # then does a job queued behind it say it waits.
        self.flock_blocked = False


_ROOT_LOCKS: dict[str, RootLock] = {}
_ROOT_LOCKS_GUARD = threading.Lock()


def root_lock(lock_path: Path) -> RootLock:
    from pytui.core.paths import real_path

    key = real_path(lock_path)
    with _ROOT_LOCKS_GUARD:
        lock = _ROOT_LOCKS.get(key)
        if lock is None:
            lock = _ROOT_LOCKS[key] = RootLock(lock_path)
        return lock


def open_lock_file(path: Path) -> int:
    """Open (or create with mode 0o666, as uv does) the lock file without racing another creator.

    The file is made whole under no name (O_TMPFILE) and linked in, so a run killed meanwhile
    (the first run on a root) leaves nothing behind; a filesystem without O_TMPFILE gets a
    named temp, which such a kill leaves (an empty `.tmp<hex>` file)."""
    flags = os.O_RDWR | os.O_CLOEXEC
    try:
        return os.open(path, flags)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temp: str | None = None
    parent = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fd = os.open(path.parent, os.O_TMPFILE | os.O_RDWR | os.O_CLOEXEC, 0o600)
            source = f"/proc/self/fd/{fd}"
        except OSError:
            # A unique name made here rather than with tempfile (whose import costs every install).
            temp = source = f".tmp{os.urandom(6).hex()}"
            fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600, dir_fd=parent)
        try:
            os.fchmod(fd, 0o666)  # after creation, to override the umask (uv's DESIRED_MODE)
            # No-clobber: a concurrent creator's file wins. Through the directory's fd, so that
            # the link is linkat(AT_SYMLINK_FOLLOW): /proc/self/fd/N leads to the unnamed file.
            os.link(source, path.name, src_dir_fd=parent, dst_dir_fd=parent)
        except FileExistsError:
            pass
        except OSError:
            # Filesystems without hard links (or no /proc): plain create.
            os.close(os.open(path.name, flags | os.O_CREAT, 0o666, dir_fd=parent))
        finally:
            os.close(fd)
            if temp is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp, dir_fd=parent)
    finally:
        os.close(parent)
    return os.open(path, flags)


def _what_blocks_the_lock(lock_path: Path, err: OSError) -> str | None:
    """`is a directory, not a file`, `is a symbolic link to X, which cannot be opened for writing
    (permission denied)`, ...: what at the lock file's name made `err`, or None when the name is
    not to blame (the root's own trouble)."""
    from pytui.core.bounded_read import file_kind
    from pytui.core.fs_errors import cause

    try:
        mode = os.lstat(lock_path).st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        if err.errno == errno.ELOOP:
            return "is a symbolic link loop, not a file"
        if err.errno == errno.ENOENT:
            return "is a symbolic link to nothing, not a file"
        try:
            target = os.readlink(lock_path)
        except OSError:
            return None
        # Where it leads is no place of the root's: the link is what to remove (a socket or a
        # directory there too).
        return f"is a symbolic link to {target}, which cannot be opened for writing ({cause(err)})"
    if not stat.S_ISREG(mode) and not stat.S_ISFIFO(mode):
        # A directory (EISDIR), a socket (ENXIO), a device: nothing a lock is taken on.
        return f"is {file_kind(mode)}, not a file"
    return None


def try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError as err:
        if err.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise


class RootLocking:
    """The lock methods of `InstallRoot`, which sets these attributes."""

    path: Path
    lock_path: Path
    _lock_timeout: float | None
    _lock: RootLock

    def init(self) -> Any:
        raise NotImplementedError

    def _unwritable(self, err: OSError, doing: str = "write to") -> InstallError:
        raise NotImplementedError

    # -- the lock -----------------------------------------------------------------------------
    @property
    def lock_timeout(self) -> float:
        return self._lock_timeout if self._lock_timeout is not None else lock_timeout_from_env()

    @property
    def lock_held(self) -> bool:
        """True while this process holds the root's flock."""
        return self._lock.count > 0

    @contextlib.contextmanager
    def locked(self, *, cancel: CancelToken | None = None,
               on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold `<root>/.lock` (exclusive flock, as uv takes it) for the block.

        Re-entrant within the process: nested or concurrent holders in other threads share
        one flock. Tries once, then waits up to UV_LOCK_TIMEOUT (default 300 s), calling
        `on_wait(message)` once; raises LockTimeout (one line) or Cancelled.
        """
        self.init()
        self._acquire(cancel, on_wait)
        try:
            yield
        finally:
            self._release()

    def _acquire(self, cancel: CancelToken | None, on_wait: Callable[[str], None] | None) -> None:
        lock = self._lock
        timeout = self.lock_timeout
        deadline = time.monotonic() + timeout
        # Serialise acquisition within the process; waiters here honour cancel and timeout too.
        # One still waiting after a first try is behind another job of this process waiting
        # for the flock: it says so once, naming that job's holder (the second of two installs
        # behind uv's lock showed `finish` and an empty bar, no note).
        told = False
        while not lock.acquiring.acquire(timeout=0.05):
            self._check_wait(cancel, deadline, timeout)
            if on_wait is not None and not told and lock.flock_blocked:
                told = True
                who = f"{lock.waiting_for} is changing the install root; " if lock.waiting_for else ""
                on_wait(f"waiting for the lock on {self.path} behind another job of this pytui "
                        f"({who}up to {timeout:.0f}s, UV_LOCK_TIMEOUT)")
        try:
            if lock.count > 0:
                lock.count += 1
                return
            try:
                fd = open_lock_file(self.lock_path)
            except OSError as err:
                raise self._bad_lock_file(err) or self._unwritable(err) from None
            try:
                if not try_flock(fd):
                    lock.flock_blocked = True
                    if on_wait is not None:
                        from pytui.core.lock_holders import lock_holder  # only to wait

                        holder = lock_holder(fd)
                        who = f"held by {holder}, which" if holder else "another uv or pytui process"
                        lock.waiting_for = who
                        on_wait(f"waiting for the lock on {self.path} ({who} is changing the install "
                                f"root; up to {timeout:.0f}s, UV_LOCK_TIMEOUT)")
                    delay = 0.01
                    while not try_flock(fd):
                        self._check_wait(cancel, deadline, timeout)
                        if cancel is not None:
                            cancel.wait(delay)
                        else:
                            time.sleep(delay)
                        delay = min(delay * 1.5, 0.1)
            except BaseException:
                os.close(fd)
                raise
            lock.fd = fd
            lock.count = 1
        finally:
            lock.waiting_for = ""
            lock.flock_blocked = False
            lock.acquiring.release()

    def _bad_lock_file(self, err: OSError) -> InstallError | None:
        """The lock file itself is what is wrong (a directory, a socket, a dangling link or a link
        loop at its name, or a link to a file elsewhere this user may not open for writing, while
        the root is there): say so, and that removing it is the fix (uv and pytui make it again),
        rather than blame the root."""
        if not os.path.isdir(self.path):
            return None
        what = _what_blocks_the_lock(self.lock_path, err)
        if what is None:
            return None
        return InstallError(f"cannot lock the install root {self.path}: its lock file "
                            f"{self.lock_path} {what}; remove it (uv and pytui make it again) and retry")

    def _check_wait(self, cancel: CancelToken | None, deadline: float, timeout: float) -> None:
        if cancel is not None:
            cancel.check("waiting for the install root lock")
        if time.monotonic() >= deadline:
            raise LockTimeout(
                f"Timeout ({timeout:.0f}s) when waiting for lock on {self.path} at {self.lock_path}, "
                "is another uv or pytui process running? Set UV_LOCK_TIMEOUT to wait longer")

    def _release(self) -> None:
        lock = self._lock
        with lock.acquiring:
            lock.count -= 1
            if lock.count == 0 and lock.fd is not None:
                fd, lock.fd = lock.fd, None
                with contextlib.suppress(OSError):
                    fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    @contextlib.contextmanager
    def _writing(self, cancel: CancelToken | None = None,
                 on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        with self.locked(cancel=cancel, on_wait=on_wait), self._lock.writing:
            yield
