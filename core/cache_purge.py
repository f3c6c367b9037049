"""Purging the archive cache: which archives a rule picks (`purge_plan`), what removing
them frees (`purge_effect`, the dry run's and the TUI's numbers) and the removal itself
(`remove_archives`); what killed runs left, all of it or what belongs to some archives, found
by the rule that removes it (`find_leftovers`) and removed (`remove_leftovers`). Every rule works from the cache's file names, so a plan is the same
whichever catalog is loaded. Imported only to purge: neither a listing nor an install needs it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pytui.core.cache import fix_dir, unlink_quiet
from pytui.core.cache_locks import download_in_progress, unless_downloading
from pytui.core.errors import CacheError
from pytui.core.fs_errors import cause
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import CachedArchive
from pytui.core.tree_leftovers import clean_leftovers, unheld_leftovers

if TYPE_CHECKING:
    from pytui.core.cache import ArchiveCache
    from pytui.core.catalog import Catalog
    from pytui.core.tree_store import TreeInfo

PURGE_RULES = ("all", "superseded", "installed")


class PurgeEffect:
    """What removing some archives frees (`purge_effect`): the dry run, the real
    run and the TUI's previews all say these numbers. (A plain class: `typing` stays off an
    install's imports.)"""

    __slots__ = ("archives", "newer", "newer_trees", "orphan_trees", "orphans", "unreadable", "unreadable_trees")

    def __init__(self, archives: tuple[tuple[CachedArchive, int], ...], orphans: int = 0,
                 orphan_trees: int = 0, unreadable: int = 0, unreadable_trees: int = 0,
                 newer: int = 0, newer_trees: int = 0) -> None:
        # (archive, bytes its kept tree frees: the tree's files no install still shares; 0 if none)
        self.archives = archives
        # Bytes of kept trees whose archive is already gone (a purge removes them too), and how many.
        self.orphans = orphans
        self.orphan_trees = orphan_trees
        # The same of kept trees whose manifest is unreadable (they name no archive).
        self.unreadable = unreadable
        self.unreadable_trees = unreadable_trees
        # The same of newer pytuis' trees that go by themselves (`--all`, or named: one beside a
        # purged archive is counted with it, in `archives`).
        self.newer = newer
        self.newer_trees = newer_trees

    def __repr__(self) -> str:
        return (f"PurgeEffect({self.archives!r}, orphans={self.orphans}, orphan_trees={self.orphan_trees}, "
                f"unreadable={self.unreadable}, unreadable_trees={self.unreadable_trees}, "
                f"newer={self.newer}, newer_trees={self.newer_trees})")

    def loose(self) -> list[tuple[str, int, int]]:
        """(why, how many, bytes) of each kind of loose tree that goes (core/loose_trees.py)."""
        from pytui.core.cache_kinds import ARCHIVE_GONE, MANIFEST_UNREADABLE, NEWER_PYTUI

        return [(why, count, size) for why, count, size in (
            (ARCHIVE_GONE, self.orphan_trees, self.orphans),
            (MANIFEST_UNREADABLE, self.unreadable_trees, self.unreadable),
            (NEWER_PYTUI, self.newer_trees, self.newer)) if count]

    @property
    def trees(self) -> int:
        """How many kept trees go (a tree always holds some bytes of its own)."""
        return (sum(1 for _, tree in self.archives if tree) + self.orphan_trees + self.unreadable_trees
                + self.newer_trees)

    @property
    def total(self) -> int:
        return (sum(archive.size + tree for archive, tree in self.archives) + self.orphans + self.unreadable
                + self.newer)



def purge_plan(
    cache: ArchiveCache,
    catalog: Catalog | None,
    *,
    rule: str | None = None,
    keys: Iterable[str] = (),
    installed_keys: Iterable[str] = (),
    downloading: list[CachedArchive] | None = None,
) -> list[CachedArchive]:
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
    archives = cache.list(catalog)
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

