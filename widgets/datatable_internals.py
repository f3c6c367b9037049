"""Every use of DataTable's private attributes, in one place (KeyedTable's base class).

Why: with uv's 5530-build catalog shown, DataTable's public API is too slow for a filter
keystroke. `clear()` then one `add_row` per row costs tens of milliseconds (a key object, a
row object, a cursor revalidation and an idle check each), DataTable measures every new cell
by rendering it through the console, and it draws each cell through Rich's layout (about a
quarter of a millisecond a cell). So `FastDataTable`:

- fills every row at once by writing the row maps and the caches DataTable would rebuild by
  walking every row (`fill_rows`);
- leaves column measurement to its subclass (`rows_added`, see `_update_dimensions`) and lets
  it set column widths (`columns_resized` drops the caches keyed by the old ones);
- draws one-line cells without Rich's layout, with the styles looked up once per repaint.

The private names it relies on are checked once, at import (`MISSING`): a Textual release
that renamed any of them turns the fast paths off (`INTERNALS_OK` False) and the table uses
only the public API (add_row, DataTable's own measuring and drawing): slower, and the FLEX
columns are not cut to the width, but every row is there and right. pyproject bounds Textual
(>=8.2,<9); tests/ui/test_keyed_table.py pins these paths against the installed Textual
(same rows, offsets, widths and lines as DataTable's own) and runs the public path too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, cast

from pytui.widgets.table_cells import cell_segments, fitting_form, form_at, one_line_text
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual.color import Color
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import Column, RowKey
from textual.widgets.data_table import Row as DataRow

try:
    from textual._two_way_dict import TwoWayDict
except ImportError:  # pragma: no cover - a Textual without it: the public path
    TwoWayDict = None  # type: ignore[assignment,misc]  # checked in MISSING

Cell = str | Text

# DataTable's methods that FastDataTable overrides or calls.
_METHODS = ("_render_cell", "_render_line_in_row", "_get_row_style",
            "_get_styles_to_render_cell", "_should_highlight", "_clear_caches",
            "_update_dimensions", "_row_label_column_width", "_y_offsets")
# What DataTable.__init__ sets on each table and FastDataTable reads or writes.
_ATTRIBUTES = ("_data", "_row_locations", "_column_locations", "_new_rows", "_updated_cells",
               "_require_update_dimensions", "_update_count", "_ordered_row_cache",
               "_offset_cache", "_row_render_cache", "_cell_render_cache", "_header_row_key",
               "_labelled_row_exists", "_show_hover_cursor", "_pseudo_class_state")


def _missing() -> tuple[str, ...]:
    """The private names this module relies on that the installed DataTable lacks."""
    assigned = set(DataTable.__init__.__code__.co_names)
    missing = [name for name in _METHODS if not hasattr(DataTable, name)]
    missing += [name for name in _ATTRIBUTES if name not in assigned]
    if TwoWayDict is None:
        missing.append("textual._two_way_dict.TwoWayDict")
    if tuple(DataRow.__dataclass_fields__)[:2] != ("key", "height"):
        missing.append("data_table.Row(key, height)")
    return tuple(missing)


MISSING = _missing()
INTERNALS_OK = not MISSING


class KnownRow:
    """What `fill_rows` hands DataTable for one row, kept while the row's cells are the same
    object: its key and row objects, its cell dict and its line offset."""

    __slots__ = ("cells", "data", "offset", "row", "row_key")

    def __init__(self, key: str, cells: tuple[Cell, ...], column_keys: list) -> None:
        self.cells = cells
        self.row_key = RowKey(key)
        self.row = DataRow(self.row_key, 1)
        self.data = dict(zip(column_keys, cells, strict=True))
        self.offset = (self.row_key, 0)


class FitColumn(Column):
    """A column that can give way whole: hidden, it takes no cells at all (not even its
    padding), so a narrow table spends none on a column it no longer shows."""

    hidden: bool = False  # set on the instance by `FastDataTable.hide_columns`

    def get_render_width(self, data_table: DataTable[Any]) -> int:
        return 0 if self.hidden else super().get_render_width(data_table)


class FastDataTable(DataTable):
    """DataTable with the fast paths above; `FAST` False (or INTERNALS_OK False) uses only
    DataTable's public API and its own measuring and drawing."""

    FAST: ClassVar[bool] = INTERNALS_OK
    # Cell style names that stand for one of the table's component classes, so that their
    # colour follows the theme through the CSS: `Text("EOL 2024-10", style="support--eol")`
    # is drawn in that class's style (the public path draws it plain: the words carry it).
    CLASSED_STYLES: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Styles looked up during one repaint (see `render_lines`); None between repaints.
        self._pass_styles: dict[str, Style] | None = None
        # Columns narrower than their cells, whose cut cells end in "…" (the subclass sets it).
        self._elided: set[int] = set()
        # The form level every row of an elided UNIFORM column is drawn at (column_fit).
        self._levels: dict[int, int] = {}

    # -- filling ----------------------------------------------------------------------------

    def fill_rows(self, rows: Iterable[tuple[str, tuple[Cell, ...]]],
                  known: dict[str, KnownRow]) -> None:
        """Replace every row by `rows` (key, cells). `known` keeps each key's row objects
        between fills (reused while its cells are the same object). The caller fits the
        columns and places the cursor afterwards."""
        if not self.FAST:
            self.clear()
            for key, cells in rows:
                self.add_row(*cells, key=key)
            return
        self._clear_caches()
        column_keys = [column.key for column in self.ordered_columns]
        data: dict[RowKey, dict] = {}
        metadata: dict[RowKey, DataRow] = {}
        offsets: list[tuple[RowKey, int]] = []
        for key, cells in rows:
            entry = known.get(key)
            if entry is None or entry.cells is not cells:
                entry = known[key] = KnownRow(key, cells, column_keys)
            data[entry.row_key] = entry.data
            metadata[entry.row_key] = entry.row
            offsets.append(entry.offset)
        self._data = data
        self.rows = metadata
        self._row_locations = TwoWayDict({row_key: index for index, row_key in enumerate(metadata)})
        self._new_rows = set()
        self._updated_cells = set()
        self._require_update_dimensions = False
        self._update_count += 1
        self._ordered_row_cache[(len(metadata), self._update_count)] = list(metadata.values())
        self._offset_cache[self._update_count] = offsets

    # -- column widths ------------------------------------------------------------------------

    def hide_columns(self, hidden: set[int]) -> bool:
        """Hide exactly the columns at these indexes (see `FitColumn`); True if any changed.
        Only the fast paths draw hidden columns as nothing: the public path never hides."""
        changed = False
        for index, column in enumerate(self.ordered_columns):
            hide = index in hidden and self.FAST
            if hide != getattr(column, "hidden", False):
                if not isinstance(column, FitColumn):
                    column.__class__ = FitColumn  # same fields: only the render width differs
                cast(FitColumn, column).hidden = hide
                changed = True
        return changed

    def columns_resized(self) -> None:
        """Column content widths were set: drop what was drawn or laid out with the old ones."""
        if self.FAST:
            self._update_count += 1
            self._clear_caches()
        self.refresh()

    def rows_added(self, new_rows: Iterable[RowKey]) -> None:
        """Measure the rows just added and fit the columns (the subclass does)."""
        raise NotImplementedError

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # DataTable measures every new cell by rendering it through the console (a terminal
        # size query each): 5,000 rows took seconds. The subclass measures one-line cells by
        # their text; labelled or tall rows go to DataTable.
        if not self.FAST or self._labelled_row_exists or any(
                (row := self.rows.get(key)) is not None and (row.label is not None or row.auto_height)
                for key in new_rows):
            super()._update_dimensions(new_rows)
            return
        self.rows_added(new_rows)

    def _set_virtual_size(self) -> None:
        columns_width = sum(column.get_render_width(self) for column in self.columns.values())
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(columns_width + self._row_label_column_width,
                                 len(self.rows) + header_height)

    # -- drawing: DataTable's, with the styles looked up once per repaint ---------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # DataTable asks for its own style, the row styles and the header style on every
        # line, and each lookup walks the widget's ancestors: remembered for one repaint.
        if not self.FAST:
            return super().render_lines(crop)
        self._pass_styles = {}
        try:
            return super().render_lines(crop)
        finally:
            self._pass_styles = None

    @property
    def rich_style(self) -> Style:
        memo = self._pass_styles
        if memo is None:
            return super().rich_style
        style = memo.get("")
        if style is None:
            style = memo[""] = super().rich_style
        return style

    def _component_style(self, name: str) -> Style:
        memo = self._pass_styles
        if memo is None:
            return self.get_component_styles(name).rich_style
        style = memo.get(name)
        if style is None:
            style = memo[name] = self.get_component_styles(name).rich_style
        return style

    def _class_style(self, name: str) -> Style:
        """A CLASSED_STYLES class's own style (its colour only, laid over the row's)."""
        memo = self._pass_styles
        if memo is None:
            return self.get_component_rich_style(name, partial=True)
        style = memo.get("class:" + name)
        if style is None:
            style = memo["class:" + name] = self.get_component_rich_style(name, partial=True)
        return style

    def _span_style(self, style: str | Style, classed: frozenset[str]) -> str | Style:
        """A span's style with its class (`bold state--ok`: the last word) in the class's
        colour; other spans as they are."""
        name = _class_name(style, classed)
        if name is None or isinstance(style, Style):
            return style
        head = style[:-len(name)].strip()
        return Style.parse(head) + self._class_style(name) if head else self._class_style(name)

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        if not self.FAST:
            return super()._get_row_style(row_index, base_style)
        if row_index == -1:
            return self._component_style("datatable--header")
        if row_index < self.fixed_rows:
            return self._component_style("datatable--fixed")
        if self.zebra_stripes:
            return self._component_style("datatable--odd-row" if row_index % 2
                                         else "datatable--even-row")
        return base_style

    def _render_line_in_row(self, row_key: RowKey, line_no: int, base_style: Style,
                            cursor_location: Coordinate, hover_location: Coordinate,
                            ) -> tuple[list[list[Segment]], list[list[Segment]]]:
        """DataTable's row line for tables without row labels or fixed columns (all of
        pytui's), with the style lookups of `_component_style`; the same cache key."""
        if not self.FAST or (self._labelled_row_exists and self.show_row_labels) \
                or self.fixed_columns:
            return super()._render_line_in_row(row_key, line_no, base_style, cursor_location,
                                               hover_location)
        cursor_type = self.cursor_type
        cache_key = (row_key, line_no, base_style, cursor_location, hover_location, cursor_type,
                     self.show_cursor, self._show_hover_cursor, self._update_count,
                     self._pseudo_class_state)
        cached = self._row_render_cache.get(cache_key)
        if cached is not None:
            return cached
        should_highlight = self._should_highlight
        render_cell = self._render_cell
        row_index = self._row_locations.get(row_key)
        if row_index is None:
            row_index = -1
        row_style = self._get_row_style(row_index, base_style)
        scrollable_row = []
        table_width = 0
        for column_index, column in enumerate(self.ordered_columns):
            width = column.get_render_width(self)
            if not width:
                continue  # a column that gave way whole (FitColumn.hidden)
            cell_location = Coordinate(row_index, column_index)
            table_width += width
            scrollable_row.append(render_cell(
                row_index, column_index, row_style, width,
                cursor=should_highlight(cursor_location, cell_location, cursor_type),
                hover=should_highlight(hover_location, cell_location, cursor_type))[line_no])
        # Extending the styling out horizontally to fill the container, as DataTable does.
        remaining_space = max(0, self.size.width - table_width)
        if cursor_type == "row":
            extend_style, _ = self._get_styles_to_render_cell(
                row_index == -1, False, False,
                should_highlight(hover_location, Coordinate(row_index or 0, 0), cursor_type),
                row_index == cursor_location.row, self.show_cursor, self._show_hover_cursor,
                False, False)
            extend_style = row_style + extend_style
        elif row_style.bgcolor is not None:
            background_color = self.background_colors[1]
            faded_color = Color.from_rich_color(row_style.bgcolor).blend(
                background_color, factor=0.25)
            extend_style = Style.from_color(color=row_style.color,
                                            bgcolor=faded_color.rich_color)
        else:
            extend_style = Style.from_color(row_style.color, row_style.bgcolor)
        extend_style += Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        scrollable_row.append([Segment(" " * remaining_space, extend_style)])
        row_pair: tuple[list[list[Segment]], list[list[Segment]]] = ([], scrollable_row)
        self._row_render_cache[cache_key] = row_pair
        return row_pair

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> list[list[Segment]]:
        """One cell's line, without Rich's layout machinery for one-line text cells.

        A one-line cell is its text's segments, cropped or padded to the column; the styles
        (row, cursor, hover, zebra, the cell's own) combine as DataTable combines them, and
        `cell_segments` is compared with DataTable's own rendering in
        tests/ui/test_keyed_table.py. Anything else (row labels, fixed cells, tall rows, text
        that needs wrapping rules) goes to DataTable.
        """
        if not self.FAST or column_index < 0 or column_index < self.fixed_columns or (
                row_index >= 0 and row_index < self.fixed_rows):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        is_header = row_index == -1
        row_key = self._header_row_key if is_header else self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
                     self._update_count, self._pseudo_class_state)
        cache = self._cell_render_cache
        lines = cache.get(cache_key)
        if lines is not None:
            return lines
        if is_header:
            height = self.header_height
            cell: object = self.columns[column_key].label
        else:
            height = self.rows[row_key].height
            cell = self._data[row_key][column_key]
            if column_index in self._elided:
                level = self._levels.get(column_index)
                cell = fitting_form(cell, width - 2 * self.cell_padding) if level is None else form_at(cell, level)
        text = one_line_text(cell) if height == 1 else None
        if text is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        name = text.style
        classed = self.CLASSED_STYLES
        if _class_name(name, classed):
            text = text.copy()
            text.style = self._span_style(name, classed)
        if text.spans and any(_class_name(span.style, classed) for span in text.spans):
            text = text.copy()
            text.spans = [Span(span.start, span.end, self._span_style(span.style, classed))
                          for span in text.spans]
        component_style, post_style = self._get_styles_to_render_cell(
            is_header, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index}) \
            + component_style
        lines = [cell_segments(text, width, self.cell_padding, pre_style, post_style,
                               self.app.console, ellipsis=column_index in self._elided)]
        cache[cache_key] = lines
        return lines


def _class_name(style: str | Style, classed: frozenset[str]) -> str | None:
    """The CLASSED_STYLES name a span's style string ends in (`bold state--ok`), if any."""
    if not classed or not isinstance(style, str):
        return None
    last = style.rpartition(" ")[2]
    return last if last in classed else None
