"""Names in a directory, a batch at a time, for a clean-up that removes them as it goes.

A purge of a hostile cache dir (100 000 leftovers of killed runs) held every name it listed,
and every name it removed. Listed a batch at a time, each batch handled before the next
listing, it holds one batch (the directory is not changed while it is listed).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

# Names listed at once; and how many that stay (held by a live run, or not let go) are
# remembered so as not to be listed again: past that, the rest wait for the next clean-up.
BATCH = 4096


def names_in_batches(directory: Path, wanted: Callable[[os.DirEntry[str]], bool]) -> Iterator[str]:
    """Each name in `directory` that `wanted` picks, once; the caller removes it (or leaves it)
    before asking for the next. Nothing when the directory cannot be listed."""
    stayed: set[str] = set()
    while True:
        names: list[str] = []
        try:
            with os.scandir(directory) as listing:
                for entry in listing:
                    if entry.name not in stayed and wanted(entry):
                        names.append(entry.name)
                        if len(names) >= BATCH:
                            break
        except OSError:
            return
        yield from names
        if len(names) < BATCH:
            return  # the listing was whole: each name in it was handled
        stayed.update(name for name in names if os.path.lexists(directory / name))
        if len(stayed) >= BATCH:
            return
