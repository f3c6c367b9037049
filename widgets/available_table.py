"""The Available pane: catalog builds with their state (installed, cached, in progress)."""

from __future__ import annotations

from pytui.widgets.format import human_size
from pytui.widgets.keyed_table import KeyedTable, Row
from pytui.widgets.rows import CACHED, FAILED, INSTALLED, NOTHING, AvailableRow
from rich.text import Text

__all__ = ["AvailableRow", "AvailableTable", "state_text"]


def state_text(row: AvailableRow) -> Text:
    if row.progress is not None:
        return Text(f"{row.progress:>3d}%", style="bold yellow")
    if row.installed and row.cached:
        return Text(f"{INSTALLED}{CACHED}", style="bold green")
    if row.installed:
        return Text(INSTALLED, style="bold green")
    if row.cached:
        return Text(CACHED, style="bold cyan")
    if row.failed:
        return Text(FAILED, style="bold red")
    return Text(NOTHING, style="dim")


class AvailableTable(KeyedTable):
    """Keyed by build key; `show(rows)` updates the rows in place."""

    COLUMNS = (
        ("State", "state", 5),
        ("Key", "key", None),
        ("Version", "version", None),
        ("Variant", "variant", None),
        ("Build", "build", 8),
        ("Size", "size", 8),
    )

    def show(self, rows: list[AvailableRow]) -> None:
        self.sync([_cells(row) for row in rows])

    def show_one(self, row: AvailableRow) -> bool:
        """Update one build's row in place (a job moved); False if it is not listed."""
        key, cells = _cells(row)
        return self.sync_one(key, cells)


def _cells(row: AvailableRow) -> Row:
    build = row.build
    style = "dim" if row.unavailable else ""
    return build.key, (
        state_text(row),
        Text(build.key, style=style),
        Text(build.version, style=style),
        Text(build.variant, style=style),
        Text(build.build or "—", style=style),
        Text(human_size(row.size) if row.size else "", style=style, justify="right"),
    )
