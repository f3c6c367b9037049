"""The archive cache: uv's `UV_PYTHON_CACHE_DIR` layout, with verified commits.

See docs/uv-compat.md#cache-file-names.

Files are named exactly as uv names them (`{sha256[:9]}-{url basename, %2B -> -}`), so one
directory serves pytui and `UV_PYTHON_CACHE_DIR=<dir> uv python install`. Unlike uv, an
archive gets its final name only after its sha256 matched; downloads in progress live at
`<name>.part` beside it (with `<name>.part.json`: url, validators and size, for resuming
across processes) and a per-archive `<name>.part.lock` while a process writes them
(core/cache_locks.py). Purging is core/cache_purge.py's.
Every write goes through a temporary name and `os.replace`; nothing outside the root is
touched.
"""

from __future__ import annotations

import builtins
import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from pytui.core.errors import NO_CACHE, CacheError, Step
from pytui.core.fs_errors import dir_problem
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import Build, CachedArchive
from pytui.core.progress import CancelToken, ProgressCallback, no_progress
from pytui.core.tree_store import TreeInfo, TreeStore

if TYPE_CHECKING:
    from typing import Any

    from pytui.core.cache_import import Imported
    from pytui.core.cache_names import archive_key, archive_percent, key_from_cache_name
    from pytui.core.cache_verify import VerifyingReader, VerifyReport
    from pytui.core.catalog import Catalog
    from pytui.core.download import Downloader
    from pytui.core.mirror import ExportReport
    from pytui.core.settings import Settings

__all__ = ["ArchiveCache", "CacheError", "archive_key", "archive_percent", "key_from_cache_name"]

