"""How a KeyedTable's columns share its width (see `ColumnFitting`): the columns that give
way when the table is narrower than its cells, in which order, down to what."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from pytui.widgets.datatable_internals import Cell, FastDataTable
from pytui.widgets.table_cells import MAX_FORMS, FormText, cell_forms
from rich.cells import cell_len
from textual.geometry import Size

# Rows remembered beyond those shown (row objects, cell widths): a whole catalog's worth, so
# a filter that empties the table and is then erased finds every row measured.
KEPT_ROWS = 20_000
# A cut column keeps at least this many cells (two characters and "…"); narrower, it gives
# way whole: a bare "…" or one letter says nothing.
MIN_CUT_WIDTH = 3


class FittedTable(FastDataTable):
    """KeyedTable's column fitting: it reads the widths KeyedTable measures from its rows
    (declared here, set there)."""

    # (label, column key, width or None for auto)
    COLUMNS: ClassVar[tuple[tuple[str, str, int | None], ...]] = ()
    _cells: dict[str, tuple[Cell, ...]]
    _natural: dict[int, int]
    _floors: dict[int, int]
    _unlabelled: set[int]
    _form_widths: dict[tuple[str, int], tuple[Sequence[Cell], tuple[int, ...]]]
    _fitted_to: Size

    # (column key, minimum width): the auto-width columns that give up width, in this order,
    # when the table is narrower than its columns; their cut cells end in "…". A column
    # listed twice gives way in two steps (to its first minimum, later to its second).
    FLEX: ClassVar[tuple[tuple[str, int], ...]] = ()
    # A FLEX column that names the row (its key) and so is never cut below its minimum: the
    # other FLEX columns give way whole first. "" for none.
    IDENTITY: ClassVar[str] = ""
    # FLEX columns that give way whole, never cut (sizes, dates, counts): a cut number reads
    # as another number. A fixed-width FLEX column always does.
    WHOLE: ClassVar[frozenset[str]] = frozenset()
    # FLEX columns whose cells may have a shorter whole form (`FormText`: `ok +tree` / `ok`):
    # such a column gives way to the widest of those forms (and its label), never further
    # but whole. (In FLEX, a minimum of 0 means "gives way whole"; 1 "to its floor".)
    SHORT_FORMS: ClassVar[frozenset[str]] = frozenset()
    # A column that repeats what the identity's cells keep through their floor (Available's
    # Version: the key is never cut before its version): in the last pass it gives way whole
    # while the key is shown, and comes back if the key gives way at the edge. "" for none.
    STAND_IN: ClassVar[str] = ""
    # Short-form columns (and the identity, whole key or label) drawn at one form for every
    # row, as k9s and lazygit cut a column: the widest level at which every row's form fits
    # (`_levels`). Without it each cell drew the widest of its own forms that fit, and one
    # column read `bugfix → 2027` above `security…`, a whole key above a label.
    UNIFORM: ClassVar[frozenset[str]] = frozenset()
    _levels: dict[int, int]
    _steps: list[tuple[int | None, int, int]] | None = None

    def _fit_to_width(self) -> None:
        """Give each auto-width column its natural width, then, when the table is narrower
        than that, take the difference from the FLEX columns in their order (each down to
        its minimum, then to nothing if need be; their cut cells end in "…"), so the other
        columns (sizes, dates) stay whole. Called when the rows change and when the table is resized."""
        if not self.FAST:
            return  # DataTable's own widths (see datatable_internals)
        self._fitted_to = self.size
        self._steps = None  # (`_step_widths`, once per fitting: it measures every row)
        columns = self.ordered_columns
        widths = dict(self._natural)
        # A fixed-width column (a size) keeps its declared width, or, listed in FLEX, gives
        # it up whole: a number is never cut, it goes.
        fixed = {index: spec[2] for index, spec in enumerate(self.COLUMNS)
                 if spec[2] is not None and index < len(columns)
                 and not columns[index].auto_width}
        for index, column in enumerate(columns):
            widths.setdefault(index, fixed.get(index, column.content_width))
        hidden = self._give_way(widths, fixed)
        self._narrow_to_forms(widths, fixed, hidden)
        self._use_spare(widths, fixed, hidden)
        self._elided = {index for index, column in enumerate(columns)
                        if column.auto_width and widths[index] < self._natural.get(index, 0)}
        levels = {index: self._uniform_level(index, widths[index]) for index in self._elided
                  if self.COLUMNS[index][1] in self.UNIFORM}
        changed = self.hide_columns(hidden) or levels != self._levels
        self._levels = levels
        for index, column in enumerate(columns):
            if index in hidden:
                continue  # its width stays what it was: shown again, it is re-fitted
            if column.auto_width and column.content_width != widths[index]:
                column.content_width = widths[index]
                changed = True
            elif index in fixed and column.width != widths[index]:
                column.width = widths[index]
                changed = True
        if changed:
            self.columns_resized()
        self._set_virtual_size()

    def _give_way(self, widths: dict[int, int], fixed: dict[int, int]) -> set[int]:
        """Take what the columns need beyond the table's width from the FLEX columns (in
        `widths`, in place): first down to each one's minimum, then, if the table is narrower
        still, further (to nothing): a number or date column is never the one cut. A column
        left with too few cells to show anything but "…" gives way whole, and a column that
        gave way whole gives back its padding too. Returns the columns that gave way whole."""
        room = self._room()
        hidden: set[int] = set()
        if room is None or not self.FLEX:
            return hidden
        padding = 2 * self.cell_padding
        excess = sum(width + padding for width in widths.values()) - room
        for last_resort in (False, True):
            steps = self.flex_steps(last_resort)
            if last_resort and self.STAND_IN:
                steps = (*steps, (self.STAND_IN, 0))
            for key, minimum in steps:
                flex = self._flex_index(key)
                if excess <= 0 or flex is None or flex in hidden:
                    continue
                floor = self._floors.get(flex, 0)
                if key != self.IDENTITY or flex in self._unlabelled or flex not in self._floors:
                    floor = max(minimum, floor)
                if key in self.SHORT_FORMS:
                    floor = max(floor, self.ordered_columns[flex].label.cell_len)
                    if key in self.UNIFORM and minimum > 1:
                        # Down to a form, drawn alike in every row: to that form's widest cell
                        # (`pre-release → 2025`, 18), not to the minimum a shorter row's needs
                        # (15): below it every row went to its phase and the key took the cells.
                        floor = max(floor, min((level for level in self._form_levels(flex) if level >= minimum),
                                               default=floor))
                if flex in fixed or key in self.WHOLE:
                    give = widths[flex]  # whole, never cut
                elif key != self.IDENTITY and (last_resort or not minimum):
                    # Below its floor a cut says nothing right (`securi…`, `ok…`): whole.
                    give = widths[flex]
                else:
                    give = max(0, min(excess, widths[flex] - floor))
                    if 0 < widths[flex] - give < MIN_CUT_WIDTH:
                        give = widths[flex]
                widths[flex] -= give
                excess -= give
                if not widths[flex]:
                    hidden.add(flex)
                    excess -= padding
        if excess > 0:
            excess = self._fit_to_edge(widths, fixed, hidden, room)
        self._give_back(widths, fixed, hidden, excess)
        return hidden

    def _give_back(self, widths: dict[int, int], fixed: dict[int, int], hidden: set[int],
                   excess: int) -> None:
        """A column given up whole may leave cells over (`-excess`): they go back to a column
        shown in its short form (`ok` -> `ok +tree`), then to the key. (A short-form column
        takes them only up to a width where every row draws a wider form: `bugfix…` ->
        `bugfix → 2027`, not a wider `bugfix…`.)"""
        back: list[tuple[int | None, bool | None]] = [
            (self._flex_index(key), key in self.UNIFORM) for key in self._short_forms_back()]
        back.append((self._flex_index(self.IDENTITY) if self.IDENTITY else None, None))
        self._grow(back, widths, fixed, hidden, excess)

    def _short_forms_back(self) -> list[str]:
        """The short-form columns in the order they take cells back: the last to give way to
        its short form first (Cached: State, then Size, which went short before it)."""
        order = [key for key, _ in reversed(self.flex_steps(False)) if key in self.SHORT_FORMS]
        return [*dict.fromkeys(order), *sorted(self.SHORT_FORMS - set(order))]

    def _grow(self, back: list[tuple[int | None, bool | None]], widths: dict[int, int],
              fixed: dict[int, int], hidden: set[int], excess: int) -> int:
        """Cells over (`-excess`) to the columns in `back`, in order (`_give_back`); returns
        the excess left."""
        for index, uniform in back:
            if excess < 0 and index is not None and index not in fixed and index not in hidden:
                grow = max(0, min(-excess, self._natural.get(index, 0) - widths[index]))
                if uniform is not None:  # to the widest form every row has that now fits (`bugfix → 2027`)
                    # A column whose rows each draw their own widest form that fits grows to
                    # any row's wider form: at 80 columns Cached's State read `ok` for `ok
                    # +tree` beside `newer`, the key taking cells its label did not use.
                    levels = self._form_levels(index) if uniform else \
                        {width for forms in self._forms_measured(index) for width in forms}
                    grow = max((level - widths[index] for level in levels
                                if widths[index] < level <= widths[index] + grow
                                and self._in_turn(index, level, widths, hidden)),
                               default=0)
                widths[index] += grow
                excess += grow
        return excess

    def _use_spare(self, widths: dict[int, int], fixed: dict[int, int], hidden: set[int]) -> None:
        """A uniform column narrower than its whole cells draws every row at one form, as
        wide as that form's widest cell: the cells it was given beyond that drew nothing
        (Cached's key, drawing its labels, kept 5 to 10 blank cells at 104 to 130 columns while
        State read `◐ 40%` and the file name `820000ce5…`; Installed's at 166 columns, 23 cells
        for 7-cell versions, the Build column gone). They go to a short-form column drawn
        short (its wider form), then bring back the columns that gave way whole while they fit
        (the last to go first, none past one that does not), then to a text column cut with `…` (the file name); what is left
        stays where it was."""
        spare: dict[int, int] = {}
        for key in sorted(self.UNIFORM):
            index = self._flex_index(key)
            if index is None or index in hidden or index in fixed or index not in widths:
                continue
            width = widths[index]
            if width >= self._natural.get(index, 0):
                continue
            level = self._uniform_level(index, width)
            drawn = max(self.ordered_columns[index].label.cell_len,
                        *(forms[min(level, len(forms) - 1)] for forms in self._forms_measured(index)))
            if drawn < width:
                spare[index] = width - drawn
                widths[index] = drawn
        if not spare:
            return
        excess = -sum(spare.values())
        forms_back: list[tuple[int | None, bool | None]] = [
            (self._flex_index(key), key in self.UNIFORM) for key in self._short_forms_back()]
        excess = self._grow(forms_back, widths, fixed, hidden, excess)
        padding = 2 * self.cell_padding
        for key, _ in reversed(self.flex_steps(True)):
            index = self._flex_index(key)
            if index is None or index not in hidden:
                continue
            need = self._shown_width(index, key, fixed)
            if not need or need + padding > -excess:
                break  # never a column that went before one left out (Build before Support)
            hidden.discard(index)
            widths[index] = need
            excess += need + padding
        # A column shown again may be what a short form waited for (`_in_turn`).
        excess = self._grow(forms_back, widths, fixed, hidden, excess)
        for index, column in enumerate(self.ordered_columns):
            if excess >= 0:
                break
            key = self.COLUMNS[index][1]
            if (index in hidden or index in fixed or index in spare or not column.auto_width
                    or key in self.WHOLE or key in self.UNIFORM or key in self.SHORT_FORMS):
                continue
            grow = max(0, min(-excess, self._natural.get(index, 0) - widths[index]))
            while grow and not self._in_turn(index, widths[index] + grow, widths, hidden):
                grow -= 1
            widths[index] += grow
            excess += grow
        for index, cells in spare.items():  # the rest where it was: nothing drawn changes
            back = min(cells, -excess)
            widths[index] += back
            excess += back

    def _in_turn(self, index: int, width: int, widths: dict[int, int], hidden: set[int]) -> bool:
        """Whether column `index` may be drawn in `width` cells (wider than a FLEX step of its
        left it) while the other columns are as `widths` and `hidden` say: cells come back in
        the reverse of the order they were given up (`flex_steps`), so a step is undone only
        once every later step of the other columns is. Otherwise a column drew a wider form at
        a width where a column that gave way after it was still short, and gave it back where
        that one came back: Installed's Update read `3.12.11 installed` at 71 columns and `✓
        3.12.11` at 73 (Used by back), at 92 and at 93 (the whole key), Cached's file name
        `219b5ca88-cpython-3.12.1…` at 137 and `219b5ca88…` at 138."""
        if self._steps is None:
            self._steps = self._step_widths()
        steps = self._steps
        first = next((position for position, (column, _, after) in enumerate(steps)
                      if column == index and width > after), None)
        if first is None:
            return True
        return all(column is None or column == index
                   or (column not in hidden and widths.get(column, 0) >= before)
                   for column, before, _ in steps[first + 1:])

    def _step_widths(self) -> list[tuple[int | None, int, int]]:
        """Each step of the first pass (`flex_steps`), then of the last: its column, the column's
        width before the step (undone: its natural width, or what its previous step left) and
        after it (its minimum drawn: the narrowest form at least that wide; 0 for a step that
        hides it)."""
        steps: list[tuple[int | None, int, int]] = []
        left: dict[int, int] = {}
        for key, minimum in self.flex_steps(False):
            index = self._flex_index(key)
            if index is None:
                steps.append((None, 0, 0))
                continue
            before = left.get(index, self._natural.get(index, 0))
            after = 0
            if minimum:
                after = max(minimum, self.ordered_columns[index].label.cell_len) if index < len(self.ordered_columns) else minimum
                if key in self.SHORT_FORMS and key in self.UNIFORM:
                    after = min((level for level in self._form_levels(index) if level >= after), default=after)
                after = min(after, before)
            steps.append((index, before, after))
            left[index] = after
        # The last pass comes after: each column it hides that the first pass left shown (the
        # identity is cut there, never hidden: its cells come back continuously).
        for key, _ in self.flex_steps(True):
            index = self._flex_index(key)
            if index is not None and key != self.IDENTITY and left.get(index, 1):
                steps.append((index, left.get(index, self._natural.get(index, 0)), 0))
                left[index] = 0
        return steps

    def _shown_width(self, index: int, key: str, fixed: dict[int, int]) -> int:
        """The fewest cells a column that gave way whole is shown in again: a number or date
        whole, a short-form column at its shortest form, text at its floor; 0 for none."""
        natural = fixed.get(index, self._natural.get(index, 0))
        if index in fixed or key in self.WHOLE:
            return natural
        if key in self.SHORT_FORMS:
            forms = list(self._forms_measured(index))
            return max(self.ordered_columns[index].label.cell_len, *(f[-1] for f in forms)) if forms else 0
        minimum = max((m for k, m in self.FLEX if k == key), default=0)
        return min(natural, max(MIN_CUT_WIDTH, minimum, self._floors.get(index, 0)))

    def _fit_to_edge(self, widths: dict[int, int], fixed: dict[int, int], hidden: set[int],
                     room: int) -> int:
        """The columns still past the table's right edge once the FLEX columns gave what
        they could (the screen cut Version to `3.14.0r` at 40 columns): left to right, the
        column that crosses the edge is cut to it (its cells end in "…") when it is text that
        keeps its floor there; else it gives way whole, as does each later column that does
        not fit in what is left (a narrower one may). The stand-in comes back when the
        identity gives way. Returns the excess left (<= 0: cells over, for the key)."""
        padding = 2 * self.cell_padding
        identity = self._flex_index(self.IDENTITY) if self.IDENTITY else None
        stand_in = self._flex_index(self.STAND_IN) if self.STAND_IN else None
        columns = self.ordered_columns
        used = 0
        for index in sorted(widths):
            if index in hidden:
                continue
            if used + widths[index] + padding <= room:
                used += widths[index] + padding
                continue
            left = room - used - padding
            whole = (index in fixed or self.COLUMNS[index][1] in self.WHOLE
                     or not columns[index].auto_width)
            # The identity with no stand-in is cut below its floor rather than go: it is
            # the row's one name (at 40x12 a 16-cell name in Cached hid every column).
            floor = 0 if index == identity and stand_in is None else self._floors.get(index, 0)
            if not whole and left >= max(MIN_CUT_WIDTH, floor):
                widths[index] = left
                used = room
                continue
            widths[index] = 0
            hidden.add(index)
            if index == identity and stand_in is not None and stand_in in hidden:
                hidden.discard(stand_in)
                widths[stand_in] = self._natural.get(stand_in, 0)
        return used - room

    def _narrow_to_forms(self, widths: dict[int, int], fixed: dict[int, int], hidden: set[int]) -> None:
        """A short-form column left narrower than its full cells draws each cell in the form
        that fits: no wider than the widest form drawn (at 80 columns Support kept 15 cells
        for `bugfix…`, `security…`). The cells it gives up go to the key when that is cut."""
        key_index = self._flex_index(self.IDENTITY) if self.IDENTITY else None
        for key in sorted(self.SHORT_FORMS):
            index = self._flex_index(key)
            if index is None or index in hidden or index in fixed:
                continue
            width = widths[index]
            if width >= self._natural.get(index, 0):
                continue
            drawn = self.ordered_columns[index].label.cell_len
            if key in self.UNIFORM:
                level = self._uniform_level(index, width)
                drawn = max(drawn, *(forms[min(level, len(forms) - 1)] for forms in self._forms_measured(index)))
            for forms in () if key in self.UNIFORM else self._forms_measured(index):
                drawn = max(drawn, next((form for form in forms if form <= width), forms[-1]))
            if drawn >= width:
                continue
            widths[index] = drawn
            if key_index is not None and key_index in widths and key_index not in hidden:
                widths[key_index] += max(0, min(width - drawn,
                                                self._natural.get(key_index, 0) - widths[key_index]))

    def _forms_measured(self, index: int) -> Iterable[tuple[int, ...]]:
        """Each row's form widths in column `index` (full first, `cell_forms`), a row
        measured once."""
        measured = self._form_widths
        if len(measured) > 2 * len(self.SHORT_FORMS) * len(self._cells) + KEPT_ROWS:
            measured.clear()
        for key, cells in self._cells.items():
            entry = measured.get((key, index))
            if entry is None or entry[0] is not cells:
                cell = cells[index] if index < len(cells) else ""
                forms = (tuple(cell_width(form) for form in cell_forms(cell))
                         if isinstance(cell, FormText) else (cell_width(cell),))
                entry = measured[(key, index)] = (cells, forms)
            yield entry[1]

    def _uniform_level(self, index: int, width: int) -> int:
        """The first form level (0: the cells whole) at which every row of column `index`
        fits in `width` cells; the last when none does (its cells are then cut with "…")."""
        for level in range(MAX_FORMS - 1):
            if all(forms[min(level, len(forms) - 1)] <= width for forms in self._forms_measured(index)):
                return level
        return MAX_FORMS - 1

    def _form_levels(self, index: int) -> set[int]:
        """The widths at which every row of column `index` draws its n-th form or a wider
        one: the widest n-th form (a row with fewer forms counts its last)."""
        levels: dict[int, int] = {}
        for forms in self._forms_measured(index):
            for level in range(MAX_FORMS):
                width = forms[min(level, len(forms) - 1)]
                if width > levels.get(level, 0):
                    levels[level] = width
        return set(levels.values())

    def flex_steps(self, last_resort: bool) -> tuple[tuple[str, int], ...]:
        """The FLEX steps of one pass (the second, `last_resort`, cuts below the minimums); a
        table may add steps its rows call for."""
        del last_resort  # the same steps in both passes here
        return self.FLEX

    def _flex_index(self, key: str) -> int | None:
        for index, (_, column_key, _) in enumerate(self.COLUMNS):
            if column_key == key:
                return index
        return None

    def _room(self) -> int | None:
        """Cells across the table for its columns (less the vertical bar when rows overflow);
        None before the table has a size."""
        width, height = self.size
        if not width:
            return None
        header = self.header_height if self.show_header else 0
        overflows = len(self.rows) + header > height
        return width - (self.styles.scrollbar_size_vertical if overflows else 0)


def cell_width(cell: Cell) -> int:
    # Every cell is one line: its width is its text's (markup strings only sit in fixed-width
    # columns, whose content width is not used).
    return cell_len(cell if isinstance(cell, str) else cell.plain)
