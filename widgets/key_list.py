"""The help's lists of keys (and states, modes): each beside what it does where the line has
room for both, else what it does under it, indented. At 40 columns the key column (17 cells
for `1 / 2 / 3 / 4 / 5`) left 16 for the text, one or two words a line; at 20 none at all."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

# Cells between the key column and the text, and the fewest cells the text keeps beside the
# keys; under that each key's text goes under it, indented by STACKED_INDENT.
GAP = 3
SIDE_BY_SIDE_TEXT = 30
STACKED_INDENT = 2


class KeyList:
    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        self.rows = list(rows)
        self.key_cells = max((cell_len(key) for key, _ in self.rows), default=0)

    def side_by_side(self, width: int) -> bool:
        return width - self.key_cells - GAP >= SIDE_BY_SIDE_TEXT

    def _grid(self) -> Table:
        grid = Table.grid(padding=(0, GAP))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        for key, what in self.rows:
            grid.add_row(key, what)
        return grid

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self._grid())

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.side_by_side(options.max_width):
            yield self._grid()
            return
        for key, what in self.rows:
            yield Text(key, style="bold")
            yield Padding(Text(what), (0, 0, 0, STACKED_INDENT))
