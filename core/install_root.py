"""uv's managed-Python root: lock, staging, commit, minor-version links, bin links.

See docs/uv-compat.md#install-layout.

Layout, shared with uv:

    <root>/.lock                           flock(2), exclusive, while the root is written
    <root>/.gitignore                      "*"
    <root>/.temp/                          staging (same filesystem, so renames are atomic)
    <root>/.temp/pytui-<pid>-<hex>/        one stage, with a sibling `<name>.lock` held while in use
    <root>/cpython-3.12.8-linux-x86_64-gnu/             one directory per key
    <root>/cpython-3.12-linux-x86_64-gnu -> <root>/cpython-3.12.8-linux-x86_64-gnu   (highest patch)
    <bin>/python3.12 -> <root>/cpython-3.12-linux-x86_64-gnu/bin/python3.12

Concurrency: the `.lock` flock keeps pytui and uv (and two pytui processes) from writing the
root at once; within one process the flock is shared by every thread (a count), and a
mutex serialises the writes themselves (commit, uninstall, clean_temp).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pytui.core.errors import InstallError
from pytui.core.fixups import apply_fixups, executable_path
from pytui.core.fs_errors import cause, reason, remedy
from pytui.core.install_policy import is_upgrade_of
from pytui.core.installed import installation_from_dir, list_installed
from pytui.core.keys import KeyParts, parse_key
from pytui.core.models import Build, Installation
from pytui.core.ordering import version_rank
from pytui.core.progress import CancelToken

DEFAULT_LOCK_TIMEOUT = 300.0
_STAGE_PREFIX = "pytui-"
_ROOT_ALTERNATIVE = "pass another with --install-dir or UV_PYTHON_INSTALL_DIR"


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


class _RootLock:
    """One flock on `<root>/.lock` per process, counted; plus a mutex for writes in this process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        self.count = 0
        self.acquiring = threading.Lock()
        self.writing = threading.RLock()


_ROOT_LOCKS: dict[str, _RootLock] = {}
_ROOT_LOCKS_GUARD = threading.Lock()


def _root_lock(lock_path: Path) -> _RootLock:
    key = os.path.realpath(lock_path)
    with _ROOT_LOCKS_GUARD:
        lock = _ROOT_LOCKS.get(key)
        if lock is None:
            lock = _ROOT_LOCKS[key] = _RootLock(lock_path)
        return lock


def _open_lock_file(path: Path) -> int:
    """Open (or create with mode 0o666, as uv does) the lock file without racing another creator."""
    flags = os.O_RDWR | os.O_CLOEXEC
    try:
        return os.open(path, flags)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666)  # after creation, to override the umask (uv's DESIRED_MODE)
        os.close(fd)
        try:
            os.link(temp, path)  # no-clobber: a concurrent creator's file wins
        except FileExistsError:
            pass
        except OSError:
            # Filesystems without hard links: plain create.
            os.close(os.open(path, flags | os.O_CREAT, 0o666))
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    return os.open(path, flags)


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError as err:
        if err.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass
class BinLinks:
    """What `link_executables` did in the bin dir."""

    created: list[Path] = field(default_factory=list)
    replaced: list[Path] = field(default_factory=list)
    # (link, one-line reason) for links left alone.
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def linked(self) -> list[Path]:
        return self.created + self.replaced


def executable_install_name(parts: KeyParts) -> str:
    """uv's `executable_name_minor`: `python3.12`, `python3.13t`, `pypy3.10`, `graalpy3.11`."""
    return parts.bin_names[0]


def _bin_names(parts: KeyParts) -> set[str]:
    """The names uv's uninstall considers: pythonX.Y{t}, pythonX{t}, python{t}."""
    return set(parts.bin_names)


def minor_key(parts: KeyParts) -> str:
    """The minor-version link's name: `cpython-3.12-linux-x86_64-gnu`, `cpython-3.13+freethreaded-...`."""
    return parts.minor_key


def _same_minor(a: KeyParts, b: KeyParts) -> bool:
    return a.minor_version == b.minor_version


# --------------------------------------------------------------------------------------------
# Atomic exchange (Linux renameat2)
# --------------------------------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_renameat2: Callable[..., int] | None = None
_renameat2_checked = False


def _exchange(a: Path, b: Path) -> bool:
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


