"""The TUI's one line for a cache verification (`v`): what was checked and, as a warning, what
was found: corrupt archives and changed kept trees, each said removed only when it was (a
read-only cache dir keeps them: the line says why and what to do). No Textual here."""

from __future__ import annotations

from pytui.core.cache_verify import VerifyReport, redownload_note
from pytui.widgets.format import human_size

SHOWN_NAMES = 3


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def verify_summary(report: VerifyReport) -> tuple[str, bool]:
    """(the line, whether it is a warning)."""
    archives_ok = f"{_plural(len(report.ok), 'archive')} ok"
    if report.trees_ok:  # checked too, as `pytui cache verify` says (`2 unpacked trees ok`)
        archives_ok += f", {_plural(len(report.trees_ok), 'unpacked tree')} ok"
    # What killed runs left, removed: said, but no warning; with what it freed, as `pytui
    # cache verify` says it (the line read `(63.7 KiB)` beside an unreadable tree's `(60.4 KiB freed)`).
    cleared = report.cleared(lambda size: f"{human_size(size)} freed")
    if not report.corrupt and not report.trees_removed:
        return "; ".join([f"Cache verified: {archives_ok}", *report.not_checked(), *cleared]), False
    parts = [archives_ok, *report.not_checked(), *cleared]
    removed = [archive for archive, _ in report.corrupt if archive.name not in report.not_removed]
    kept = [archive for archive, _ in report.corrupt if archive.name in report.not_removed]
    if removed:
        names = ", ".join(archive.name for archive in removed[:SHOWN_NAMES])
        more = f" and {len(removed) - SHOWN_NAMES} more" if len(removed) > SHOWN_NAMES else ""
        freed = human_size(sum(archive.size for archive in removed) + report.tree_bytes_freed)
        parts.append(f"{len(removed)} corrupt removed{report.with_trees()} ({freed}): {names}{more}; "
                     f"{redownload_note(removed)}")
    if kept:
        names = ", ".join(archive.name for archive in kept[:SHOWN_NAMES])
        more = f" and {len(kept) - SHOWN_NAMES} more" if len(kept) > SHOWN_NAMES else ""
        parts.append(f"{len(kept)} corrupt not removed ({report.not_removed[kept[0].name]}): {names}{more}")
    trees_kept, unreadable_kept = report.kept_trees()
    trees_removed = report.changed_removed()
    if trees_removed:
        parts.append(f"{_plural(trees_removed, 'changed unpacked tree')} removed (the next install "
                     "extracts its archive again)")
    if unreadable := report.unreadable_removed(human_size):
        # One parenthesis, not `(60.4 KiB freed) (the next install …)`.
        parts.append(f"{unreadable.removesuffix(')')}; the next install extracts its archive again)")
    if trees_kept:
        parts.append(f"{_plural(len(trees_kept), 'changed unpacked tree')} not removed "
                     f"({report.trees_not_removed[trees_kept[0].sha256]})")
    if unreadable_kept:
        parts.append(f"{report.unreadable_kept()} ({report.trees_not_removed[unreadable_kept[0].sha256]})")
    return "; ".join(parts), True