# Re-exported for callers of the cache, imported only when asked for: a tree install needs
# none of them (hashing, the mirror, the download engine, the cache-name grammar whose
# regular expressions would be compiled at import).
_LAZY = {"archive_key": "pytui.core.cache_names", "archive_percent": "pytui.core.cache_names",
         "key_from_cache_name": "pytui.core.cache_names",
         "VerifyReport": "pytui.core.cache_verify", "uv_json_entry": "pytui.core.mirror"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


STATE_SUFFIX = ".part.json"
LOCK_SUFFIX = ".part.lock"
READ_SIZE = 1024 * 1024
# What to do about an unusable cache dir, whatever the cause.
CACHE_DIR_ALTERNATIVE = "pass another directory with --cache-dir or UV_PYTHON_CACHE_DIR"
# An install's other way round an unusable cache dir (the TUI, which has no --no-cache, names
# the command that has: app/job_bodies.py).
NO_CACHE_NEXT_STEP = Step(NO_CACHE, "or install with --no-cache")


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


def has_tree_of(name: str, build: Build | None, trees: set[str]) -> bool:
    """Whether a kept tree belongs to the archive `name`: its build's sha256, or, for an
    archive no catalog build names, the sha256 prefix uv puts at the start of the name."""
    if not trees:
        return False
    if build is not None and build.sha256:
        return build.sha256 in trees
    prefix = name.split("-", 1)[0]
    return len(prefix) == 9 and any(sha.startswith(prefix) for sha in trees)


class ArchiveCache:
    """One archive cache directory (pytui's, or uv's `UV_PYTHON_CACHE_DIR`).

    A directory that cannot be used (a file by that name, unreadable, read-only when a write is
    needed, full) raises CacheError with one line naming it; a missing one is an empty cache.
    """

    def __init__(self, root: Path, env: Mapping[str, str] | None = None) -> None:
        """`env`: the run's variables (`Settings.env`), read for the largest archive it reads
        (`archive_cap`); None: none set."""
        self.root = Path(root)
        self.env: Mapping[str, str] = {} if env is None else env
        # Unpacked trees of verified archives (`<root>/trees/`), used and removed with them.
        self.trees = TreeStore(self.root)

    def disk_usage(self, without: Iterable[Path] = ()) -> int:
        """Bytes the cache dir holds, as `du -sb` counts them less the bytes of the directories
        outside its kept trees (the cache dir, `trees/`, an empty directory someone made):
        archives, `.part` files (and their resume notes), any other file and the unpacked
        trees, a hard-linked file once (`pytui cache list`'s total and the TUI header's). An
        empty cache is 0 B, as the Cached pane's total says, not du's 4.0 KiB a directory.

        A kept tree (`trees/<sha256>/`, its directories too) counts as its manifest says (a
        few hundred kB read instead of thousands of files stat'ed, after every job); one
        without a usable manifest is walked. The kept trees' directories `without` names
        (`trees/<sha256>`) are left out: what the rest holds (core/loose_trees.py splits the
        total so)."""
        from pytui.core.root_tree import tree_size
        from pytui.core.tree_leftovers import is_tree_name

        # Through a symlink, as the listing and uv use the cache dir (not the link's own bytes);
        # a file there is no cache (the listing says so) and has no size to show.
        try:
            if not stat.S_ISDIR(os.stat(self.root).st_mode):
                raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(self.root))
        except FileNotFoundError:
            return 0
        trees = os.fspath(self.trees.path) + os.sep
        summaries = self.trees.sizes()
        left_out = {os.fspath(path) for path in without}
        # A tree left out is summarized as nothing, and its directory counted as a holder's.
        summaries.update(dict.fromkeys(left_out, (0, {})))

        def holder(path: str) -> bool:
            # Inside `trees/<sha256>/` a directory is part of what the tree occupies, and so
            # inside what a killed run left of one (`trees/.old-…`, `.tmp-…`), as `du` counts it.
            return path in left_out or not (
                path.startswith(trees) and is_tree_name(path[len(trees):].split(os.sep, 1)[0]))

        return tree_size(self.root, summaries, holder, follow=True)

    def part_sizes(self) -> dict[str, int]:
        """The `.part` files' sizes by the archive's name (what `disk_usage` counted for each
        download in flight: the TUI's header puts the bytes a running download has in its
        place). Only regular files; an unreadable cache dir has none."""
        from pytui.core.cache_names import PART_SUFFIX

        sizes: dict[str, int] = {}
        try:
            entries = self._scan()
        except CacheError:
            return sizes
        for entry in entries:
            if not entry.name.endswith(PART_SUFFIX):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # gone meanwhile
            if stat.S_ISREG(info.st_mode):
                sizes[entry.name[:-len(PART_SUFFIX)]] = info.st_size
        return sizes

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

    # -- errors -------------------------------------------------------------------------------
    def _error(self, doing: str, err: OSError, alternative: str = CACHE_DIR_ALTERNATIVE,
               then: Step | None = None) -> CacheError:
        """The cache dir's line: what failed, why, what to do (`alternative`, which the step
        `then` ends, when given: each view words it)."""
        line = dir_problem(doing, "the cache dir", self.root, err, alternative)
        if then is None:
            return CacheError(line)
        return CacheError.of_parts(line, then)

    def problem(self) -> str | None:
        """Why the cache dir cannot be read (one line), or None: for showing, not raising."""
        try:
            self._scan()
        except CacheError as err:
            return str(err)
        return None

    def refuse_non_directory(self) -> None:
        """The cache dir's own error when something other than a directory stands at its path."""
        try:
            if not stat.S_ISDIR(self.root.stat().st_mode):
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        except FileNotFoundError:
            return
        except OSError as err:
            raise self._error("use", err) from None

    def _ensure_root(self, alternative: str = CACHE_DIR_ALTERNATIVE, then: Step | None = None) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            if err.errno == errno.EEXIST or (err.errno == errno.ENOTDIR):
                raise self._error("use", err, alternative, then) from None
            raise self._error("create", err, alternative, then) from None

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
    def list(self, catalog: Catalog | None = None, *, quick: bool = False) -> list[CachedArchive]:  # noqa: A003 - API name
        """Archives and partial downloads in the cache; `build` is the `catalog` build of that name
        (`quick`: matched by the builds of the key each name carries alone while the catalog's
        builds are columns, Catalog.build_of_cached, for the TUI's first screen).

        The state comes from the file name and size alone, so it is the same under any catalog
        (core/cache_names.state_from_name): `ok`, `partial` (a `.part`, with `expected_size`
        when known), `corrupt` (empty) or `unknown` (not a uv cache name). Files that are not
        archives, and hidden names (uv's `.tmp*` dirs), are ignored.
        """
        from pytui.core.cache_names import (
            PART_SUFFIX,
            archive_key,
            sort_newest_first,
            state_from_name,
        )
        from pytui.core.tree_leftovers import leftover_shas

        trees = self.trees.shas()
        left = leftover_shas(self.trees.path)
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
            # (A catalog whose builds are made matches through its name index, made for the
            # first archive: an empty cache dir does not pay for it; one still in columns makes
            # only the builds of the name's key.)
            build = catalog.build_of_cached(base, quick=quick) if catalog is not None else None
            found.append(CachedArchive(path=path, size=size, build=build, state=state,
                                       expected_size=expected,
                                       tree=state == "ok" and has_tree_of(name, build, trees),
                                       leftovers=has_tree_of(base, build, left)))
        sort_newest_first(found, name=lambda a: a.name, key=archive_key)
        return found

    def total_size(self) -> int:
        return sum(archive.size for archive in self.list())

    # -- downloading --------------------------------------------------------------------------
    def fetch(self, build: Build, urls: Sequence[str] | None = None, **how: Any) -> Path:
        """The cached archive for `build`, downloaded first if needed (`obtain`'s path)."""
        return self.obtain(build, urls, **how)[0]

    def obtain(self, build: Build, urls: Sequence[str] | None = None, *,
               downloader: Downloader | None = None, settings: Settings | None = None,
               offline: bool | None = None, client_factory: Callable[[], Any] | None = None,
               progress: ProgressCallback = no_progress, cancel: CancelToken | None = None,
               on_wait: Callable[[str], None] | None = None,
               installed_now: Callable[[], object] | None = None, held: bool = False,
               trees: bool = True, on_warning: Callable[[str], None] | None = None) -> tuple[Path, bool]:
        """The cached archive for `build`, downloading (verified) into the cache first if needed,
        and whether this call downloaded it (core/cache_download.py `obtain`)."""
        from pytui.core.cache_download import obtain

        return obtain(self, build, urls, downloader=downloader, settings=settings, offline=offline,
                      client_factory=client_factory, progress=progress, cancel=cancel,
                      on_wait=on_wait, installed_now=installed_now, held=held, trees=trees,
                      on_warning=on_warning)

    def open_verified(self, build: Build) -> VerifyingReader:
        """Open the cached archive for reading with its hash checked at `verify()`."""
        from pytui.core.cache_verify import VerifyingReader, archive_cap

        return VerifyingReader(self.path_for(build), build, archive_cap(self.env))

    def verify(self, catalog: Catalog | None = None, progress: ProgressCallback = no_progress,
               cancel: CancelToken | None = None) -> VerifyReport:
        """Re-hash every archive and check every tree (core/cache_verify.py `verify_cache`)."""
        from pytui.core.cache_verify import verify_cache

        return verify_cache(self, catalog, progress, cancel)

    # -- kept trees (they go with their archives; purging is core/cache_purge.py) -----------
    def trees_by_archive(self) -> dict[str, TreeInfo]:
        """Kept trees by the cache file name of the archive each was made from."""
        return {info.archive: info for info in self.trees.list() if info.archive}

    def archive_gone(self, info: TreeInfo) -> bool:
        """Whether the archive a kept tree was made from is no longer in the cache dir: such a
        tree is never used (core/jobs.py installs from a tree only beside its archive). False
        for a tree whose manifest does not read (it names no archive): the manifest is what is
        wrong with it, which `TreeStore.verify` says."""
        return bool(info.archive) and not os.path.isfile(self.root / info.archive)

    def remove_trees_of(self, archives: Iterable[CachedArchive],
                        not_removed: builtins.list[tuple[TreeInfo, OSError]] | None = None, *,
                        everything: bool = False, named: Iterable[str] = ()) -> int:
        """Discard the trees made from these archives, trees whose archive is gone (they
        are never used without it) and trees whose manifest does not read (never used either);
        return the bytes freed (files no install shares). A newer pytui's tree goes only with
        its archive (the archive's sha256 names it), with `everything` (`--all`) or when its
        sha256 is `named`. Given `not_removed`, each tree the disk does not let go (another
        user's: a `sudo` run's) is appended to it with why."""
        archives = builtins.list(archives)
        names = {archive.name for archive in archives}
        wanted = set(named)
        freed = 0
        for info in self.trees.list():
            if info.newer:
                going = everything or info.sha256 in wanted or any(
                    has_tree_of(archive.name, archive.build, {info.sha256}) for archive in archives)
            else:
                going = not info.archive or info.archive in names or self.archive_gone(info)
            if going:
                try:
                    freed += self.trees.discard(info.sha256, strict=not_removed is not None)
                except OSError as err:
                    if not_removed is not None:
                        not_removed.append((info, err))
        return freed

    # -- import -------------------------------------------------------------------------------
    def import_file(self, path: Path, catalog: Catalog, *, progress: ProgressCallback = no_progress,
                    cancel: CancelToken | None = None, max_bytes: int | None = None) -> Imported:
        """Copy an archive into the cache under its uv name, unless it is there already
        (core/cache_import.py)."""
        from pytui.core.cache_import import MAX_ARCHIVE_BYTES, import_file

        return import_file(self, path, catalog, progress=progress, cancel=cancel,
                           max_bytes=MAX_ARCHIVE_BYTES if max_bytes is None else max_bytes)

    def remove_stale_imports(self) -> Iterator[tuple[str, int]]:
        """Remove what killed imports left (core/cache_import.py); (name, size) of each, one
        by one as each goes."""
        from pytui.core.cache_import import removed_stale_imports

        return removed_stale_imports(self.root)

    # -- export -------------------------------------------------------------------------------
    def export_mirror(self, dest_dir: Path, catalog: Catalog, *,
                      progress: ProgressCallback = no_progress,
                      cancel: CancelToken | None = None) -> ExportReport:
        """Lay the cached archives out as a `file://` mirror plus a catalog for it (core/mirror)."""
        from pytui.core.mirror import export_mirror

        return export_mirror(self, dest_dir, catalog, progress=progress, cancel=cancel)
