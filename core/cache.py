"""The archive cache: uv's `UV_PYTHON_CACHE_DIR` layout, with verified commits.

See docs/uv-compat.md#cache-file-names.

Files are named exactly as uv names them (`{sha256[:9]}-{url basename, %2B -> -}`), so one
directory serves pytui and `UV_PYTHON_CACHE_DIR=<dir> uv python install`. Unlike uv, an
archive gets its final name only after its sha256 matched; downloads in progress live at
`<name>.part` beside it (with `<name>.part.json`: url, validators and size, for resuming
across processes) and a per-archive `<name>.part.lock` while a process writes them.
Every write goes through a temporary name and `os.replace`; nothing outside the root is
touched.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from pytui.core.errors import CacheError, OfflineError
from pytui.core.fs_errors import cause, dir_problem
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import Build, CachedArchive
from pytui.core.progress import CancelToken, ProgressCallback, no_progress
from pytui.core.tree_store import TreeInfo, TreeStore

if TYPE_CHECKING:
    from typing import Any

    from pytui.core.cache_names import archive_key, archive_percent, key_from_cache_name
    from pytui.core.cache_verify import VerifyingReader, VerifyReport
    from pytui.core.catalog import Catalog
    from pytui.core.download import Downloader
    from pytui.core.mirror import ExportReport
    from pytui.core.settings import Settings

__all__ = ["PURGE_RULES", "ArchiveCache", "CacheError", "archive_key", "archive_percent",
           "key_from_cache_name"]

# Re-exported for callers of the cache, imported only when asked for: a tree install needs
# none of them (hashing, the mirror, the download engine, the cache-name grammar whose
# regular expressions would be compiled at import).
_LAZY = {"archive_key": "pytui.core.cache_names", "archive_percent": "pytui.core.cache_names",
         "key_from_cache_name": "pytui.core.cache_names",
         "VerifyReport": "pytui.core.cache_verify", "VerifyingReader": "pytui.core.cache_verify",
         "ExportReport": "pytui.core.mirror", "METADATA_NAME": "pytui.core.mirror",
         "uv_json_entry": "pytui.core.mirror"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


STATE_SUFFIX = ".part.json"
LOCK_SUFFIX = ".part.lock"
READ_SIZE = 1024 * 1024
PURGE_RULES = ("all", "superseded", "installed")
# What to do about an unusable cache dir, whatever the cause.
CACHE_DIR_ALTERNATIVE = "pass another directory with --cache-dir or UV_PYTHON_CACHE_DIR"


# -- helpers ----------------------------------------------------------------------------------
def _is_archive_name(name: str) -> bool:
    from pytui.core.filenames import split_extension

    return bool(split_extension(name)[1])


def unlink_quiet(path: Path) -> OSError | None:
    """Delete `path`; None when it is gone, else the error that kept it."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as err:
        return err
    return None


def fix_dir(err: OSError) -> str:
    """What to do about a cache dir that refused a deletion."""
    if err.errno == errno.EROFS:
        return "make the cache dir writable"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "fix the cache dir's permissions"
    return "check the cache dir"