def purge_effect(cache: ArchiveCache, archives: Iterable[CachedArchive], *, everything: bool = False,
                 named: Iterable[str] = ()) -> PurgeEffect:
    """What `remove_archives(cache, archives, everything=…, named=…)` would free, counted as it
    counts: each archive, the tree made from it (files no install shares: an install linked
    from it keeps those), the trees whose archive is already gone or whose manifest does not
    read, and a newer pytui's tree where it goes (core/cache.remove_trees_of). Removes nothing."""
    from pytui.core.cache import has_tree_of
    from pytui.core.cache_kinds import ARCHIVE_GONE, MANIFEST_UNREADABLE, NEWER_PYTUI
    from pytui.core.loose_trees import loose_trees
    from pytui.core.root_tree import footprint

    archives = list(archives)
    names = {archive.name for archive in archives}
    wanted = set(named)
    trees: dict[str, int] = {}
    with_archive: set[str] = set()  # the sha256s of the trees counted with their archive
    listed = cache.trees.list()
    for info in listed:
        if info.newer:
            # Named by its archive's sha256: it goes with that archive, counted with it.
            mine = next((a.name for a in archives if has_tree_of(a.name, a.build, {info.sha256})), None)
        else:
            mine = info.archive if info.archive in names else None
        if mine is not None:
            trees[mine] = trees.get(mine, 0) + footprint(info.path).freed
            with_archive.add(info.sha256)
    # By why: a tree whose manifest is unreadable names no archive, and was counted as one
    # whose archive is gone (its name, "", is no file).
    loose = {why: [0, 0] for why in (ARCHIVE_GONE, MANIFEST_UNREADABLE, NEWER_PYTUI)}
    for info, why in loose_trees(cache, listed):
        if info.sha256 in with_archive:
            # A newer pytui's tree beside its archive, counted with it above: `--all` listed
            # it twice and its dry run added its bytes twice.
            continue
        if why == NEWER_PYTUI and not (everything or info.sha256 in wanted):
            continue  # left for the pytui that kept it
        loose[why][0] += 1
        loose[why][1] += footprint(info.path).freed
    return PurgeEffect(tuple((a, trees.get(a.name, 0)) for a in archives), *reversed(loose[ARCHIVE_GONE]),
                       *reversed(loose[MANIFEST_UNREADABLE]), *reversed(loose[NEWER_PYTUI]))

def _inside(root: Path, path: Path) -> bool:
    """True for a file directly in the cache dir (the only place a purge deletes)."""
    try:
        return path.parent.resolve() == root.resolve() and path.name not in ("", ".", "..")
    except OSError:
        return False


def tree_not_removed_line(name: str, trees_dir: object, err: OSError) -> str:
    """The one line for a kept tree a purge could not remove (another user's: a `sudo` run's),
    the CLI's and the TUI's; `name` its archive (or sha256), as the caller shows names."""
    return (f"cannot remove the unpacked tree of {name} from {trees_dir}: {cause(err)}; "
            f"{fix_dir(err)} and purge again")


def remove_archives(cache: ArchiveCache, archives: Iterable[CachedArchive], *,
                    downloading: list[CachedArchive] | None = None,
                    gone: list[CachedArchive] | None = None,
                    trees_not_removed: list[tuple[TreeInfo, OSError]] | None = None,
                    everything: bool = False, named: Iterable[str] = ()) -> int:
    """Delete these archives (a partial's state file, and the tree made from each); return
    the bytes freed. The kept trees that go are `cache.remove_trees_of`'s (`everything` and
    `named` say which of a newer pytui's trees go too). A `.part` a download is writing now stays (appended to `downloading`);
    one another process removed since it was listed is appended to `gone`; a kept tree the
    disk does not let go, to `trees_not_removed` (with why; unsaid when not given).

    Stops at the first file the disk does not let go (read-only, permissions): CacheError
    naming it and how many went before it.
    """
    archives = [archive for archive in archives if _inside(cache.root, archive.path)]
    # Their trees first: a purge killed while it removes one (a whole unpacked build) leaves its
    # archive, so the same purge run again matches it and removes what is left of the tree
    # (`remove_leftovers`); killed after the archive, a rerun matched nothing and kept it.
    named = list(named)
    freed = cache.remove_trees_of(archives, trees_not_removed, everything=everything, named=named)
    removed = 0
    for archive in archives:
        with removal_hold(archive) as free:
            if not free:  # a download is writing it (it may have begun since the plan)
                if downloading is not None:
                    downloading.append(archive)
                continue
            try:
                size = archive.path.stat().st_size
                archive.path.unlink()
            except FileNotFoundError:
                if gone is not None:
                    gone.append(archive)
                continue
            except OSError as err:
                before = f" ({removed} removed before it)" if removed else ""
                raise CacheError(f"cannot remove {archive.name} from the cache dir {cache.root}: "
                                 f"{cause(err)}{before}; {fix_dir(err)} and purge again") from None
            freed += size
            removed += 1
            if archive.state == "partial":
                unlink_quiet(archive.path.with_name(archive.path.name + ".json"))
    if removed:
        # A tree an install in another process kept from one of them since the look above (it
        # looks for its archive once the tree is in place, and found it): whose archive is gone.
        # One the disk kept from the look above is said once.
        again: list[tuple[TreeInfo, OSError]] = []
        freed += cache.remove_trees_of((), None if trees_not_removed is None else again)
        if trees_not_removed is not None:
            said = {info.sha256 for info, _ in trees_not_removed}
            trees_not_removed.extend(kept for kept in again if kept[0].sha256 not in said)
    return freed


