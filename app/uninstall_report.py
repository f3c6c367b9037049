"""The words for what an uninstall frees and what becomes of its bin links, for `pytui
uninstall` (and `--outdated`, `--dry-run`) and the TUI's questions: one owner for them.

An install linked from a tree kept in the cache shares most of its files with that tree
(hard links): uninstalling it frees only the files no other link holds; the rest stays until
the archive (and so its tree) is purged. The numbers come from core/root_tree.footprint.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pytui.core.units import format_bytes

if TYPE_CHECKING:
    from pytui.core.install_root import InstallRoot, Uninstalled
    from pytui.core.models import Installation
    from pytui.core.root_tree import Footprint


def stays_text(shared: int, trees: int = 1) -> str:
    """`45.0 MiB stay in the cache's kept tree`: the bytes an uninstall leaves on disk."""
    where = "the cache's kept tree" if trees == 1 else "the cache's kept trees"
    return f"{format_bytes(shared)} stay in {where}"


def freed_text(freed: int, shared: int, *, would: bool = False, trees: int = 1) -> str:
    """`1.2 MiB freed; 45.0 MiB stay in the cache's kept tree` (`would be freed` for a plan)."""
    text = f"{format_bytes(freed)} {'would be freed' if would else 'freed'}"
    return f"{text}; {stays_text(shared, trees)}" if shared else text


def question_text(freed: int | None, shared: int | None, *, archived: bool = True) -> str:
    """The TUI's line in the uninstall question. With no archive of it cached (`archived`
    False) the tree is a row of its own in Cached: the words sent the user to purge an
    archive that was gone."""
    if freed is None:
        return "Frees its size on disk."
    if shared:
        how = "purging its archive" if archived else "purging that tree, its own row in Cached,"
        return f"Frees {format_bytes(freed)}; {stays_text(shared)} ({how} frees them)."
    return f"Frees {format_bytes(freed)}."


def links_text(result: Uninstalled) -> str:
    """` (python3.11)` for bin links removed, ` (python3.11 now runs cpython-3.11.6-…)` for
    those re-pointed to the remaining patch of the minor version (uv names removed ones so)."""
    names = [link.name for link in result.removed_links]
    names += [f"{link.name} now runs {key}" for link, key in result.moved_links]
    return f" ({', '.join(names)})" if names else ""


def print_plan(root: InstallRoot, chosen: Sequence[Installation]) -> None:
    """`--dry-run`: what would go and the space it would free."""
    sizes: list[Footprint] = [root.footprint(i) for i in chosen]
    freed = sum(s.freed for s in sizes)
    shared = sum(s.shared for s in sizes)
    noun = "1 version" if len(chosen) == 1 else f"{len(chosen)} versions"
    trees = sum(1 for s in sizes if s.shared)
    print(f"Would uninstall {noun} ({freed_text(freed, shared, would=True, trees=trees)})",
          file=sys.stderr)
    for installation, size in zip(chosen, sizes, strict=True):
        print(f" - {installation.key} ({_one(size.freed, size.shared)})", file=sys.stderr)


def _one(freed: int, shared: int) -> str:
    return f"{format_bytes(freed)}; {format_bytes(shared)} stay in the kept tree" if shared \
        else format_bytes(freed)


def summary_text(results: Sequence[Uninstalled]) -> str:
    """`1.2 MiB freed; 45.0 MiB stay in the cache's kept tree` for a whole run."""
    trees = sum(1 for r in results if r.shared)
    return freed_text(sum(r.freed for r in results), sum(r.shared for r in results), trees=trees)
