"""A DataTable with fixed column keys whose rows are synced in place from (key, cells) pairs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist, RowKey

Cell = str | Text
MAX_IN_PLACE_REMOVALS = 16
Row = tuple[str, Sequence[Cell]]


class KeyedTable(DataTable):
    """Rows keyed by a stable id (a build key, an archive name).

    `sync(rows)` removes rows that went away, rewrites only the cells that changed and adds
    new rows, then restores the wanted order; the cursor stays on the same row key when it
    can. A job moving a build from "—" to "45%" to "✓" therefore touches one cell.
    """

    # Enter asks the app to install the row (it asks first) instead of DataTable's "select
    # cursor", so neither a mouse click nor a stray Enter starts a download.
    # Esc clears the `/` filter from a table too, once Enter has kept it and left the box
    # (the keymap's `/` entry says so).
    # j/k, g/G, Home/End are the table's own (so the filter box still receives those
    # letters); app/keymap.py lists them for the help and the README, and a test checks the
    # two agree (widgets import nothing from app/).
    BINDINGS = [Binding("enter", "app.install_asking", "Install", show=False),
                Binding("escape", "app.clear_filter", "Clear filter", show=False),
                Binding("j", "cursor_down", "Down", show=False),
                Binding("k", "cursor_up", "Up", show=False),
                Binding("g,home", "scroll_top", "First", show=False),
                Binding("G,end", "scroll_bottom", "Last", show=False)]

    # (label, column key, width or None for auto)
    COLUMNS: ClassVar[tuple[tuple[str, str, int | None], ...]] = ()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self._cells: dict[str, tuple[Cell, ...]] = {}
        self._order: list[str] = []
        for label, key, width in self.COLUMNS:
            self.add_column(label, key=key, width=width)

    @property
    def row_keys(self) -> list[str]:
        """Row keys in display order."""
        return list(self._order)

    @property
    def highlighted_key(self) -> str | None:
        """The key of the row under the cursor, or None for an empty table."""
        if not self.row_count:
            return None
        try:
            row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except CellDoesNotExist:
            return None
        return row_key.value

    def cells_of(self, key: str) -> tuple[Text, ...] | None:
        """A row's cells as Text (string cells are markup, as DataTable reads them)."""
        cells = self._cells.get(key)
        if cells is None:
            return None
        return tuple(Text.from_markup(c) if isinstance(c, str) else c for c in cells)

    def sync(self, rows: Sequence[Row]) -> None:
        """Make the table show exactly `rows`, in that order, touching as little as possible.

        Rows that stay are updated cell by cell; rows that went away are removed; new rows
        are appended when they belong at the end. Anything else (a new row in the middle, a
        new order) rebuilds the table, which only view changes and small panes ever need.
        """
        keep = self.highlighted_key
        wanted = {key: tuple(cells) for key, cells in rows}
        order = [key for key, _ in rows]
        staying = [key for key in self._order if key in wanted]
        new = [key for key in order if key not in self._cells]
        gone = len(self._order) - len(staying)
        # DataTable.remove_row costs a pass over the whole table (Textual #5273): a view
        # change that drops many rows is a rebuild, not thousands of removals.
        in_place = (staying == order[: len(staying)] and order[len(staying):] == new
                    and gone <= MAX_IN_PLACE_REMOVALS)
        if not in_place:
            self.clear()
            self._cells.clear()
            for key in order:
                self.add_row(*wanted[key], key=key)
            self._cells = dict(wanted)
        else:
            column_keys = [key for _, key, _ in self.COLUMNS]
            for key in [key for key in self._cells if key not in wanted]:
                with contextlib.suppress(RowDoesNotExist):
                    self.remove_row(key)
                del self._cells[key]
            for key in order:
                cells = wanted[key]
                old = self._cells.get(key)
                if old is None:
                    self.add_row(*cells, key=key)
                elif not _same_row(old, cells):
                    for column, (before, after) in enumerate(zip(old, cells, strict=True)):
                        if not _same_cell(before, after):
                            self.update_cell(key, column_keys[column], after)
                self._cells[key] = cells
        self._order = order
        if keep is not None and keep in wanted:
            self._move_to(keep)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Column widths and the virtual size after rows were added.

        DataTable measures every new cell by rendering it through the console (a terminal
        size query each): 5,000 rows took seconds. Every cell here is one line, so its width
        is the cell length of its text. (String cells are plain in auto-width columns; markup
        is only used in fixed-width ones, whose content width is not used.)
        """
        columns = self.ordered_columns
        if self._labelled_row_exists or any(
                (row := self.rows.get(key)) is not None and (row.label is not None or row.auto_height)
                for key in new_rows):
            super()._update_dimensions(new_rows)
            return
        widths = [column.content_width for column in columns]
        for key in new_rows:
            cells = self._cells.get(key.value) if key.value is not None else None
            if cells is None:
                continue
            for index, cell in enumerate(cells):
                width = cell_len(cell if isinstance(cell, str) else cell.plain)
                if width > widths[index]:
                    widths[index] = width
        for column, width in zip(columns, widths, strict=True):
            column.content_width = width
        data_cells_width = sum(column.get_render_width(self) for column in self.columns.values())
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(data_cells_width + self._row_label_column_width,
                                 self._total_row_height + header_height)

    def sync_one(self, key: str, cells: Sequence[Cell]) -> bool:
        """Rewrite the changed cells of one existing row; False when there is no such row."""
        old = self._cells.get(key)
        if old is None:
            return False
        cells = tuple(cells)
        column_keys = [column for _, column, _ in self.COLUMNS]
        for column, (before, after) in enumerate(zip(old, cells, strict=True)):
            if not _same_cell(before, after):
                self.update_cell(key, column_keys[column], after)
        self._cells[key] = cells
        return True

    def _move_to(self, key: str) -> None:
        try:
            index = self.get_row_index(key)
        except RowDoesNotExist:
            return
        if index != self.cursor_row:
            self.move_cursor(row=index, animate=False, scroll=True)

    def select_key(self, key: str) -> bool:
        """Move the cursor to `key`; False when the table has no such row."""
        if key not in self._cells:
            return False
        self._move_to(key)
        return True


def _same_cell(a: Cell, b: Cell) -> bool:
    # Text.__eq__ ignores the base style, and a row turning dim must still be redrawn.
    if isinstance(a, Text) and isinstance(b, Text):
        return a.plain == b.plain and str(a.style) == str(b.style) and a.spans == b.spans \
            and a.justify == b.justify
    return type(a) is type(b) and a == b


def _same_row(a: Sequence[Cell], b: Sequence[Cell]) -> bool:
    return len(a) == len(b) and all(_same_cell(x, y) for x, y in zip(a, b, strict=True))
