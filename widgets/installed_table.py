"""The Installed pane: interpreters under the install root, with size and available updates."""

from __future__ import annotations

from dataclasses import dataclass

from pytui.widgets.format import human_size
from pytui.widgets.keyed_table import KeyedTable, Row
from rich.text import Text


@dataclass(frozen=True, slots=True)
class InstalledRow:
    key: str
    build: str | None
    # Bytes on disk; None while still being measured.
    size: int | None
    # "3.12.9" when a newer patch is in the catalog, "build 20250317" for a newer build of the
    # same version, "" when up to date.
    update: str = ""
    # A job is replacing or removing it.
    busy: str = ""


class InstalledTable(KeyedTable):
    """Keyed by installation key."""

    COLUMNS = (
        ("Key", "key", None),
        ("Size", "size", 8),
        ("Update", "update", None),
        ("Build", "build", 8),
    )

    def show(self, rows: list[InstalledRow]) -> None:
        self.sync([_cells(row) for row in rows])


def _cells(row: InstalledRow) -> Row:
    if row.busy:
        update = Text(row.busy, style="yellow")
    elif row.update:
        update = Text(f"↑ {row.update}", style="bold cyan")
    else:
        update = Text("—", style="dim")
    return row.key, (
        Text(row.key),
        Text(human_size(row.size) if row.size is not None else "…", justify="right"),
        update,
        Text(row.build or "—"),
    )