def removal_hold(archive: CachedArchive) -> contextlib.AbstractContextManager[bool]:
    """What removing `archive` holds meanwhile, entered as whether it may go: a `.part`'s
    download lock (False while a download writes it, core/cache_locks); nothing for an
    archive, which no download writes (True)."""
    if archive.state == "partial":
        return unless_downloading(archive.path)
    return contextlib.nullcontext(True)


# Who left each kind of leftover, as both purges say it.
_LEFT_BY_IMPORT = "an interrupted import"
_LEFT_BY_TREE = "an interrupted pytui, a tree half kept or half removed"
_LEFT_BY_DOWNLOAD = "an interrupted download, its resume state half written"
# (Public: `cache list` says these apart, as the next install of their archive removes them.)
LEFT_BY_LOCK = "a killed download or install, its lock: no process holds it and no .part is beside it"
# A download's lock beside its `.part` (core/cache_locks.exclusive).
_PART_LOCK = ".part.lock"
# Leftovers of killed runs a purge names, one line (or History entry) each, at most; the rest
# are counted in one (a cache dir holding thousands printed thousands of lines).
MAX_LEFTOVERS_NAMED = 20
# Entries walked at most to size the leftovers a preview counts (one archive's tree holds at
# most core/member_policy.MAX_MEMBERS): a hostile cache dir never makes a preview endless.
MAX_SIZED_ENTRIES = 1_000_000


class Leftovers:
    """What killed runs left in the cache dir that a removal now would remove (`find_leftovers`):
    (name under the cache dir, bytes removing it frees, left by what) for the first of them
    (`found`), how many in all (`count`) and the bytes all of them free (`size`); `capped` when
    sizing them reached MAX_SIZED_ENTRIES (the bytes are then a lower bound)."""

    __slots__ = ("capped", "count", "found", "size")

    def __init__(self, found: tuple[tuple[str, int, str], ...] = (), capped: bool = False, *,
                 count: int | None = None, size: int | None = None) -> None:
        self.found = found
        self.capped = capped
        self.count = len(found) if count is None else count
        self.size = sum(bytes_ for _, bytes_, _ in found) if size is None else size

    def __repr__(self) -> str:
        return f"Leftovers({self.found!r}, capped={self.capped}, count={self.count}, size={self.size})"


def _whose(archives: Iterable[CachedArchive] | None) -> Callable[[str | None], bool] | None:
    """Which tree leftovers go with `archives` (by the sha256 their names carry); None: all of them."""
    if archives is None:
        return None
    from pytui.core.cache import has_tree_of

    owners = [(archive.name.removesuffix(".part"), archive.build) for archive in archives]
    return lambda sha: sha is not None and any(has_tree_of(name, build, {sha}) for name, build in owners)


class _Tally:
    """Leftovers as they are found or removed: the first `named` kept by name (None: all),
    every one counted and sized."""

    def __init__(self, named: int | None) -> None:
        self.named = named
        self.found: list[tuple[str, int, str]] = []
        self.count = self.size = 0

    def seen(self, name: str, freed: int, left_by: str) -> None:
        self.count += 1
        self.size += freed
        if self.named is None or len(self.found) < self.named:
            self.found.append((name, freed, left_by))

    def leftovers(self, capped: bool = False) -> Leftovers:
        return Leftovers(tuple(self.found), capped, count=self.count, size=self.size)


def find_leftovers(cache: ArchiveCache, archives: Iterable[CachedArchive] | None = None, *,
                   limit: int = MAX_SIZED_ENTRIES, named: int | None = None) -> Leftovers:
    """What `remove_leftovers(cache, archives)` would remove now, found by the same rule (the
    lock each live run holds, tried without waiting and let go, so a live run's is not
    counted) and sized as it counts (files no install shares, a hard link once), walking at
    most `limit` entries in all. Removes nothing: the purge previews' count. Only the first
    `named` are kept (None: all); the rest are counted and sized, their names never held (a
    cache dir with a million of them is hostile, not a list to build)."""
    from pytui.core.root_tree import footprint

    tally = _Tally(named)
    capped = False
    archives = None if archives is None else list(archives)
    if archives is None:
        from pytui.core.cache_import import stale_imports

        for name, freed in stale_imports(cache.root):
            tally.seen(name, freed, _LEFT_BY_IMPORT)
        for name, freed in _killed_state_temps(cache.root, remove=False):
            tally.seen(name, freed, _LEFT_BY_DOWNLOAD)
    for name, freed in _orphan_part_locks(cache.root, remove=False, only=_locks_of(archives)):
        tally.seen(name, freed, LEFT_BY_LOCK)
    for name in unheld_leftovers(cache.trees.path, _whose(archives)):
        tree = footprint(cache.trees.path / name, limit=limit)
        limit -= tree.walked
        capped = capped or tree.capped
        tally.seen(f"trees/{name}", tree.freed, _LEFT_BY_TREE)
    return tally.leftovers(capped)


