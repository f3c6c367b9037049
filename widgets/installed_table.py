"""The Installed pane: interpreters under the install root, with size, available updates,
how many environments use each ("…" until the background scan has ended) and the support
status of its minor version."""

from __future__ import annotations

from typing import ClassVar

from pytui.widgets.keyed_table import KeyedTable, Row
from pytui.widgets.rows import BUSY_MARK, DAMAGED_MARK, InstalledRow
from pytui.widgets.state_styles import BAD, NOTE, STATE_STYLES, WAIT
from pytui.widgets.support_cell import SUPPORT_STYLES, support_cell
from pytui.widgets.table_cells import FormText, size_cell
from rich.cells import cell_len
from rich.text import Text

__all__ = ["InstalledRow", "InstalledTable"]


class InstalledTable(KeyedTable):
    """Keyed by installation key."""

    # Size is as wide as its widest cell (at most 10: `1023.9 MiB`), not a fixed width: the
    # key gets the cells a column of short sizes does not use.
    COLUMNS = (
        ("Key", "key", None),
        ("Size", "size", None),
        ("Used by", "used", None),
        ("Update", "update", None),
        ("Support", "support", None),
        ("Build", "build", None),
    )
    # Narrow: the key gives way first, to its version (`3.12.11`), then the build date (Details
    # shows it): the date gave way first, so from 166 to 190 columns the whole key took its
    # cells and the column shown at 136 was gone wider. Then the support status (down to its
    # year, `security → 2028`, its phase, `security…`, then whole: Available and Details
    # show it), the use count, and last the size: the key through its patch and the update
    # mark (`↑ 3.11.7`, the only sign an upgrade exists) stay longest (a row must say which
    # install it is).
    # Before Used by gives way, the size takes its short form (`59.1M`, as a narrow Cached
    # pane's): at 80 columns Used by was dropped for want of one cell.
    # Support keeps its phase (`security…`) by the size's short form: at 100 to 120 columns the
    # table kept 10 cells over where Support needed 11 (its 9 and padding), the size whole.
    FLEX = (("key", 16), ("build", 0), ("support", 9), ("size", 1), ("support", 0), ("used", 0),
            ("size", 0), ("update", 1))
    CLASSED_STYLES = SUPPORT_STYLES | STATE_STYLES
    COMPONENT_CLASSES: ClassVar[set[str]] = set(SUPPORT_STYLES | STATE_STYLES)
    IDENTITY = "key"
    WHOLE = frozenset({"build", "used"})
    # The update mark gives way to `↑` alone (Details names the version), never `↑ 3.14.…`.
    SHORT_FORMS = frozenset({"support", "update", "size"})
    # Cut alike in every row: the whole key or every label, the year or every phase, every
    # Update cell in words (`3.12.11 installed`), with its mark and version (`✓ 3.12.11` beside
    # `↑ 3.11.13`; a job's word whole) or as its mark alone (`✓`, `↑`, `↻`): at 80 columns
    # `↑ 3.11.13` read beside `✓`, at 40 `↑` beside `waiting…`.
    UNIFORM = frozenset({"key", "support", "size", "update"})

    # The widest Update cell in its middle form (`↑ 3.11.7`, `✓ 3.12.11`, `waiting…`).
    _marks = 0

    def show(self, rows: list[InstalledRow]) -> None:
        cells = [_cells(row) for row in rows]
        updates = [cell[1][UPDATE] for cell in cells]
        self._marks = max((update.short.cell_len for update in updates if isinstance(update, FormText)),
                          default=0)
        self.sync(cells)

    def flex_steps(self, last_resort: bool) -> tuple[tuple[str, int], ...]:
        """A `3.12.11 installed` note (nothing to do) gives way to `✓ 3.12.11` before Support,
        Used by and Size go: at 80 columns its 17 cells, kept whole to the last, took every row's size.
        An upgrade's `↑ 3.11.7` (and every row beside it in that form) still stays longest."""
        if last_resort:
            return self.FLEX
        # First of all (the same words, shorter): at 200 columns the key read as its version, 2
        # cells short of whole (23 blank) beside the note's words; at 110 columns
        # `3.12.11 installed` stayed whole, Support gone for want of the 3 cells `✓ 3.12.11`
        # would have left; at 116 Support read `security → 2029` beside `✓ 3.12.11` and at 120
        # `security…` beside the words: a column drew less as the terminal widened.
        at = self.FLEX.index(("key", 16))
        note_first = (("update", max(self._marks, len("Update"))),)
        return self.FLEX[:at] + note_first + self.FLEX[at:]


# The Update column's index in COLUMNS.
UPDATE = 3


def _update_forms(text: str, middle: str, mark: Text, style: str) -> FormText:
    """An Update cell's three forms, one per uniform level: words, mark and version, mark."""
    return FormText(text, style=style, short=FormText(middle, style=style, short=mark))


def _cells(row: InstalledRow) -> Row:
    update: Text
    if row.busy:
        # Where the word does not fit, its mark (a damaged install's `!`, as Available's): at
        # 40x12 the column gave way whole for it, and the other rows' `↑` with it.
        mark = Text(DAMAGED_MARK, style=f"bold {BAD}") if row.busy == "damaged" else Text(BUSY_MARK, style=f"bold {WAIT}")
        update = _update_forms(row.busy, row.busy, mark, WAIT)
    elif row.update_installed:
        # `3.12.11 installed` gives way to `✓ 3.12.11`, then `✓` (Details says it whole): at
        # 80 columns its 17 cells, claimed whole, pushed Size and Used by out of every row.
        version = row.update.removesuffix(" installed")
        update = _update_forms(row.update, f"✓ {version}", Text("✓", style="dim"), "dim")
    elif row.update:
        update = _update_forms(f"↑ {row.update}", f"↑ {row.update}", Text("↑", style=f"bold {NOTE}"),
                               f"bold {NOTE}")
    else:
        update = Text("—", style="dim")
    return row.key, (
        _key_cell(row),
        size_cell(row.size) if row.size is not None else Text("…", justify="right"),
        Text("…" if row.used_by is None else str(row.used_by) if row.used_by else "—",
             style="dim" if not row.used_by else "", justify="right"),
        update,
        support_cell(row.support),
        Text(row.build or "—"),
    )


def _key_cell(row: InstalledRow) -> Text:
    """The key; where it does not fit (120 columns and narrower), the row's label (`3.13.1`,
    app/installed_labels.py): the version whole, not `cpython-3.13.1-li…`. Details shows the
    whole key."""
    if not row.label or cell_len(row.label) >= cell_len(row.key):
        return Text(row.key)
    return FormText(row.key, short=Text(row.label))
