"""What the `pytui cache` actions (app/cmd_cache.py, cmd_cache_purge.py, cmd_cache_transfer.py)
share: the cache and catalog of a command line, sizes, names as printed (escaped), the error
stream, a one-line progress display, and the lines for what killed runs left."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytui.core.cache import ArchiveCache
    from pytui.core.cache_purge import Leftovers
    from pytui.core.catalog import Catalog
    from pytui.core.models import CachedArchive
    from pytui.core.progress import Progress


def cache_of(args: argparse.Namespace) -> ArchiveCache:
    from pytui.core.cache import ArchiveCache

    return ArchiveCache(args.settings.cache_dir, args.settings.env)


def catalog_of(args: argparse.Namespace) -> Catalog:
    from pytui.core.sources import load_catalog

    return load_catalog(args.settings)


def size_text(n: int | None) -> str:
    from pytui.core.units import format_bytes

    return format_bytes(n)


def say_error(text: str) -> None:
    print(text, file=sys.stderr)


def shown(name: object) -> str:
    """A cache file name or path as printed: anyone can drop a file into the cache dir, and its
    name must not steer the terminal (ESC sequences), forge a row (a newline) or crash a
    strict UTF-8 stdout (a byte that is not UTF-8): app/safe_text.py escapes them."""
    from pytui.app.safe_text import shown as escaped

    return escaped(name)


class ProgressLine:
    """A one-line progress display on a terminal's stderr; silent otherwise."""

    def __init__(self, label: str) -> None:
        # Escaped here, for every caller: a label names files others named (`cache import
        # ~/Downloads/*`), and this line goes to a terminal.
        self.label = shown(label)
        self.enabled = sys.stderr.isatty()
        self.shown = False

    def __call__(self, progress: Progress) -> None:
        if not self.enabled:
            return
        total = f" / {size_text(progress.total)}" if progress.total else ""
        sys.stderr.write(f"\r{self.label} {size_text(progress.done)}{total}\x1b[K")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False


def describe(archive: CachedArchive) -> str:
    from pytui.core.cache import archive_key

    return shown(archive_key(archive) or "unknown build")


def said_leftovers(leftovers: Leftovers, verb: str) -> int:
    """One line for each of the leftovers of killed runs named (core/cache_purge.py
    MAX_LEFTOVERS_NAMED), one line for the rest; how many in all."""
    named = leftovers.found  # (the purge asks for MAX_LEFTOVERS_NAMED of them by name)
    for name, size, left_by in named:
        print(f"{verb} {shown(name)} (left by {left_by}, {size_text(size)})")
    if (rest := leftovers.count - len(named)) > 0:
        rest_size = leftovers.size - sum(size for _, size, _ in named)
        print(f"{verb} {rest} more leftover{'s' if rest != 1 else ''} of killed runs ({size_text(rest_size)})")
    return leftovers.count
