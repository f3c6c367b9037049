"""Sorting a pane by one of its columns (no Textual): `s` picks the next column, `S` reverses,
a header click sorts by that column. Versions sort as numbers (3.9 before 3.10, 3.13.0rc1
before 3.13.0), sizes as bytes, build dates as numbers, support status most urgent first
(end of life, security, bugfix, pre-release, each by its date); a row with no value (a size still
being measured) stays last in either direction; rows that tie keep the pane's own order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pytui.core.keys import is_digits, parse_key
from pytui.core.ordering import version_rank
from pytui.core.record import FrozenRecord
from pytui.widgets.rows import AvailableRow, CacheRow, InstalledRow, SupportView

Row = TypeVar("Row", AvailableRow, CacheRow, InstalledRow)
# A row's value in a column, comparable within that column; None: no value (sorted last).
Value = Callable[[Any], object]


class SortOrder(FrozenRecord):
    """How one pane is sorted: `column` "" is the pane's own order (uv's, newest first)."""

    __slots__ = ("column", "reverse")
    column: str
    reverse: bool

    def __init__(self, column: str = "", reverse: bool = False) -> None:
        _set = object.__setattr__
        _set(self, "column", column)
        _set(self, "reverse", reverse)


UNSORTED = SortOrder()

_NUMBERS = re.compile(r"([0-9]+)")  # ASCII digits: int() refuses superscripts `isdigit` takes


def natural(text: str) -> tuple[tuple[int, object], ...]:
    """`20250115` < `20251010`, `7.3.9` < `7.3.17`: digit runs compare as numbers."""
    return tuple((0, int(part)) if is_digits(part) else (1, part)
                 for part in _NUMBERS.split(text) if part)


def key_order(key: str | None) -> object:
    """A key column: implementation, then the version as numbers, then platform and variant."""
    if not key:
        return None
    parsed = parse_key(key)
    if parsed is None:
        return (1, natural(key))
    return (0, parsed.implementation, version_rank(parsed.major, parsed.minor, parsed.patch,
                                                   parsed.prerelease),
            parsed.os, parsed.arch, parsed.libc, parsed.variant)


# Most urgent first: past its end of life, then security fixes only, then bug fixes, then
# not yet released; within a phase, the one whose phase ends first.
_SUPPORT_RANK = {"end-of-life": 0, "security": 1, "bugfix": 2, "pre-release": 3}


def support_order(support: SupportView | None) -> object:
    """A Support column: by phase, most urgent first, then by the date the cell names; rows
    without a status (not CPython) have no value."""
    if support is None:
        return None
    return (_SUPPORT_RANK.get(support.phase, len(_SUPPORT_RANK)), support.date)


def _available_state(row: AvailableRow) -> int:
    if row.progress is not None:
        return 0
    if row.installed:
        return 1
    if row.cached:
        return 2
    if row.failed:
        return 3
    return 4


# Per pane: (column key, as the table names it; label; the row's value in it). The column
# keys are the tables' own (widgets/*_table.py), so a header click maps onto them.
COLUMNS: dict[str, tuple[tuple[str, str, Value], ...]] = {
    "available": (
        ("version", "Version", lambda r: version_rank(r.build.major, r.build.minor,
                                                      r.build.patch, r.build.prerelease)),
        ("key", "Key", lambda r: key_order(r.build.key)),
        ("support", "Support", lambda r: support_order(r.support)),
        ("variant", "Variant", lambda r: r.build.variant),
        ("build", "Build", lambda r: natural(r.build.build) if r.build.build else None),
        ("size", "Size", lambda r: r.size),
        ("state", "State", _available_state),
    ),
    "cached": (
        ("build", "Key", lambda r: key_order(r.build_key)),
        ("size", "Size", lambda r: r.size),
        ("state", "State", lambda r: r.state),
        ("archive", "File", lambda r: r.name),
    ),
    "installed": (
        ("key", "Key", lambda r: key_order(r.key)),
        ("size", "Size", lambda r: r.size),
        ("used", "Used by", lambda r: r.used_by),
        ("update", "Update", lambda r: r.update or None),
        ("support", "Support", lambda r: support_order(r.support)),
        ("build", "Build", lambda r: natural(r.build) if r.build else None),
    ),
}


def sortable(pane: str, column: str) -> bool:
    return any(key == column for key, _, _ in COLUMNS.get(pane, ()))


def label(pane: str, column: str) -> str:
    return next((name for key, name, _ in COLUMNS.get(pane, ()) if key == column), column)


def next_column(pane: str, order: SortOrder) -> SortOrder:
    """`s`: the pane's own order -> each column in turn -> the pane's own order again."""
    columns = [key for key, _, _ in COLUMNS.get(pane, ())]
    if not columns:
        return UNSORTED
    if order.column not in columns:
        return SortOrder(columns[0])
    index = columns.index(order.column) + 1
    return SortOrder(columns[index]) if index < len(columns) else UNSORTED


def reversed_order(order: SortOrder) -> SortOrder:
    """`S`: the same column the other way (the pane's own order reversed when unsorted)."""
    return SortOrder(order.column, not order.reverse)


def clicked(pane: str, order: SortOrder, column: str) -> SortOrder:
    """A header click: sort by that column; a second click on it reverses."""
    if not sortable(pane, column):
        return order
    if order.column == column:
        return SortOrder(column, not order.reverse)
    return SortOrder(column)


def sort_rows(pane: str, rows: Sequence[Row], order: SortOrder) -> list[Row]:
    """`rows` in `order`; rows with no value in the column stay last either way."""
    if not order.column:
        return list(reversed(rows)) if order.reverse else list(rows)
    value = next((get for key, _, get in COLUMNS.get(pane, ()) if key == order.column), None)
    if value is None:
        return list(rows)
    keyed = [(value(row), row) for row in rows]
    present = [(v, row) for v, row in keyed if v is not None]
    missing = [row for v, row in keyed if v is None]
    present.sort(key=lambda pair: pair[0], reverse=order.reverse)  # type: ignore[arg-type,return-value]  # one column's values share one comparable type
    return [row for _, row in present] + missing


def describe(pane: str, order: SortOrder) -> str:
    """For the pane's subtitle: "by Version ↑", "reversed", or "" for the pane's own order."""
    if not order.column:
        return "reversed" if order.reverse else ""
    return f"by {label(pane, order.column)} {'↓' if order.reverse else '↑'}"
