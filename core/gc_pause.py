"""Pausing Python's cyclic garbage collector around work that allocates many objects and makes
no reference cycles (parsing a catalog, scanning environments, listing): reference counting
still frees everything, and the collector's passes over objects that cannot be garbage go."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off for the block, and on again after it only if it was on before
    (so a pause inside another pause, or a process that turned it off for good, stays off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
