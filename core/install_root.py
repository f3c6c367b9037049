"""uv's managed-Python root: staging, commit, uninstall (the lock is core/root_lock.py, the
minor-version and bin links core/root_links.py, whole-tree operations core/root_tree.py, what
killed runs left in `.temp/` core/root_temp.py).

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
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from pytui.core import link_temps
from pytui.core.errors import InstallError, WarningLine
from pytui.core.fixups import apply_fixups
from pytui.core.installed import (
    ROOT_ALTERNATIVE,
    dir_shape_problem,
    installation_at,
    installation_from_dir,
    list_installed,
    root_shape_problem,
)
from pytui.core.keys import parse_key
from pytui.core.link_repair import linked, record_linking
from pytui.core.models import Build, Installation
from pytui.core.progress import CancelToken
from pytui.core.root_links import (
    BinLinks,
    PutMeanwhile,
    executable_install_name,
    link_identity,
    minor_key,
)
from pytui.core.root_lock import (
    DEFAULT_LOCK_TIMEOUT,
    LockTimeout,
    lock_timeout_from_env,
    root_lock,
    try_flock,
)
from pytui.core.root_temp import (
    STAGE_PREFIX,
    SWAPPING,
    UNINSTALLING,
    RootTempCleaning,
    restored_line,
)
from pytui.core.root_tree import Footprint, footprint, tree_size
from pytui.core.root_tree import exchange as _exchange
from pytui.core.root_tree import remove_later as _remove_later
from pytui.core.root_tree import remove_tree as _remove_tree

# Names other modules import from here (the root's parts live in core/root_*.py).
__all__ = ["DEFAULT_LOCK_TIMEOUT", "BinLinks", "Footprint", "InstallRoot", "LockTimeout", "Uninstalled",
           "executable_install_name", "lock_timeout_from_env", "minor_key", "restored_line", "tree_size"]
# --------------------------------------------------------------------------------------------
# The root
# --------------------------------------------------------------------------------------------


class NotRemoved(InstallError):
    """An uninstall whose `recheck` said it no longer applies; nothing was changed."""


class NotInstalled(InstallError):
    """An uninstall of a key the root does not hold (any more: uv or another pytui may have
    removed it since the caller listed the root); nothing was changed."""


class InstallRoot(RootTempCleaning):
    """A managed-Python root in uv's layout. Methods that write take the root lock themselves."""

    def __init__(self, path: Path, *, lock_timeout: float | None = None) -> None:
        self.path = Path(path).absolute()
        self.lock_path = self.path / ".lock"
        self.temp_dir = self.path / ".temp"
        self._lock_timeout = lock_timeout
        self._lock = root_lock(self.lock_path)

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
            # A file or a link to nothing put at the root's name, or at `.temp`'s (which was
            # "cannot write to the install root: already exists; pass another").
            problem = root_shape_problem(self.path) or dir_shape_problem(
                self.temp_dir, "the install root's staging dir",
                "use another root (--install-dir or UV_PYTHON_INSTALL_DIR)")
            if problem is not None:
                raise InstallError(problem) from None
            # A root that is there but refuses writes (a read-only mount) is not "cannot create".
            raise self._unwritable(err, "write to" if os.path.isdir(self.path) else "create") from None
        return self

    def _unwritable(self, err: OSError, doing: str = "write to") -> InstallError:
        """One line for a root the filesystem refuses (read-only, full, a file, permissions).
        Where the root is writable and its `.temp/` is not (its mode), `.temp/` is named: the
        line named the root, whose permissions are fine."""
        from pytui.core.fs_errors import reason, remedy  # the words for failures, imported on one

        if self._refuses(err, self.temp_dir):
            return InstallError(f"cannot {doing} the install root's staging dir {self.temp_dir}: "
                                f"{reason(err, self.temp_dir)}; {remedy(err, ROOT_ALTERNATIVE, self.temp_dir)}")
        return InstallError(f"cannot {doing} the install root {self.path}: {reason(err, self.path)}; "
                            f"{remedy(err, ROOT_ALTERNATIVE, self.path)}")

    def _refuses(self, err: OSError, directory: Path) -> bool:
        """Whether `err` is a permission failure of `directory` rather than of the root: the
        root is writable to this user and `directory` is not."""
        import errno

        return (err.errno in (errno.EACCES, errno.EPERM) and os.access(self.path, os.W_OK)
                and os.path.isdir(directory) and not os.access(directory, os.W_OK))

    def installed(self) -> list[Installation]:
        """Installations under the root, newest first (uv's order)."""
        return list_installed(self.path)

    def replace_refusal(self, key: str) -> str | None:
        """Why a reinstall could not replace `key`'s install, asked before any work (a stage,
        a download, a tree linked): another user's install directory (a `sudo` run's), which
        the commit's exchange must write (its `..`), refuses this user. None when it is not
        there or this user may write it; the commit still says whatever else fails."""
        target = self.path / key
        if not os.path.isdir(target) or os.path.islink(target) or os.access(target, os.W_OK):
            return None
        import errno

        from pytui.core.fs_errors import owned_by_another

        theirs = owned_by_another(PermissionError(errno.EACCES, "Permission denied"), target)
        return _not_theirs_to_replace(key, self.path, theirs) if theirs is not None else None

    def get(self, key: str) -> Installation | None:
        directory = self.path / key
        if os.path.isdir(directory) and not os.path.islink(directory):
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

    # -- staging ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def stage(self) -> Iterator[Path]:
        """A fresh, empty directory under `.temp/`, removed on exit (whatever is left in it).

        Needs no root lock: a sibling `<name>.lock`, flocked for the stage's life, tells
        `clean_temp` (in any process) that it is in use.
        """
        self.init()
        while True:
            name = f"{STAGE_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
            lock_path = self.temp_dir / f"{name}.lock"
            try:
                fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
            except FileExistsError:
                continue
            except OSError as err:
                raise self._unwritable(err) from None
            # A cleaner may have taken and deleted the fresh file before our flock; then retry.
            if not try_flock(fd):
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
            directory.mkdir(0o755)  # (the mode of an install linked straight into it)
            yield directory
        finally:
            _remove_tree(directory)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock_path)
            os.close(fd)

    # -- commit -------------------------------------------------------------------------------
    def commit(self, build: Build, prefix: Path, *, bin_dir: Path | None, upgradeable: bool = True,
               reinstall: bool = False, force: bool = False, cancel: CancelToken | None = None,
               on_wait: Callable[[str], None] | None = None,
               on_warning: Callable[[WarningLine], None] | None = None,
               sysconfig: tuple[str, dict[str, object]] | None = None) -> Installation:
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
            apply_fixups(prefix, parts, build=build.build or None, final_prefix=target, staged=True,
                         sysconfig=sysconfig)
            if bin_dir is not None:
                # Killed from the swap to the links, the record says a bin link is missing.
                record_linking(self.path, key, prefix)
            else:
                # One an earlier run left (killed before its swap, its clean-up skipped while
                # another held the lock) would mark this install, made without one, as missing it.
                linked(self.path, key)
            try:
                self._swap_in(prefix, target, key)
            except OSError as err:
                from pytui.core.fs_errors import owned_by_another, reason, remedy

                if bin_dir is not None:
                    linked(self.path, key)  # the record named this stage, which never went in
                theirs = owned_by_another(err, target)
                if theirs is not None:
                    raise InstallError(_not_theirs_to_replace(key, self.path, theirs)) from None
                if self._refuses(err, target):
                    raise InstallError(f"cannot replace {key}: {target} is not writable ({reason(err, target)}), "
                                       "and swapping it needs that; `chmod u+w` it and run the command "
                                       "again") from None
                raise InstallError(f"cannot move {key} into {self.path}: {reason(err, self.path)}; "
                                   f"{remedy(err, ROOT_ALTERNATIVE, self.path)}") from None
            installation = installation_at(target, parts)
            self.update_minor_link(parts)
            links = BinLinks()
            if bin_dir is not None:
                links = self.link_executables(installation, bin_dir, upgradeable=upgradeable,
                                              reinstall=reinstall, force=force)
                linked(self.path, key)
                if on_warning is not None:
                    for warning in links.warnings:
                        on_warning(warning)
        # The names that run this install now: links made, and links that follow it through
        # the minor-version link (uv prints them after the key: ` + key (python3.12)`). Names,
        # not paths: a bin dir may hold a space, tab or newline, a link's name (python3.12) none.
        if links.linked or links.followed:
            installation.extra["executables"] = " ".join(p.name for p in links.linked + links.followed)
        return installation

    def _swap_in(self, prefix: Path, target: Path, key: str) -> None:
        if not os.path.lexists(target):
            os.rename(prefix, target)
            return
        aside = self.temp_dir / f"{key}.old-{os.urandom(4).hex()}"
        if os.path.isdir(target) and not os.path.islink(target) and _exchange(prefix, target):
            # `prefix` now holds the old tree. Deleting ~3,000 files takes longer than the
            # whole install from a tree: it is moved out of the stage and deleted by a
            # detached process after this run (core/root_tree.remove_later).
            os.rename(prefix, aside)
            _remove_later(aside)
            return
        # Two renames: until the second is done the old tree is `.swapping-`, which the next
        # clean_temp renames back if this run dies in between (the key would be missing).
        swapping = self.temp_dir / f"{key}{SWAPPING}{aside.name.rpartition('-')[2]}"
        os.rename(target, swapping)
        try:
            os.rename(prefix, target)
        except OSError:
            os.rename(swapping, target)  # put the old install back
            raise
        os.rename(swapping, aside)
        _remove_later(aside)

    # -- uninstall ----------------------------------------------------------------------------
    def footprint(self, installation: Installation | Path | str) -> Footprint:
        """What an installation occupies and what uninstalling it frees (core/root_tree.py):
        files hard-linked from a tree kept in the cache stay there."""
        if isinstance(installation, Installation):
            return footprint(installation.path)
        return footprint(self.path / installation if isinstance(installation, str) else installation)

    def uninstall(self, key: str, *, bin_dir: Path | None, cancel: CancelToken | None = None,
                  on_wait: Callable[[str], None] | None = None,
                  on_warning: Callable[[WarningLine], None] | None = None,
                  recheck: Callable[[], str | None] | None = None) -> Uninstalled:
        """Remove `<root>/<key>`; say what that freed and what became of its bin links.

        `recheck`, called under the root lock before anything is touched, returns why the
        removal no longer applies (the root changed since the caller decided), or None; a
        reason raises `NotRemoved` with nothing changed.

        Bin links in `bin_dir` named pythonX.Y / pythonX / python (+variant suffix) are
        touched only when they resolve to this install (as uv): while another patch of the
        same minor version stays installed they are re-pointed to the highest one (as the
        minor-version link is), else removed. The directory is renamed aside into `.temp/`
        first (so it vanishes at once) and then deleted; the minor-version link is re-pointed
        to the highest remaining patch, or removed when none is left.
        The rename comes first: a root that refuses it (read-only, permissions) is one line
        with nothing changed, bin links included. A bin link that cannot be changed after
        that is a warning (`on_warning`; raised as InstallError when there is none).
        """
        parts = parse_key(key)
        if parts is None:
            raise InstallError(f"{key} is not a valid installation key")
        from pytui.core.fs_errors import cause, reason, remedy

        target = self.path / key
        problems: list[str] = []
        removed: list[Path] = []
        moved: list[tuple[Path, str]] = []
        with self._writing(cancel=cancel, on_wait=on_wait):
            why_not = recheck() if recheck is not None else None
            if why_not is not None:
                raise NotRemoved(f"{key} kept: {why_not}")
            if not os.path.isdir(target) or os.path.islink(target):
                raise NotInstalled(f"{key} is not installed in {self.path}")
            installation = installation_at(target, parts)
            size = footprint(target)
            links = self._bin_links_of(installation, parts, Path(bin_dir)) if bin_dir is not None else []
            # As each link is now: one another process replaces before it is removed is theirs.
            seen = {link: link_identity(link) for link in links}
            if bin_dir is not None:
                link_temps.remove_stale(Path(bin_dir))
            aside = self.temp_dir / f"{key}{UNINSTALLING}{os.urandom(4).hex()}"
            try:
                os.rename(target, aside)
            except OSError as err:
                from pytui.core.fs_errors import owned_by_another

                theirs = owned_by_another(err, target)
                if theirs is not None:
                    # Moving a directory needs write access to it (its `..`): the root is fine.
                    raise InstallError(f"cannot uninstall {key}: {theirs} (made by `sudo`?); "
                                       "uninstall it as that user; nothing was removed") from None
                if self._refuses(err, target):
                    # Its own mode (`chmod a-w`): moving it out needs write access to it (`..`).
                    raise InstallError(f"cannot uninstall {key}: {target} is not writable ({cause(err)}), "
                                       "and moving it out of the root needs that; `chmod u+w` it and "
                                       "run the command again; nothing was removed") from None
                where = (f"the install root's staging dir {self.temp_dir}" if self._refuses(err, self.temp_dir)
                         else f"the install root {self.path}")
                raise InstallError(f"cannot uninstall {key}: cannot write to {where}: "
                                   f"{reason(err, self.path)}; "
                                   f"{remedy(err, 'uninstall it where it is writable')}; "
                                   "nothing was removed") from None
            try:
                self.update_minor_link(parts, removed=target)
            except OSError as err:
                problems.append(f"uninstalled {key}, but its minor-version link in {self.path} could "
                                f"not be updated ({cause(err)}); reinstall or remove it by hand")
            remaining = self._highest(parts)
            heir = remaining if links else None
            if bin_dir is not None and remaining is None:
                # Through a minor-version link just removed, or one pointing outside the root.
                links += [link for link in self.dangling_through_minor_link(parts, Path(bin_dir))
                          if link not in links]
            for link in links:
                problem = self._settle_bin_link(key, link, seen.get(link) or link_identity(link), heir,
                                                removed, moved)
                if problem:
                    problems.append(problem)
            _remove_tree(aside)
        for problem in problems:
            if on_warning is None:
                raise InstallError(problem)
            on_warning(problem)
        return Uninstalled(key, size.freed, size.shared, tuple(removed), tuple(moved))

    def _settle_bin_link(self, key: str, link: Path, seen: tuple[int, int, str] | None,
                         heir: Installation | None, removed: list[Path],
                         moved: list[tuple[Path, str]]) -> str | None:
        """An uninstalled install's bin link re-pointed to `heir` (into `moved`) or removed
        (into `removed`), if it is still the link `seen`; the warning when it cannot be."""
        from pytui.core.fs_errors import cause

        try:
            if heir is not None and self.repoint_executable(link, heir, seen=seen):
                moved.append((link, heir.key))
            elif self.remove_bin_link(link, seen):
                removed.append(link)
        except PutMeanwhile:
            pass  # another process's since it was looked at: left as it is
        except FileNotFoundError:
            pass
        except OSError as err:
            return (f"uninstalled {key}, but its link {link} could not be "
                    f"{'re-pointed' if heir is not None else 'removed'} ({cause(err)}); remove it by hand")
        return None


class Uninstalled:
    """What `InstallRoot.uninstall` did. (A plain class: `typing` stays off an install's imports.)"""

    __slots__ = ("freed", "key", "moved_links", "removed_links", "shared")

    def __init__(self, key: str, freed: int, shared: int, removed_links: tuple[Path, ...] = (),
                 moved_links: tuple[tuple[Path, str], ...] = ()) -> None:
        self.key = key
        # Bytes the removal freed, and bytes of its files that stay on disk (hard links another
        # tree holds: an install linked from a tree kept in the cache).
        self.freed = freed
        self.shared = shared
        # Bin links removed, and bin links re-pointed to another patch of the same minor (its key).
        self.removed_links = removed_links
        self.moved_links = moved_links

    def __repr__(self) -> str:
        return (f"Uninstalled({self.key!r}, freed={self.freed}, shared={self.shared}, "
                f"removed_links={self.removed_links!r}, moved_links={self.moved_links!r})")


def _not_theirs_to_replace(key: str, root: Path, theirs: str) -> str:
    """A reinstall's line for an install another user owns (`theirs`: owned_by_another's)."""
    return f"cannot replace {key} in {root}: {theirs} (made by `sudo`?); reinstall it as that user"
