"""What killed `TreeStore.keep` and `discard` runs (core/tree_store.py) left in `trees/`: a
half-made `.tmp-<sha256>-…` tree, a half-removed `.old-<sha256>-…` one (SIGTERM, SIGHUP and
kill -9 run no clean-up). Each run holds a lock on its own directory while it lives
(core/dir_hold.py), so a live run's is never taken for a leftover; the sha256 in the name says
whose tree it was, so a purge of one archive removes that archive's.

Apart from core/tree_store.py because an install from a kept tree never needs it: it is
imported by a keep (which removes some first), a purge, a verify and the cache's listing.
"""

from __future__ import annotations

import os
from itertools import islice
from pathlib import Path

from pytui.core.dir_hold import hold_dir
from pytui.core.keys import TYPE_CHECKING
from pytui.core.root_tree import remove_tree
from pytui.core.tree_store import DISCARDING, KEEPING, is_sha256, unshared_size

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

def is_tree_name(name: str) -> bool:
    """Whether `name` in `trees/` is a tree's: kept (its sha256), or being made or removed (or
    left half made or half removed by a killed run): what it occupies, its directories too."""
    return is_sha256(name) or name.startswith((KEEPING, DISCARDING))


def leftover_sha(name: str) -> str | None:
    """The sha256 a `.tmp-…` or `.old-…` name carries (`keep` and `discard` put it first), or
    None (a name made before `keep` named it)."""
    sha = name[len(KEEPING):].split("-", 1)[0]  # both prefixes are 5 characters
    return sha if is_sha256(sha) else None


def _is_leftover(entry: os.DirEntry[str], belongs: Callable[[str | None], bool] | None = None) -> bool:
    """A `.tmp-…` or `.old-…` directory (the listing's own file type, no stat: a file or link
    by such a name is no tree a run left) of a tree `belongs` picks (None: any)."""
    if not entry.name.startswith((KEEPING, DISCARDING)):
        return False
    try:
        if not entry.is_dir(follow_symlinks=False):
            return False
    except OSError:
        return False
    return belongs is None or belongs(leftover_sha(entry.name))


def unheld_leftovers(trees: Path, belongs: Callable[[str | None], bool] | None = None) -> Iterator[str]:
    """(`belongs` picks leftovers by the sha256 their name carries, None for a name that carries
    none.) The leftovers `clean_leftovers(trees, belongs)` would remove now, one by one as the
    directory is listed (a preview counts a million of them without holding their names):
    those no live run holds (the same lock, tried without waiting and let go)."""
    try:
        with os.scandir(trees) as scan:
            for entry in scan:
                if not _is_leftover(entry, belongs):
                    continue
                held = hold_dir(trees / entry.name)
                if held >= 0:
                    os.close(held)
                    yield entry.name
    except OSError:
        return


def leftover_shas(trees: Path) -> set[str]:
    """The sha256 the leftovers' names carry, by name only (a live run's among them): one
    listing, for the Cached pane's listing to say which archives have some."""
    try:
        with os.scandir(trees) as scan:
            names = [entry.name for entry in scan if _is_leftover(entry)]
    except OSError:
        return set()
    return {sha for name in names if (sha := leftover_sha(name)) is not None}


def clean_leftovers(trees: Path, belongs: Callable[[str | None], bool] | None = None,
                    limit: int | None = None) -> Iterator[tuple[str, int]]:
    """Remove the leftovers of the trees `belongs` picks (all, if None); one a live run holds
    is left alone, and `limit` bounds how many are looked at. Yields (name, bytes freed) for
    each removed, as it goes, holding one batch of names at a time (core/batched_listing.py)."""
    from pytui.core.batched_listing import names_in_batches

    def wanted(entry: os.DirEntry[str]) -> bool:
        return _is_leftover(entry, belongs)

    for name in islice(names_in_batches(trees, wanted), limit):
        path = trees / name
        held = hold_dir(path)
        if held < 0:
            continue  # a live run's, or no longer there
        try:
            freed = unshared_size(path)
            remove_tree(path)
        finally:
            os.close(held)
        if not os.path.lexists(path):
            yield name, freed