@contextlib.contextmanager
def _exclusive(lock_path: Path, cancel: CancelToken, what: str) -> Iterator[None]:
    """Hold an flock on `lock_path` (created, and removed on release) while a `.part` is written.

    Two processes (or threads) fetching one archive thus take turns; the second finds the
    archive committed. The lock file is unlinked by its holder, so a waiter that wakes on a
    file no longer at that path tries again.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no flock; unique temp names and os.replace still hold
        yield
        return
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        except OSError as err:
            # Something else holds the lock's name (O_NOFOLLOW: a link gives ELOOP): the cache
            # dir is fine, that one entry is not.
            kind = {errno.EISDIR: "is a directory", errno.ELOOP: "is a symbolic link"}.get(err.errno or 0)
            if kind is None:
                raise
            raise CacheError(f"cannot lock the download of {what}: {lock_path} {kind}, not a lock "
                             "file; remove it and retry") from None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if cancel.wait(0.05):
                        cancel.check(what)
            try:
                same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)


def download_in_progress(part: Path) -> bool:
    """Whether a process (or thread) is writing this `.part` now: it holds `<part>.lock`.

    Looks without creating anything: no lock file means nobody holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock, nothing to ask
        return False
    try:
        fd = os.open(f"{part}.lock", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False  # none (or not a file we would lock): no download holds it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing drops a lock taken here
    return False


@contextlib.contextmanager
def _unless_downloading(part: Path) -> Iterator[bool]:
    """Hold `<part>.lock` (as a downloader holds it, `_exclusive`) while a purge removes the
    `.part`, so no download starts writing it meanwhile; yields False, holding nothing, when
    a download holds it now."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    lock_path = Path(f"{part}.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    except OSError:
        yield True  # a lock nobody can take (read-only dir): the removal says what failed
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
        except (BlockingIOError, FileNotFoundError):
            same = False  # held, or its holder just released and removed it: a download ran
        if not same:
            yield False
            return
        try:
            yield True
        finally:
            with contextlib.suppress(OSError):
                os.unlink(lock_path)
    finally:
        os.close(fd)


def _has_tree(name: str, build: Build | None, trees: set[str]) -> bool:
    """Whether a kept tree belongs to the archive `name`: its build's sha256, or, for an
    archive no catalog build names, the sha256 prefix uv puts at the start of the name."""
    if not trees:
        return False
    if build is not None and build.sha256:
        return build.sha256 in trees
    prefix = name.split("-", 1)[0]
    return len(prefix) == 9 and any(sha.startswith(prefix) for sha in trees)


class PurgeEffect:
    """What removing some archives frees (`ArchiveCache.purge_effect`): the dry run, the real
    run and the TUI's previews all say these numbers. (A plain class: `typing` stays off an
    install's imports.)"""

    __slots__ = ("archives", "orphan_trees", "orphans")

    def __init__(self, archives: tuple[tuple[CachedArchive, int], ...], orphans: int = 0,
                 orphan_trees: int = 0) -> None:
        # (archive, bytes its kept tree frees: the tree's files no install still shares; 0 if none)
        self.archives = archives
        # Bytes of kept trees whose archive is already gone (a purge removes them too), and how many.
        self.orphans = orphans
        self.orphan_trees = orphan_trees

    def __repr__(self) -> str:
        return f"PurgeEffect({self.archives!r}, orphans={self.orphans}, orphan_trees={self.orphan_trees})"

    @property
    def trees(self) -> int:
        """How many kept trees go (a tree always holds some bytes of its own)."""
        return sum(1 for _, tree in self.archives if tree) + self.orphan_trees

    @property
    def total(self) -> int:
        return sum(archive.size + tree for archive, tree in self.archives) + self.orphans


class ArchiveCache:
    """One archive cache directory (pytui's, or uv's `UV_PYTHON_CACHE_DIR`).

    A directory that cannot be used (a file by that name, unreadable, read-only when a write is
    needed, full) raises CacheError with one line naming it; a missing one is an empty cache.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        # Unpacked trees of verified archives (`<root>/trees/`), used and removed with them.
        self.trees = TreeStore(self.root)

    def disk_usage(self) -> int:
        """Bytes the cache dir occupies, as `du -sb`: archives, `.part` files and unpacked
        trees, a hard-linked file once (`pytui cache list`'s total and the TUI header's).

        A kept tree counts as its manifest says (a few hundred kB read instead of thousands of
        files stat'ed, after every job); one without a usable manifest is walked."""
        from pytui.core.root_tree import tree_size

        return tree_size(self.root, self.trees.sizes())

    # -- names --------------------------------------------------------------------------------
    def path_for(self, build: Build) -> Path:
        """Where the verified archive for `build` lives (uv's name)."""
        return self.root / build.cache_filename

    def part_path(self, build: Build) -> Path:
        from pytui.core.cache_names import PART_SUFFIX

        return self.root / (build.cache_filename + PART_SUFFIX)

    def has(self, build: Build) -> bool:
        """True when the archive is there (a file we cannot even look at counts as absent)."""
        return os.path.isfile(self.path_for(build))

    def _inside(self, path: Path) -> bool:
        """True for a file directly in the root (the only place the cache writes or deletes)."""
        try:
            return path.parent.resolve() == self.root.resolve() and path.name not in ("", ".", "..")
        except OSError:
            return False

    # -- errors -------------------------------------------------------------------------------
    def _error(self, doing: str, err: OSError, alternative: str = CACHE_DIR_ALTERNATIVE) -> CacheError:
        return CacheError(dir_problem(doing, "the cache dir", self.root, err, alternative))

    def problem(self) -> str | None:
        """Why the cache dir cannot be read (one line), or None: for showing, not raising."""
        try:
            self._scan()
        except CacheError as err:
            return str(err)
        return None

    def _ensure_root(self, alternative: str = CACHE_DIR_ALTERNATIVE) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            if err.errno == errno.EEXIST or (err.errno == errno.ENOTDIR):
                raise self._error("use", err, alternative) from None
            raise self._error("create", err, alternative) from None

    def _scan(self) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(self.root) as entries:
                return list(entries)
        except FileNotFoundError:
            return []
        except NotADirectoryError as err:
            raise self._error("use", err) from None
        except OSError as err:
            raise self._error("read", err) from None

    # -- listing ------------------------------------------------------------------------------
    def list(self, catalog: Catalog | None = None) -> list[CachedArchive]:  # noqa: A003 - API name
        """Archives and partial downloads in the cache; `build` is the `catalog` build of that name.

        The state comes from the file name and size alone, so it is the same under any catalog
        (core/cache_names.state_from_name): `ok`, `partial` (a `.part`, with `expected_size`
        when known), `corrupt` (empty) or `unknown` (not a uv cache name). Files that are not
        archives, and hidden names (uv's `.tmp*` dirs), are ignored.
        """
        from pytui.core.cache_names import PART_SUFFIX, archive_key, state_from_name

        # The name index costs a pass over the whole catalog: made for the first archive
        # only, so an empty cache dir (every first start) does not pay for it.
        by_name: dict[str, Build] | None = None
        trees = self.trees.shas()
        found: list[CachedArchive] = []
        for entry in self._scan():
            name = entry.name
            if name.startswith(".") or not entry.is_file(follow_symlinks=False):
                continue
            base = name.removesuffix(PART_SUFFIX)
            if not _is_archive_name(base):
                continue
            try:
                size = entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
            path = Path(entry.path)
            state = state_from_name(name, size)
            expected = None
            if state == "partial":
                from pytui.core.download import read_part_state

                total = (read_part_state(path) or {}).get("total")
                expected = total if isinstance(total, int) and not isinstance(total, bool) and total > 0 else None
            if by_name is None:
                by_name = catalog.by_cache_filename() if catalog is not None else {}
            build = by_name.get(base)
            found.append(CachedArchive(path=path, size=size, build=build, state=state,
                                       expected_size=expected,
                                       tree=state == "ok" and _has_tree(name, build, trees)))
        found.sort(key=lambda a: (archive_key(a) or "~", a.name))
        return found

    def total_size(self) -> int:
        return sum(archive.size for archive in self.list())

    # -- downloading --------------------------------------------------------------------------
    def fetch(
        self,
        build: Build,
        urls: Sequence[str] | None = None,
        *,
        downloader: Downloader | None = None,
        settings: Settings | None = None,
        offline: bool | None = None,
        client_factory: Callable[[], Any] | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> Path:
        """Return the cached archive for `build`, downloading (verified) into the cache first if needed.

        `urls` default to uv's order for the settings (`core.urls.download_urls`). The download
        goes to `<name>.part` (resumed if one is there) and is renamed to its final name only
        when the sha256 matched. Offline with no `file://` URL it fails with uv's wording.
        Pass one shared `downloader` when fetching several builds (it keeps one HTTP client);
        otherwise one is made from `settings` (or `offline` / `client_factory`) and closed.
        A cache dir that cannot be written is one line (CacheError) before any download.
        """
        cancel = cancel or CancelToken()
        final = self.path_for(build)
        if os.path.isfile(final):
            return final
        if urls is None:
            if settings is None:
                raise ValueError("fetch needs urls or settings")
            from pytui.core.urls import download_urls

            urls = download_urls(build, settings)
        own = downloader is None
        if downloader is None:
            from pytui.core.download import Downloader

            if settings is not None:
                downloader = Downloader.from_settings(settings, client_factory=client_factory)
                if offline:
                    downloader.offline = True
            else:
                downloader = Downloader(offline=bool(offline), client_factory=client_factory)
        elif offline:
            downloader.offline = True
        alternative = CACHE_DIR_ALTERNATIVE + ", or install with --no-cache"
        try:
            if downloader.offline and not any(u.startswith("file:") for u in urls):
                raise OfflineError(
                    f"An offline Python installation was requested, but {build.key} (from {urls[0]}) "
                    f"is missing in {self.root}; go online, or import the archive with "
                    "`pytui cache import FILE`")
            self._ensure_root(alternative)
            try:
                with _exclusive(self.root / (build.cache_filename + LOCK_SUFFIX), cancel, build.key):
                    if os.path.isfile(final):
                        return final  # another process committed it while we waited
                    downloader.download(urls, self.part_path(build), expected_sha256=build.sha256,
                                        progress=progress, cancel=cancel, what=build.key)
                    os.replace(self.part_path(build), final)
            except OSError as err:
                raise self._error("write to", err, alternative) from None
        finally:
            if own:
                downloader.close()
        return final

    def open_verified(self, build: Build) -> VerifyingReader:
        """Open the cached archive for reading with its hash checked at `verify()`."""
        from pytui.core.cache_verify import VerifyingReader

        return VerifyingReader(self.path_for(build), build)

    def verify(self, catalog: Catalog | None = None, progress: ProgressCallback = no_progress,
               cancel: CancelToken | None = None) -> VerifyReport:
        """Re-hash every archive and check every tree (core/cache_verify.py `verify_cache`)."""
        from pytui.core.cache_verify import verify_cache

        return verify_cache(self, catalog, progress, cancel)

    # -- purge --------------------------------------------------------------------------------
    def purge_plan(
        self,
        catalog: Catalog | None,
        *,
        rule: str | None = None,
        keys: Iterable[str] = (),
        installed_keys: Iterable[str] = (),
        downloading: builtins.list[CachedArchive] | None = None,
    ) -> builtins.list[CachedArchive]:  # `list` here is the method above
        """The archives a purge would remove. Every rule works from the file names, so the plan
        is the same whichever catalog is loaded (the catalog only adds what it knows).

        - rule "all": everything, partial downloads included;
        - rule "superseded": archives (and `.part`s) for which a newer build of the same
          version, variant and platform is known, from `catalog` or another archive in the
          cache; never an archive merely absent from the catalog, nor one whose name says no
          build;
        - rule "installed": archives whose key is in `installed_keys`;
        - `keys`: archives whose key (or file name) is listed, whatever the rule.

        A `.part` another process is writing now (it holds the `.part.lock`) is that
        download, not a leftover: it is left out, and appended to `downloading` if given.
        """
        from pytui.core.cache_names import archive_key, superseded

        if rule is not None and rule not in PURGE_RULES:
            raise ValueError(f"unknown purge rule {rule!r}")
        wanted = set(keys)
        installed = set(installed_keys)
        archives = self.list(catalog)
        old = set()
        if rule == "superseded":
            old = {a.name for a in superseded(archives, catalog.builds if catalog is not None else ())}
        plan = []
        for archive in archives:
            key = archive_key(archive)
            if (
                rule == "all"
                or archive.name in old
                or (rule == "installed" and key is not None and key in installed)
                or (key is not None and key in wanted)
                or archive.name in wanted
            ):
                if archive.state == "partial" and download_in_progress(archive.path):
                    if downloading is not None:
                        downloading.append(archive)
                    continue
                plan.append(archive)
        return plan

    def trees_by_archive(self) -> dict[str, TreeInfo]:
        """Kept trees by the cache file name of the archive each was made from."""
        return {info.archive: info for info in self.trees.list() if info.archive}

    def remove_trees_of(self, archives: Iterable[CachedArchive]) -> int:
        """Discard the trees made from these archives, and trees whose archive is gone (they
        are never used without it); return the bytes freed (files no install shares)."""
        names = {archive.name for archive in archives}
        freed = 0
        for info in self.trees.list():
            if info.archive in names or not (self.root / info.archive).is_file():
                freed += self.trees.discard(info.sha256)
        return freed

    def purge_effect(self, archives: Iterable[CachedArchive]) -> PurgeEffect:
        """What `remove(archives)` would free, counted as it counts: each archive, the tree made
        from it (files no install shares: an install linked from it keeps those), and the
        trees whose archive is already gone. Removes nothing."""
        from pytui.core.root_tree import footprint

        archives = builtins.list(archives)
        names = {archive.name for archive in archives}
        trees: dict[str, int] = {}
        orphans = orphan_trees = 0
        for info in self.trees.list():
            if info.archive in names:
                trees[info.archive] = trees.get(info.archive, 0) + footprint(info.path).freed
            elif not (self.root / info.archive).is_file():
                orphans += footprint(info.path).freed
                orphan_trees += 1
        return PurgeEffect(tuple((a, trees.get(a.name, 0)) for a in archives), orphans, orphan_trees)

    def remove(self, archives: Iterable[CachedArchive], *,
               downloading: builtins.list[CachedArchive] | None = None) -> int:
        """Delete these archives (a partial's state file, and the tree made from each); return
        the bytes freed. A `.part` a download is writing now stays (appended to `downloading`).

        Stops at the first file the disk does not let go (read-only, permissions): CacheError
        naming it and how many went before it.
        """
        archives = list(archives)
        freed = 0
        removed = 0
        for archive in archives:
            if not self._inside(archive.path):
                continue
            with (_unless_downloading(archive.path) if archive.state == "partial"
                  else contextlib.nullcontext(True)) as free:
                if not free:  # a download is writing it (it may have begun since the plan)
                    if downloading is not None:
                        downloading.append(archive)
                    continue
                try:
                    size = archive.path.stat().st_size
                    archive.path.unlink()
                except FileNotFoundError:
                    continue
                except OSError as err:
                    before = f" ({removed} removed before it)" if removed else ""
                    raise CacheError(f"cannot remove {archive.name} from the cache dir {self.root}: "
                                     f"{cause(err)}{before}; {fix_dir(err)} and purge again") from None
                freed += size
                removed += 1
                if archive.state == "partial":
                    unlink_quiet(archive.path.with_name(archive.path.name + ".json"))
        return freed + self.remove_trees_of(archives)

    def import_file(self, path: Path, catalog: Catalog, *, progress: ProgressCallback = no_progress,
                    cancel: CancelToken | None = None, max_bytes: int | None = None) -> CachedArchive:
        """Copy an archive into the cache under its uv name (core/cache_import.py)."""
        from pytui.core.cache_import import MAX_ARCHIVE_BYTES, import_file

        return import_file(self, path, catalog, progress=progress, cancel=cancel,
                           max_bytes=MAX_ARCHIVE_BYTES if max_bytes is None else max_bytes)

    def remove_stale_imports(self) -> builtins.list[tuple[str, int]]:
        """Remove what killed imports left (core/cache_import.py); (name, size) of each."""
        from pytui.core.cache_import import remove_stale_imports

        return remove_stale_imports(self.root)

    # -- export -------------------------------------------------------------------------------
    def export_mirror(self, dest_dir: Path, catalog: Catalog, *,
                      progress: ProgressCallback = no_progress,
                      cancel: CancelToken | None = None) -> ExportReport:
        """Lay the cached archives out as a `file://` mirror plus a catalog for it (core/mirror)."""
        from pytui.core.mirror import export_mirror

        return export_mirror(self, dest_dir, catalog, progress=progress, cancel=cancel)
