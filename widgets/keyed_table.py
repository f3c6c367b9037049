"""A DataTable with fixed column keys whose rows are synced in place from (key, cells) pairs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence

from pytui.widgets.column_fit import KEPT_ROWS, FittedTable, cell_width
from pytui.widgets.cut_rules import key_floor
from pytui.widgets.datatable_internals import Cell, KnownRow
from pytui.widgets.list_bindings import CLEAR_FILTER, LIST_MOVES
from pytui.widgets.table_cells import FormText, cell_forms
from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist, RowKey

MAX_IN_PLACE_REMOVALS = 16
MAX_IN_PLACE_ADDITIONS = 64
Row = tuple[str, Sequence[Cell]]


class KeyedTable(FittedTable):
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
    # letters): widgets/list_bindings.py.
    BINDINGS = [Binding("enter", "app.install_asking", "Install", show=False),
                Binding("escape", f"app.{CLEAR_FILTER}", "Clear filter", show=False),
                *LIST_MOVES]


    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self._cells: dict[str, tuple[Cell, ...]] = {}
        self._order: list[str] = []
        # Reused between fills (see `_fill`): DataTable's row object per key, and each
        # row's auto-width cell widths with the cells they were measured from.
        self._row_objects: dict[str, KnownRow] = {}
        self._widths: dict[str, tuple[Sequence[Cell], list[int]]] = {}
        # A short-form column's cells: (row key, column index) -> (the cells measured, the
        # width of each of its forms, full first), so a refit (each filter keystroke)
        # measures only rows it has not seen.
        self._form_widths: dict[tuple[str, int], tuple[Sequence[Cell], tuple[int, ...]]] = {}
        # Natural (content) width of each auto-width column, by column index, and the columns
        # now narrower than that (`_elided`, see `_fit_to_width`).
        self._natural: dict[int, int] = {}
        # The fewest cells a FLEX column may keep before it gives way whole, by column index,
        # from its cells (`_floor_of`): the key through its version, a short form.
        self._floors: dict[int, int] = {}
        # Identity columns with a cell that has no label (`FormText`), so could be cut: their
        # FLEX minimum holds. A column whose every row has a label (Installed's `3.12.11`,
        # drawn where the key does not fit) needs only its cells' floor: at 120 columns the
        # minimum kept Installed's Key 16 cells wide for 7-cell labels and cut Support.
        self._unlabelled: set[int] = set()
        # The size the columns were last fitted to (`_fit_to_width`; see `render_lines`).
        self._fitted_to = Size(0, 0)
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
        order = [key for key, _ in rows]
        if order == self._order:
            self._rewrite_changed(rows)
            return
        wanted = {key: tuple(cells) for key, cells in rows}
        staying = [key for key in self._order if key in wanted]
        new = [key for key in order if key not in self._cells]
        gone = len(self._order) - len(staying)
        # DataTable.remove_row costs a pass over the whole table (Textual #5273) and add_row
        # a few microseconds of bookkeeping: a view change that drops or brings many rows is
        # one fill, not thousands of removals or additions.
        in_place = (staying == order[: len(staying)] and order[len(staying):] == new
                    and gone <= MAX_IN_PLACE_REMOVALS and len(new) <= MAX_IN_PLACE_ADDITIONS)
        if not in_place:
            self._fill(rows, keep)
            return
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
                self._rewrite_cells(key, old, cells)
            self._cells[key] = cells
        self._order = order
        if gone:  # a column may now be narrower
            self._fit_columns(list(wanted.items()))
        if keep is not None and keep in wanted:
            self._move_to(keep)

    def _rewrite_changed(self, rows: Sequence[Row]) -> None:
        """The same rows in the same order: rewrite only the cells that changed."""
        known = self._cells
        for key, cells in rows:
            old = known[key]
            if old is cells:
                continue
            cells = tuple(cells)
            if not _same_row(old, cells):
                self._rewrite_cells(key, old, cells)
            known[key] = cells

    def _fill(self, rows: Sequence[Row], keep: str | None) -> None:
        """Replace every row at once (`fill_rows`: DataTable's row maps written directly,
        the row objects of keys seen before reused), then fit the columns from the cells'
        text (see `_fit_columns`) and put the cursor back on `keep`.
        tests/ui/test_keyed_table.py compares the result with `add_row`'s.
        """
        known = self._row_objects
        if len(known) > 2 * len(rows) + KEPT_ROWS:  # keys from long ago are not kept forever
            known.clear()
        cells_by_key: dict[str, tuple[Cell, ...]] = {}
        for key, cells in rows:
            cells_by_key[key] = cells if isinstance(cells, tuple) else tuple(cells)
        # The cells are set first: the public path's add_row measures them (rows_added).
        self._cells = cells_by_key
        self._order = list(cells_by_key)
        self.fill_rows(cells_by_key.items(), known)
        self._fit_columns(rows)
        if keep is not None and keep in cells_by_key:
            self.cursor_coordinate = self.cursor_coordinate  # revalidated against the new rows
            self._move_to(keep)
        else:
            self.cursor_coordinate = Coordinate(0, 0)
            self.scroll_to(y=0, animate=False, immediate=True)
        self.hover_coordinate = self.hover_coordinate
        self.refresh()

    def _fit_columns(self, rows: Sequence[Row]) -> None:
        """Auto-width columns fit the widest label or cell shown (their natural width), then
        `_fit_to_width` fits them to the table; the virtual size follows."""
        columns = self.ordered_columns
        auto = [index for index, column in enumerate(columns) if column.auto_width]
        widths = {index: columns[index].label.cell_len for index in auto}
        measured = self._widths
        if len(measured) > 2 * len(rows) + KEPT_ROWS:
            measured.clear()
        for key, cells in rows:
            entry = measured.get(key)
            if entry is None or entry[0] is not cells:
                entry = measured[key] = (cells, [cell_width(cells[index]) for index in auto])
            for index, width in zip(auto, entry[1], strict=True):
                if width > widths[index]:
                    widths[index] = width
        self._natural = widths
        self._floors = {}
        self._unlabelled = set()
        self._raise_floors(cells for _, cells in rows)
        self._fit_to_width()

    def on_resize(self) -> None:
        # Columns follow the terminal: a wider table shows more of an elided column.
        self._fit_to_width()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Textual draws the first frame after a resize (its layout sets the new size) before
        # the Resize event reaches on_resize: that frame had the old size's columns (at 80
        # columns, 200's Support whole and Variant cut at the edge, no Build). Fitted here,
        # for the size drawn at; on_resize then finds them fitted.
        if self.FAST and self.size != self._fitted_to and self.size.width:
            self._fit_to_width()
        return super().render_lines(crop)

    def rows_added(self, new_rows: Iterable[RowKey]) -> None:
        """Column widths and the virtual size after rows were added (add_row): every cell
        is one line, so its width is the cell length of its text. (String cells are plain in
        auto-width columns; markup is only used in fixed-width ones, whose content width is
        not used.)"""
        columns = self.ordered_columns
        natural = self._natural
        for index, column in enumerate(columns):
            if column.auto_width:
                natural.setdefault(index, column.label.cell_len)
        added = []
        for key in new_rows:
            cells = self._cells.get(key.value) if key.value is not None else None
            if cells is None:
                continue
            added.append(cells)
            for index, cell in enumerate(cells):
                if index in natural:
                    natural[index] = max(natural[index], cell_width(cell))
        self._raise_floors(added)
        self._fit_to_width()

    def _floored(self) -> list[tuple[int, bool]]:
        """(column index, is the identity) of the columns whose floor comes from cells."""
        return [(index, key == self.IDENTITY) for index, (_, key, _) in enumerate(self.COLUMNS)
                if key == self.IDENTITY or key in self.SHORT_FORMS]

    def _raise_floors(self, rows: Iterable[Sequence[Cell]]) -> None:
        """Raise `_floors` to what these rows' cells need (see `_floors`)."""
        floored = self._floored()
        if not floored:
            return
        floors = self._floors
        for cells in rows:
            for index, identity in floored:
                if identity and not isinstance(cells[index], FormText):
                    self._unlabelled.add(index)
                need = _floor_of(cells[index], identity)
                if need > floors.get(index, 0):
                    floors[index] = need

    def sync_one(self, key: str, cells: Sequence[Cell]) -> bool:
        """Rewrite the changed cells of one existing row; False when there is no such row."""
        old = self._cells.get(key)
        if old is None:
            return False
        cells = tuple(cells)
        if not _same_row(old, cells):
            self._rewrite_cells(key, old, cells)
        self._cells[key] = cells
        return True

    def _rewrite_cells(self, key: str, old: Sequence[Cell], cells: Sequence[Cell]) -> None:
        # update_cell writes into the row's cell dict, which `_fill` may share with its
        # remembered row: that one is dropped so a later fill cannot reuse changed cells.
        self._row_objects.pop(key, None)
        # The new cells are the row's before the refit below: it measured the old ones' forms
        # (a size still `…`), and at 80 columns every Installed size drew `56.…`.
        self._cells[key] = tuple(cells)
        natural = self._natural
        wider = False
        for column, (before, after) in enumerate(zip(old, cells, strict=True)):
            if not _same_cell(before, after):
                self.update_cell(key, self.COLUMNS[column][1], after)
                if column in natural and (width := cell_width(after)) > natural[column]:
                    natural[column] = width
                    wider = True
        # A new cell may need more than its column's floor too (a job's `waiting…` in
        # Installed's Update, where `—` was: at 40x12 it was cut to `waiti…`).
        floors = dict(self._floors)
        self._raise_floors((cells,))
        if wider or self._floors != floors:  # an auto-width column must grow (a size measured after "…", a new note)
            self._fit_to_width()

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


def _floor_of(cell: Cell, identity: bool) -> int:
    """The fewest cells `cell` may be shown in: a key through its version and "…"; a cell with
    a short form (a key's label, `3.12.11`, shown where the key does not fit: it is never
    cut), that form; any other cell, all of it."""
    if identity and not isinstance(cell, FormText):
        return key_floor((cell if isinstance(cell, str) else cell.plain,))
    if isinstance(cell, FormText):
        return cell_forms(cell)[-1].cell_len
    return cell_width(cell)


def _same_cell(a: Cell, b: Cell) -> bool:
    # Text.__eq__ ignores the base style, and a row turning dim must still be redrawn.
    if isinstance(a, Text) and isinstance(b, Text):
        return a.plain == b.plain and str(a.style) == str(b.style) and a.spans == b.spans \
            and a.justify == b.justify
    return type(a) is type(b) and a == b


def _same_row(a: Sequence[Cell], b: Sequence[Cell]) -> bool:
    return len(a) == len(b) and all(_same_cell(x, y) for x, y in zip(a, b, strict=True))