def _remove_tree(path: Path) -> None:
    """Delete a file, link or tree; read-only entries are made writable first."""
    def onerror(func: Callable[..., object], target: str, _exc: object) -> None:
        with contextlib.suppress(OSError):
            parent = os.path.dirname(target)
            os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
            func(target)

    if os.path.islink(path) or not os.path.isdir(path):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return
    shutil.rmtree(path, onerror=onerror)


def tree_size(path: Path) -> int:
    """Apparent size in bytes of a tree, as `du -sb` counts it: every file, link and directory,
    a hard-linked inode once (an install sharing its files with a pristine tree is not counted
    twice when both are measured together); links are not followed."""
    try:
        top = os.lstat(path)
    except OSError:
        return 0
    if not stat.S_ISDIR(top.st_mode):
        return top.st_size
    total = top.st_size
    seen: set[tuple[int, int]] = set()
    stack = [os.fspath(path)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if stat.S_ISDIR(st.st_mode):
                        total += st.st_size
                        stack.append(entry.path)
                        continue
                    if st.st_nlink > 1:
                        ident = (st.st_dev, st.st_ino)
                        if ident in seen:
                            continue
                        seen.add(ident)
                    total += st.st_size
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue
    return total


# --------------------------------------------------------------------------------------------
# The root
# --------------------------------------------------------------------------------------------


class InstallRoot:
    """A managed-Python root in uv's layout. Methods that write take the root lock themselves."""

    def __init__(self, path: Path, *, lock_timeout: float | None = None) -> None:
        self.path = Path(path).absolute()
        self.lock_path = self.path / ".lock"
        self.temp_dir = self.path / ".temp"
        self._lock_timeout = lock_timeout
        self._lock = _root_lock(self.lock_path)

    def __repr__(self) -> str:
        return f"InstallRoot({str(self.path)!r})"

    # -- layout -------------------------------------------------------------------------------
    def init(self) -> InstallRoot:
        """Create the root, `.temp/` and `.gitignore` (`*`, created once) as uv's `init()` does."""
        try:
            self.temp_dir.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(self.path / ".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                return self
            with os.fdopen(fd, "wb") as f:
                f.write(b"*")
        except OSError as err:
            raise self._unwritable(err, "create") from None
        return self

    def _unwritable(self, err: OSError, doing: str = "write to") -> InstallError:
        """One line for a root the filesystem refuses (read-only, full, a file, permissions)."""
        return InstallError(f"cannot {doing} the install root {self.path}: {reason(err, self.path)}; "
                            f"{remedy(err, _ROOT_ALTERNATIVE)}")

    def installed(self) -> list[Installation]:
        """Installations under the root, newest first (uv's order)."""
        return list_installed(self.path)

    def get(self, key: str) -> Installation | None:
        directory = self.path / key
        if directory.is_dir() and not directory.is_symlink():
            return installation_from_dir(directory)
        return None

    def size_of(self, installation: Installation | Path | str) -> int:
        """Bytes an installation occupies (apparent size; hard-linked files counted once)."""
        if isinstance(installation, Installation):
            path = installation.path
        elif isinstance(installation, str) and not os.path.isabs(installation):
            path = self.path / installation
        else:
            path = Path(installation)
        return tree_size(path)

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
        while not lock.acquiring.acquire(timeout=0.05):
            self._check_wait(cancel, deadline, timeout)
        try:
            if lock.count > 0:
                lock.count += 1
                return
            try:
                fd = _open_lock_file(self.lock_path)
            except OSError as err:
                raise self._unwritable(err) from None
            try:
                if not _try_flock(fd):
                    if on_wait is not None:
                        on_wait(f"waiting for the lock on {self.path} (another uv or pytui process is "
                                f"installing; up to {timeout:.0f}s, UV_LOCK_TIMEOUT)")
                    delay = 0.01
                    while not _try_flock(fd):
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
            lock.acquiring.release()

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

    # -- staging ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def stage(self) -> Iterator[Path]:
        """A fresh, empty directory under `.temp/`, removed on exit (whatever is left in it).

        Needs no root lock: a sibling `<name>.lock`, flocked for the stage's life, tells
        `clean_temp` (in any process) that it is in use.
        """
        self.init()
        while True:
            name = f"{_STAGE_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
            lock_path = self.temp_dir / f"{name}.lock"
            try:
                fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
            except FileExistsError:
                continue
            except OSError as err:
                raise self._unwritable(err) from None
            # A cleaner may have taken and deleted the fresh file before our flock; then retry.
            if not _try_flock(fd):
                os.close(fd)
                continue
            try:
                same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        directory = self.temp_dir / name
        try:
            directory.mkdir()
            yield directory
        finally:
            _remove_tree(directory)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock_path)
            os.close(fd)

    def clean_temp(self, *, cancel: CancelToken | None = None) -> int:
        """Remove leftovers of killed runs from `.temp/`; return how many entries went.

        Holds the root lock, so uv's own temp dirs (which uv creates only under that lock)
        are never in use here; pytui stages in use (their `.lock` flocked) are skipped.
        """
        if not self.temp_dir.is_dir():
            return 0
        removed = 0
        with self._writing(cancel=cancel):
            try:
                entries = sorted(os.listdir(self.temp_dir))
            except FileNotFoundError:
                return 0
            names = set(entries)
            for name in entries:
                path = self.temp_dir / name
                if name.endswith(".lock"):
                    base = name[: -len(".lock")]
                    try:
                        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
                    except FileNotFoundError:
                        continue
                    try:
                        if not _try_flock(fd):
                            continue  # a live stage
                        _remove_tree(self.temp_dir / base)
                        os.unlink(path)
                        removed += 1 + (base in names)
                    finally:
                        os.close(fd)
                elif f"{name}.lock" not in names:
                    _remove_tree(path)
                    removed += 1
        return removed

    # -- commit -------------------------------------------------------------------------------
    def commit(self, build: Build, prefix: Path, *, bin_dir: Path | None, upgradeable: bool = True,
               reinstall: bool = False, force: bool = False, cancel: CancelToken | None = None,
               on_wait: Callable[[str], None] | None = None,
               on_warning: Callable[[str], None] | None = None) -> Installation:
        """Fix up the staged `prefix` and rename it to `<root>/<key>`; then links.

        `prefix` must be under `<root>/.temp/` (same filesystem). A reinstall swaps the new tree
        in with one atomic exchange (renameat2), so `<root>/<key>` always holds a working
        install; where exchange is unsupported the old tree is renamed aside first.
        Then the minor-version link goes to the highest installed patch, and (unless
        `bin_dir` is None, i.e. --no-bin) `bin_dir/pythonX.Y` is linked as uv links it;
        bin-link conflicts are warnings (`on_warning`), as in uv.
        """
        key = build.key
        parts = parse_key(key)
        if parts is None:
            raise InstallError(f"{key} is not a valid installation key; the catalog entry is malformed")
        target = self.path / key
        prefix = Path(prefix)
        with self._writing(cancel=cancel, on_wait=on_wait):
            apply_fixups(prefix, parts, build=build.build or None, final_prefix=target)
            try:
                self._swap_in(prefix, target, key)
            except OSError as err:
                raise InstallError(f"cannot move {key} into {self.path}: {reason(err, self.path)}; "
                                   f"{remedy(err, _ROOT_ALTERNATIVE)}") from None
            installation = installation_from_dir(target, parts)
            assert installation is not None
            self.update_minor_link(parts)
            links = BinLinks()
            if bin_dir is not None:
                links = self.link_executables(installation, bin_dir, upgradeable=upgradeable,
                                              reinstall=reinstall, force=force)
                if on_warning is not None:
                    for warning in links.warnings:
                        on_warning(warning)
        if links.linked:
            installation.extra["executables"] = " ".join(str(p) for p in links.linked)
        return installation

    def _swap_in(self, prefix: Path, target: Path, key: str) -> None:
        if not os.path.lexists(target):
            os.rename(prefix, target)
            return
        if os.path.isdir(target) and not os.path.islink(target) and _exchange(prefix, target):
            # `prefix` now holds the old tree; it goes with the stage, deleted right here.
            _remove_tree(prefix)
            return
        aside = self.temp_dir / f"{key}.old-{secrets.token_hex(4)}"
        os.rename(target, aside)
        try:
            os.rename(prefix, target)
        except OSError:
            os.rename(aside, target)  # put the old install back
            raise
        _remove_tree(aside)

    def fixup(self, installation: Installation, *, build: str | None = None) -> None:
        """Re-run uv's fix-ups on an installed tree (uv does this for already-satisfied installs)."""
        with self._writing():
            apply_fixups(installation.path, installation.key, build=build or installation.build)

    # -- links --------------------------------------------------------------------------------
    def _highest(self, parts: KeyParts, exclude: Path | None = None) -> Installation | None:
        best: tuple[tuple, Installation] | None = None
        for installation in self.installed():
            other = parse_key(installation.key)
            if other is None or not _same_minor(parts, other):
                continue
            if exclude is not None and installation.path == exclude:
                continue
            rank = version_rank(other.major, other.minor, other.patch, other.prerelease)
            if best is None or rank > best[0]:
                best = (rank, installation)
        return best[1] if best else None

    def _minor_link_supported(self, parts: KeyParts) -> bool:
        # uv: CPython only, and only where the interpreter lives in `<home>/bin/` (not Windows
        # or Pyodide layouts).
        return parts.implementation == "cpython" and parts.os not in ("windows", "emscripten")

    def minor_link_path(self, parts: KeyParts) -> Path:
        return self.path / minor_key(parts)

    def update_minor_link(self, parts: KeyParts, *, removed: Path | None = None) -> Path | None:
        """Point `<root>/<minor key>` at the highest installed patch (absolute target, as uv);
        remove it when none is left and it pointed at `removed`. Returns the link's target."""
        if not self._minor_link_supported(parts):
            return None
        link = self.minor_link_path(parts)
        highest = self._highest(parts)
        if os.path.lexists(link) and not os.path.islink(link):
            return None  # a real directory or file by that name: not ours to replace
        if highest is None:
            if os.path.islink(link):
                current = Path(os.readlink(link))
                if removed is None or current == removed or not current.exists():
                    os.unlink(link)
            return None
        target = highest.path
        try:
            if Path(os.readlink(link)) == target:
                return target
        except OSError:
            pass
        self._replace_symlink(target, link)
        return target

    def _replace_symlink(self, target: Path | str, link: Path) -> None:
        """Create or atomically replace the symlink `link` -> `target` (temp link + rename)."""
        try:
            os.symlink(target, link)
            return
        except FileExistsError:
            pass
        temp_parent = self.temp_dir if link.parent == self.path else link.parent
        temp = temp_parent / f".link-{secrets.token_hex(6)}"
        os.symlink(target, temp)
        try:
            os.replace(temp, link)
        except OSError:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise

    def _link_owner(self, link: Path, installations: list[Installation]) -> Installation | None:
        """The installation whose interpreter `link` resolves to (uv's `find_matching_bin_link`)."""
        if not os.path.islink(link):
            return None
        resolved = os.path.realpath(link)
        for installation in installations:
            parts = parse_key(installation.key)
            if parts is not None and os.path.realpath(executable_path(installation.path, parts)) == resolved:
                return installation
        return None

    def link_executables(self, installation: Installation, bin_dir: Path, *, upgradeable: bool = True,
                         reinstall: bool = False, force: bool = False) -> BinLinks:
        """`bin_dir/pythonX.Y{t}` -> the interpreter, with uv's conflict rules.

        See docs/uv-compat.md#bin-links.

        The link targets `<root>/<minor link>/bin/...` when `upgradeable` (uv: a minor-version
        request) and this install is the highest patch, so patch upgrades need no relinking;
        otherwise the install's own interpreter. An existing link to the same install is kept
        (unless `reinstall`/`force`), one to another install is replaced only by an upgrade of
        it (or `force`), a broken link is replaced, and anything else is left with a warning.
        """
        result = BinLinks()
        parts = parse_key(installation.key)
        if parts is None:
            return result
        exe = executable_path(installation.path, parts)
        name = executable_install_name(parts)
        link = Path(bin_dir) / name
        if not os.path.exists(exe):
            result.warnings.append(f"no executable link for {installation.key}: {exe} does not exist")
            result.skipped.append((link, "missing executable"))
            return result
        target = exe
        if upgradeable and self._minor_link_supported(parts):
            highest = self._highest(parts)
            minor_link = self.minor_link_path(parts)
            if (highest is not None and highest.path == installation.path and os.path.islink(minor_link)
                    and Path(os.readlink(minor_link)) == installation.path):
                target = minor_link / exe.relative_to(installation.path)
        try:
            Path(bin_dir).mkdir(parents=True, exist_ok=True)
            os.symlink(target, link)
            result.created.append(link)
            return result
        except FileExistsError:
            pass
        except OSError as err:
            result.warnings.append(f"cannot link {link} for {installation.key}: {err.strerror}")
            result.skipped.append((link, err.strerror or "error"))
            return result
        existing = self._link_owner(link, self.installed())
        if existing is None:
            broken = os.path.islink(link) and not os.path.exists(link)
            if not broken and not force:
                reason = "exists and is not managed by uv or pytui"
                result.warnings.append(f"Executable already exists at {link} but is not managed by uv or "
                                       f"pytui; use --force to replace it")
                result.skipped.append((link, reason))
                return result
        elif existing.key == installation.key:
            if not (reinstall or force):
                result.skipped.append((link, "already linked"))
                return result
        else:
            other = parse_key(existing.key)
            upgrade = other is not None and is_upgrade_of(parts, installation.build, other, existing.build)
            if not (force or upgrade):
                result.skipped.append((link, f"points to {existing.key}"))
                return result
        try:
            self._replace_symlink(target, link)
        except OSError as err:
            result.warnings.append(f"Executable already exists at {link} but could not be replaced: {err.strerror}")
            result.skipped.append((link, err.strerror or "error"))
            return result
        result.replaced.append(link)
        return result

    # -- uninstall ----------------------------------------------------------------------------
    def uninstall(self, key: str, *, bin_dir: Path | None, cancel: CancelToken | None = None,
                  on_wait: Callable[[str], None] | None = None,
                  on_warning: Callable[[str], None] | None = None) -> int:
        """Remove `<root>/<key>` and return the bytes freed.

        As uv: bin links in `bin_dir` named pythonX.Y / pythonX / python (+variant suffix)
        are removed only when they resolve to this install; the directory is renamed aside
        into `.temp/` first (so it vanishes at once) and then deleted; the minor-version link
        is re-pointed to the highest remaining patch, or removed when none is left.
        The rename comes first: a root that refuses it (read-only, permissions) is one line
        with nothing changed, bin links included. A bin link that cannot be removed after
        that is a warning (`on_warning`; raised as InstallError when there is none).
        """
        parts = parse_key(key)
        if parts is None:
            raise InstallError(f"{key} is not a valid installation key")
        target = self.path / key
        problems: list[str] = []
        with self._writing(cancel=cancel, on_wait=on_wait):
            if not target.is_dir() or target.is_symlink():
                raise InstallError(f"{key} is not installed in {self.path}")
            installation = installation_from_dir(target, parts)
            assert installation is not None
            size = tree_size(target)
            links = self._bin_links_of(installation, parts, Path(bin_dir)) if bin_dir is not None else []
            aside = self.temp_dir / f"{key}.removing-{secrets.token_hex(4)}"
            try:
                os.rename(target, aside)
            except OSError as err:
                raise InstallError(f"cannot uninstall {key}: cannot write to the install root "
                                   f"{self.path}: {reason(err, self.path)}; "
                                   f"{remedy(err, 'uninstall it where it is writable')}; "
                                   "nothing was removed") from None
            for link in links:
                try:
                    os.unlink(link)
                except FileNotFoundError:
                    pass
                except OSError as err:
                    problems.append(f"uninstalled {key}, but its link {link} could not be removed "
                                    f"({cause(err)}); remove it by hand")
            try:
                self.update_minor_link(parts, removed=target)
            except OSError as err:
                problems.append(f"uninstalled {key}, but its minor-version link in {self.path} could "
                                f"not be updated ({cause(err)}); reinstall or remove it by hand")
            _remove_tree(aside)
        for problem in problems:
            if on_warning is None:
                raise InstallError(problem)
            on_warning(problem)
        return size

    def _bin_links_of(self, installation: Installation, parts: KeyParts, bin_dir: Path) -> list[Path]:
        """The links in `bin_dir` uv's uninstall would remove: its names, resolving to this install."""
        found: list[Path] = []
        exe = executable_path(installation.path, parts)
        names = _bin_names(parts)
        try:
            with os.scandir(bin_dir) as scan:
                entries = list(scan)
        except OSError:
            return found
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name not in names or entry.is_dir():
                continue
            try:
                same = os.path.samefile(entry.path, exe)
            except OSError:
                same = False
            if same:
                found.append(Path(entry.path))
        return found