def remove_leftovers(cache: ArchiveCache, archives: Iterable[CachedArchive] | None = None, *,
                     named: int | None = None) -> Leftovers:
    """Remove what killed runs left in the cache dir: all of it (a purge of every archive, CLI
    and TUI alike), or what belongs to `archives` (their half-kept or half-removed trees; an
    import's copy belongs to no archive yet). One a live run still holds is left to it. As
    `find_leftovers` says them: the first `named` by name (None: all), all counted and sized
    (a purge of 100 000 of them held every name)."""
    tally = _Tally(named)
    archives = None if archives is None else list(archives)
    if archives is None:
        for name, size in cache.remove_stale_imports():
            tally.seen(name, size, _LEFT_BY_IMPORT)
        for name, size in _killed_state_temps(cache.root, remove=True):
            tally.seen(name, size, _LEFT_BY_DOWNLOAD)
    for name, size in _orphan_part_locks(cache.root, remove=True, only=_locks_of(archives)):
        tally.seen(name, size, LEFT_BY_LOCK)
    for name, size in clean_leftovers(cache.trees.path, _whose(archives)):
        tally.seen(f"trees/{name}", size, _LEFT_BY_TREE)
    return tally.leftovers()


def _killed_state_temps(root: Path, *, remove: bool) -> Iterator[tuple[str, int]]:
    """(name, size) of each resume-state temp a killed download left in the cache dir
    (core/download_body.killed_state_temp), removed first when `remove`."""
    from pytui.core.download_body import killed_state_temp

    try:
        with os.scandir(root) as scan:
            found = [entry.name for entry in scan if killed_state_temp(entry.name)]
    except OSError:
        return
    for name in found:
        try:
            info = os.lstat(root / name)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        if remove and unlink_quiet(root / name) is not None:
            continue
        yield name, info.st_size


def _locks_of(archives: list[CachedArchive] | None) -> frozenset[str] | None:
    """The `.part.lock` names of `archives` (None: every one): a purge of one archive removes
    the lock an install or download of it killed left, as it removes its tree's leftovers."""
    if archives is None:
        return None
    return frozenset(archive.name.removesuffix(".part") + _PART_LOCK for archive in archives)


def _orphan_part_locks(root: Path, *, remove: bool,
                       only: frozenset[str] | None = None) -> Iterator[tuple[str, int]]:
    """(name, size) of each `<archive>.part.lock` a killed download left with no `.part` beside
    it (killed before its first byte, or between the archive's rename and the lock's removal),
    or a killed install left while it unpacked the archive (core/job_archive.take_turn),
    which no process holds now; removed first when `remove`, under its own flock as a purge
    removes a `.part` (core/cache_locks.unless_downloading), so a download that opens it
    meanwhile takes a new one. Only names of uv's archive shape plus `.part.lock`: uv makes no
    such file (it locks only `<root>/.lock`; its download temp is `.tmpXXXXXX/download`), so
    nothing of uv's is ever taken. One beside a `.part` is that stopped download's: the purge
    of the `.part` removes it. `only`: these names alone (a purge of some archives)."""
    from pytui.core.cache_names import parse_cache_name

    try:
        with os.scandir(root) as scan:
            found = [entry.name for entry in scan if entry.name.endswith(_PART_LOCK)
                     and (only is None or entry.name in only)
                     and parse_cache_name(entry.name[: -len(".lock")]) is not None]
    except OSError:
        return
    for name in found:
        part = root / name[: -len(".lock")]
        try:
            info = os.lstat(root / name)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or os.path.lexists(part):
            continue
        if not remove:
            if not download_in_progress(part):
                yield name, info.st_size
            continue
        with unless_downloading(part) as unheld:
            # Held (a download took it since the look): left to it. Unheld, it goes as the
            # block ends; a `.part` begun meanwhile is a stopped download's, not said here.
            alone = unheld and not os.path.lexists(part)
        if alone and not os.path.lexists(root / name):
            yield name, info.st_size
