"""The Available pane: catalog builds with their state (installed, cached, in progress)."""

from __future__ import annotations

from typing import ClassVar

from pytui.widgets.format import human_size
from pytui.widgets.keyed_table import KEPT_ROWS, KeyedTable, Row
from pytui.widgets.rows import (
    BUSY_MARK,
    CACHED,
    DAMAGED_MARK,
    FAILED,
    INSTALLED,
    NEWER_BUILD,
    NO_PERCENT,
    NOTHING,
    PARTIAL,
    AvailableRow,
)
from pytui.widgets.state_styles import BAD, NOTE, OK, STATE_STYLES, WAIT
from pytui.widgets.support_cell import SUPPORT_STYLES, support_cell
from rich.text import Text

__all__ = ["AvailableRow", "AvailableTable", "state_text"]


def state_text(row: AvailableRow) -> Text:
    return Text.from_markup(_state_markup(row))


# Markup strings, not Text: with all 5530 builds shown, building and measuring a Text per
# cell was most of a filter keystroke's time (the State and Size columns have fixed widths,
# so the markup never enters a width measurement).
_INSTALLED_AND_CACHED = f"[bold {OK}]{INSTALLED}{CACHED}[/]"
_INSTALLED = f"[bold {OK}]{INSTALLED}[/]"
# An older build of this row's patch is installed: the arrow says this build is newer.
_OLDER_INSTALLED = f"[bold {OK}]{INSTALLED}[/][bold {WAIT}]{NEWER_BUILD}[/]"
# The install lacks a file uv's query needs (Installed says `damaged`).
_DAMAGED = f"[bold {OK}]{INSTALLED}[/][bold {BAD}]{DAMAGED_MARK}[/]"
_CACHED = f"[bold {NOTE}]{CACHED}[/]"
_FAILED = f"[bold {BAD}]{FAILED}[/]"
_NOTHING = f"[dim]{NOTHING}[/]"
# A job on it that waits (for the install root's lock): Installed's mark, not `0%`.
_WAITING = f"[bold {WAIT}]{BUSY_MARK}[/]"


def _state_markup(row: AvailableRow) -> str:
    if row.progress == NO_PERCENT:
        return _WAITING
    if row.progress is not None:
        return f"[bold {WAIT}]{row.progress:>3d}%[/]"
    if row.installed and row.damaged:
        return _DAMAGED + (_CACHED if row.cached else "")
    if row.installed and row.newer_build:
        return _OLDER_INSTALLED + (f"[bold {NOTE}]{CACHED}[/]" if row.cached else "")
    if row.installed and row.cached:
        return _INSTALLED_AND_CACHED
    if row.installed:
        return _INSTALLED
    if row.cached:
        return _CACHED
    if row.failed:
        return _FAILED
    if row.partial:
        done = f"{row.partial_percent:>2d}%" if row.partial_percent is not None else ""
        return f"[{WAIT}]{PARTIAL}{' ' + done if done else ''}[/]"
    return _NOTHING


class AvailableTable(KeyedTable):
    """Keyed by build key; `show(rows)` updates the rows in place."""

    COLUMNS = (
        ("State", "state", 5),
        ("Key", "key", None),
        ("Version", "version", None),
        ("Support", "support", None),
        ("Variant", "variant", None),
        ("Build", "build", 8),
        ("Size", "size", 10),
    )
    # Narrow: the variant gives way first, whole (the key says it too: `+freethreaded`,
    # `+debug` come right after the version), then the support status down to its year
    # (`security → 2028`, `pre-release → 2025`; Details has it whole), then the key down to
    # its version, never below (its platform part is the subtitle's, the same on every row:
    # the year says more; a minimum of 20 cells kept `cpython-3.14.0rc2-linux…`), then the
    # support status down to its phase (`security…`), so the build and size stay whole; cut cells end in "…", and
    # cells a column gave up whole go back to the key. Narrower still (40 columns), Version
    # gives way whole (the key says it) and the columns past the edge go; where the key
    # cannot keep its version (20 columns), Version is shown instead, before Build (cut at
    # the edge, `3.14.0r…`, if need be).
    FLEX = (("variant", 0), ("support", 15), ("key", 1), ("support", 9))
    IDENTITY = "key"
    STAND_IN = "version"
    WHOLE = frozenset({"variant"})
    SHORT_FORMS = frozenset({"support"})
    # Cut alike in every row: the year or every phase (`bugfix…` beside `security…`).
    UNIFORM = frozenset({"support"})
    CLASSED_STYLES = SUPPORT_STYLES | STATE_STYLES
    COMPONENT_CLASSES: ClassVar[set[str]] = set(SUPPORT_STYLES | STATE_STYLES)
    # Whether any row shown has a size: uv's catalog gives none, so until something is cached
    # or downloading every Size cell is blank, and a blank column gives way first (at 80
    # columns its ten cells cut every key, `cpython-3.15.1-linux-x86_…`).
    _sized = True

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        # The cells made for each row object (the view model hands the same row objects
        # back while nothing about a build changed): a filter keystroke makes no cells.
        self._made: dict[int, tuple[AvailableRow, Row]] = {}

    def show(self, rows: list[AvailableRow]) -> None:
        made = self._made
        if len(made) > 2 * len(rows) + KEPT_ROWS:  # rows of earlier states are not kept forever
            made.clear()
        pairs = []
        for row in rows:
            entry = made.get(id(row))
            if entry is None or entry[0] is not row:  # the entry holds the row: ids stay unique
                entry = made[id(row)] = (row, _cells(row))
            pairs.append(entry[1])
        was_sized, self._sized = self._sized, any(row.size for row in rows)
        self.sync(pairs)
        if self._sized != was_sized:
            self._fit_to_width()

    def show_one(self, row: AvailableRow) -> bool:
        """Update one build's row in place (a job moved); False if it is not listed."""
        key, cells = _cells(row)
        listed = self.sync_one(key, cells)
        if listed and row.size and not self._sized:
            self._sized = True  # a download's size became known: the column comes back
            self._fit_to_width()
        return listed

    def flex_steps(self, last_resort: bool) -> tuple[tuple[str, int], ...]:
        del last_resort  # the same steps in both passes
        return self.FLEX if self._sized else (("size", 0), *self.FLEX)


def _cells(row: AvailableRow) -> Row:
    build = row.build
    size = human_size(row.size) if row.size else ""
    if row.unavailable:
        # Dimmed rows (offline, not cached) need Text; builds and keys hold no markup.
        return build.key, (
            _state_markup(row),
            Text(build.key, style="dim"),
            Text(build.version, style="dim"),
            support_cell(row.support, style="dim"),
            Text(build.variant, style="dim"),
            Text(build.build or "—", style="dim"),
            Text(size, style="dim", justify="right"),
        )
    return build.key, (_state_markup(row), build.key, build.version, support_cell(row.support),
                       build.variant, build.build or "—", f"{size:>10}")
