"""The support status of each minor version as the TUI shows it (no Textual): the cell of a
row in Available and Installed, the Details line, and the day they are computed for.

The day comes from the state's clock (so tests and snapshots pin it); the dates are
core/support.py's (embedded, or the copy a refresh kept in the state dir), read once per
state dir and day.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from pytui.core.support import Support, SupportTable
from pytui.widgets.rows import SupportView

__all__ = ["SupportMemo", "SupportView", "today"]


def today(clock_seconds: float) -> _dt.date:
    """The local date of a clock reading (the day a phase is derived for)."""
    return _dt.date.fromtimestamp(clock_seconds)


def view_of(status: Support | None) -> SupportView | None:
    if status is None:
        return None
    date = status.until if status.until is not None else status.cycle.end_of_life[:7]
    return SupportView(phase=status.phase, text=status.text(), date=date)


class SupportMemo:
    """The support table of one state dir and day, and each minor version's cell, made once."""

    def __init__(self) -> None:
        self._inputs: tuple[Path | None, _dt.date] | None = None
        self._table: SupportTable | None = None
        self._views: dict[tuple[str, int, int], SupportView | None] = {}

    def table(self, state_dir: Path | None, day: _dt.date) -> SupportTable:
        if self._table is None or self._inputs != (state_dir, day):
            self._table = SupportTable.load(state_dir, day)
            self._inputs = (state_dir, day)
            self._views = {}
        return self._table

    def view(self, state_dir: Path | None, day: _dt.date, item) -> SupportView | None:
        """The cell of a build or install (None: not CPython, or a version the dates lack)."""
        table = self.table(state_dir, day)
        group = (getattr(item, "implementation", "cpython"), item.major, item.minor)
        if group not in self._views:
            self._views[group] = view_of(table.for_item(item))
        return self._views[group]

    def status(self, state_dir: Path | None, day: _dt.date, item) -> Support | None:
        return self.table(state_dir, day).for_item(item)
