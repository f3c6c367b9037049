"""How the cache's files are counted, by kind: the one rule `pytui cache list`'s last line and
the Cached pane's subtitle share, so both call a file by the same word. Imports no cache code (the
TUI's subtitles use it before any cache code is loaded)."""

from __future__ import annotations

from collections.abc import Iterable

from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    from pytui.core.models import CachedArchive

# What a cache file is called when counted: `unknown` (a name that says no build) and
# `partial` (a `.part`) are no archives, in `pytui cache list`'s last line and in the Cached
# pane's subtitle alike (the pane once counted `unknown` files as archives where the list
# said `files`).
COUNTED_KINDS = ("archive", "unknown", "partial")


def kind_of(state: str) -> str:
    """Which of COUNTED_KINDS a cache file of this state counts as (`corrupt` is an archive)."""
    return state if state in ("unknown", "partial") else "archive"


def orphan_trees_counted(count: int, *, removed: bool = False) -> str:
    """`2 unpacked trees whose archive is gone` (`was gone`, said of trees a run removes): the
    kept trees never used again, as `cache list`, `cache purge`, `cache verify` and the TUI's
    Purge by rule and `v` all count them."""
    return f"{count} unpacked tree{'s' if count != 1 else ''} whose archive {'was' if removed else 'is'} gone"


# Why a kept tree is loose, no archive using it (core/loose_trees.py): the Cached pane's State
# for its row, and the tail of its count (`loose_trees_counted`).
ARCHIVE_GONE = "archive gone"
MANIFEST_UNREADABLE = "manifest unreadable"
# A tree a newer pytui kept (its manifest's format is newer than this pytui reads): not used
# here, and left for that pytui (only its archive's purge, `--all` or naming it removes it).
NEWER_PYTUI = "newer pytui's"


def loose_trees_counted(count: int, why: str, *, removed: bool = False) -> str:
    """`orphan_trees_counted` for ARCHIVE_GONE; `1 unpacked tree whose manifest is unreadable`
    (`was`, said of trees a run removes) for MANIFEST_UNREADABLE: a tree `cache verify` finds
    it cannot read, which names no archive and is not one whose archive is gone; `1 unpacked
    tree kept by a newer pytui` for NEWER_PYTUI."""
    if why == ARCHIVE_GONE:
        return orphan_trees_counted(count, removed=removed)
    if why == NEWER_PYTUI:
        return f"{count} unpacked tree{'s' if count != 1 else ''} kept by a newer pytui"
    return f"{count} unpacked tree{'s' if count != 1 else ''} whose manifest {'was' if removed else 'is'} unreadable"


def counted(count: int, kind: str) -> str:
    """`2 archives`, `3 unknown`, `1 partial`: a count of one kind, as every view writes it."""
    return f"{count} {kind}{'s' if kind == 'archive' and count != 1 else ''}"


def kind_counts(archives: Iterable[CachedArchive]) -> dict[str, int]:
    """How many cache files of each of COUNTED_KINDS (each kind present, zero or not)."""
    counts = dict.fromkeys(COUNTED_KINDS, 0)
    for archive in archives:
        counts[kind_of(archive.state)] += 1
    return counts
