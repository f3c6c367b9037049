"""The Environments view's table: one row per environment, broken ones marked."""

from __future__ import annotations

from pytui.widgets.keyed_table import KeyedTable, Row
from pytui.widgets.rows import EnvRow
from rich.text import Text
from textual.binding import Binding

__all__ = ["EnvRow", "EnvTable"]


class EnvTable(KeyedTable):
    """Keyed by the environment's absolute path."""

    # Enter does nothing here (nothing to install); Esc closes the view.
    BINDINGS = [Binding("enter", "screen.noop", show=False),
                Binding("escape", "screen.close", "Close", show=False)]

    COLUMNS = (
        ("Path", "path", None),
        ("Kind", "kind", 17),
        ("Key", "key", None),
        ("How", "how", None),
        ("Status", "status", 8),
    )

    def show(self, rows: list[EnvRow]) -> None:
        self.sync([_cells(row) for row in rows])


def _cells(row: EnvRow) -> Row:
    broken = row.status == "broken"
    return row.id, (
        Text(row.path, style="bold red" if broken else ""),
        Text(row.kind),
        Text(row.key, style="dim" if row.key == "missing" else ""),
        Text(row.how, style="red" if broken else ("dim" if row.how.startswith("external")
                                                   else "")),
        Text("✗ broken" if broken else "ok", style="bold red" if broken else "green"),
    )
