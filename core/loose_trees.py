"""Kept trees that no archive in the cache dir uses, "loose" trees: one whose archive is gone
(deleted by hand, by uv's `cache clean` on a shared cache, left by a killed run), one whose
manifest does not read (it names no archive, and no install trusts it) and one a newer pytui
kept (its manifest's format is newer than this pytui reads). None is ever installed from;
`cache verify` and every purge remove the first two (but a `cache purge` whose requests name
nothing in the cache: it removes nothing); a newer pytui's goes only with its archive, with
everything (`cache purge --all`, Purge by rule's `all`) or when named (`p` on its row). Found and sized here once, for
`cache list`, `cache purge`, `cache verify`, the Cached pane and Purge by rule; each kind is
worded by core/cache_kinds.loose_trees_counted.
"""

from __future__ import annotations

import os
from pathlib import Path

from pytui.core.cache_kinds import ARCHIVE_GONE, MANIFEST_UNREADABLE, NEWER_PYTUI
from pytui.core.keys import TYPE_CHECKING
from pytui.core.record import FrozenRecord

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pytui.core.cache import ArchiveCache
    from pytui.core.models import CachedArchive
    from pytui.core.tree_types import TreeInfo


def loose_trees(cache: ArchiveCache, trees: list[TreeInfo] | None = None) -> list[tuple[TreeInfo, str]]:
    """Each kept tree no archive uses, with why: ARCHIVE_GONE, MANIFEST_UNREADABLE or
    NEWER_PYTUI (of `trees`, as `cache.trees.list()` gave them, or listed now)."""
    found = []
    for info in cache.trees.list() if trees is None else trees:
        if info.newer:
            found.append((info, NEWER_PYTUI))
        elif not info.archive:
            found.append((info, MANIFEST_UNREADABLE))
        elif cache.archive_gone(info):
            found.append((info, ARCHIVE_GONE))
    return found


# Loose trees sized one by one, a walk of the cache dir each (its kept trees counted from
# their manifests, a tree without one walked): `cache list` gives each its share of the total.
# Past it, the rest of a kind are sized together (one walk), and each of them by itself
# (`footprint`: its own `du`), so a hostile `trees/` of thousands never makes it quadratic.
MAX_TREES_SIZED_APART = 64


def tree_shares(cache: ArchiveCache, loose: list[tuple[TreeInfo, str]],
                apart: int = MAX_TREES_SIZED_APART) -> tuple[int, dict[str, int], list[tuple[TreeInfo, str, int]]]:
    """The cache's total (`disk_usage`: a hard-linked file once), what the loose trees of each
    kind hold of it, and each loose tree (archive gone first, then manifest unreadable, newer pytui's) with
    why and what it holds: the total less a walk without it and the trees before it, so the
    shares and the rest add up to the total (a file a loose tree shares with an archive's tree
    is the archive's; one two loose trees share, the later one's). `cache list` says the kinds'
    shares, and `--json` each tree's. With `apart` 0, by kind alone: `each` is empty."""
    from pytui.core.root_tree import footprint

    total = before = cache.disk_usage()
    shares: dict[str, int] = {}
    each: list[tuple[TreeInfo, str, int]] = []
    left_out: list[TreeInfo] = []
    for why in (ARCHIVE_GONE, MANIFEST_UNREADABLE, NEWER_PYTUI):
        these = [info for info, reason in loose if reason == why]
        one_by_one, together = these[:max(0, apart - len(left_out))], these[max(0, apart - len(left_out)):]
        for info in one_by_one:
            left_out.append(info)
            after = cache.disk_usage(without=[tree.path for tree in left_out])
            each.append((info, why, max(0, before - after)))
            shares[why] = shares.get(why, 0) + max(0, before - after)
            before = after
        if together:
            left_out += together
            after = cache.disk_usage(without=[tree.path for tree in left_out])
            shares[why] = shares.get(why, 0) + max(0, before - after)
            before = after
            if apart:
                each += [(info, why, footprint(info.path).total) for info in together]
    return total, shares, each


def usage_apart(cache: ArchiveCache, loose: list[tuple[TreeInfo, str]]) -> tuple[int, dict[str, int]]:
    """`tree_shares`' total and the shares of each kind (`cache list`'s text: a walk a kind)."""
    total, shares, _each = tree_shares(cache, loose, apart=0)
    return total, shares


# Entries walked at most to size all the loose trees for the Cached pane, shared between them
# (as core/cache_purge.MAX_SIZED_ENTRIES bounds a preview): a hostile `trees/` never makes the
# measure endless; past it the sizes count only what was walked.
MAX_MEASURED_ENTRIES = 1_000_000


class LooseTree(FrozenRecord):
    """A kept tree no archive uses, as the Cached pane shows it: its sha256, the build key and
    archive its manifest names ("" when it does not read), why it is loose (ARCHIVE_GONE or
    MANIFEST_UNREADABLE), its path, what it occupies (`size`, as `du`) and what removing it
    frees (`freed`: files an install shares with it stay)."""

    __slots__ = ("sha256", "key", "archive", "why", "path", "size", "freed")
    sha256: str
    key: str
    archive: str
    why: str
    path: Path
    size: int
    freed: int

    def __init__(self, sha256: str, key: str, archive: str, why: str, path: Path, size: int,
                 freed: int) -> None:
        _set = object.__setattr__
        _set(self, "sha256", sha256)
        _set(self, "key", key)
        _set(self, "archive", archive)
        _set(self, "why", why)
        _set(self, "path", path)
        _set(self, "size", size)
        _set(self, "freed", freed)


def unusable_tree_why(archive: CachedArchive, loose: Iterable[LooseTree]) -> str:
    """Why the tree the listing saw beside `archive` is not this pytui's to use, its manifest
    unreadable or a newer pytui's (MANIFEST_UNREADABLE, NEWER_PYTUI), else "": it has a row of
    its own, so the archive's is no `ok +tree` and the Cached subtitle counts it as no kept
    tree (`pytui cache list` gives it no `+ tree`)."""
    unreadable = {tree.sha256: tree.why for tree in loose if tree.why != ARCHIVE_GONE}
    if not unreadable:
        return ""
    from pytui.core.cache import has_tree_of

    return next((why for sha256, why in unreadable.items()
                 if has_tree_of(archive.name, archive.build, {sha256})), "")


def archive_of_tree(tree: LooseTree, archives: Iterable[CachedArchive]) -> CachedArchive | None:
    """The complete cached archive `tree` was unpacked from, if it is there (a tree whose
    manifest is unreadable, or a newer pytui's, beside its archive): what ties the tree's row
    to the archive's, whose key the manifest cannot say."""
    if tree.why == ARCHIVE_GONE:
        return None
    from pytui.core.cache import has_tree_of

    return next((archive for archive in archives if archive.state != "partial"
                 and has_tree_of(archive.name, archive.build, {tree.sha256})), None)


# Each kept tree as its manifest said it, by the manifest's path (core/tree_sizes.read_once):
# the TUI looks for loose trees at every measure of the cache, and reading every manifest whole
# each time took 7-14 ms a tree of 2,600 files, where the measure itself takes ~1 ms.
_INFOS: dict[str, tuple[tuple[int, ...], TreeInfo]] = {}


def _kept_trees(cache: ArchiveCache) -> list[TreeInfo]:
    """`cache.trees.list()`, each manifest read once per version of the file in this process."""
    from functools import partial

    from pytui.core.tree_sizes import read_once
    from pytui.core.tree_store import MANIFEST_NAME

    store = cache.trees
    found = []
    for name in store.names():
        try:
            found.append(read_once(_INFOS, os.path.join(store.path, name, MANIFEST_NAME),
                                   partial(store.info, name)))
        except OSError:  # no manifest to stat: read as `list` reads it
            found.append(store.info(name))
    return found


def measured_loose_trees(cache: ArchiveCache, limit: int = MAX_MEASURED_ENTRIES) -> tuple[LooseTree, ...]:
    """The loose trees with their sizes (walking at most `limit` entries in all)."""
    from pytui.core.root_tree import footprint

    found = []
    for info, why in loose_trees(cache, _kept_trees(cache)):
        measured = footprint(info.path, limit=max(limit, 1))
        limit -= measured.walked
        found.append(LooseTree(info.sha256, info.key, info.archive, why, info.path, measured.total,
                               measured.freed))
    return tuple(found)
