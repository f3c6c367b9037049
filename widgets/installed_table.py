"""The Installed pane: interpreters under the install root, with size, available updates,
how many environments use each ("…" until the background scan has ended) and the support
status of its minor version."""

from __future__ import annotations

from typing import ClassVar

from pytui.widgets.format import human_size
from pytui.widgets.keyed_table import KeyedTable, Row
from pytui.widgets.rows import InstalledRow
from pytui.widgets.support_cell import SUPPORT_STYLES, support_cell
from pytui.widgets.table_cells import FormText
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
    # Narrow: the build date gives way first (Details shows it), then the key (ending in "…",
    # down to its version: `cpython-3.12.11…`), then the support status (down to its phase,
    # `security…`, then whole: Available and Details show it), the use count, and last the
    # size: the key through its patch and the update mark (`↑ 3.11.7`, the only sign an
    # upgrade exists) stay longest (a row must say which install it is).
    FLEX = (("build", 0), ("key", 16), ("support", 9), ("support", 0), ("used", 0), ("size", 0),
            ("update", 1))
    CLASSED_STYLES = SUPPORT_STYLES
    COMPONENT_CLASSES: ClassVar[set[str]] = set(SUPPORT_STYLES)
    IDENTITY = "key"
    WHOLE = frozenset({"build", "used", "size"})
    # The update mark gives way to `↑` alone (Details names the version), never `↑ 3.14.…`.
    SHORT_FORMS = frozenset({"support", "update"})

    def show(self, rows: list[InstalledRow]) -> None:
        self.sync([_cells(row) for row in rows])


def _cells(row: InstalledRow) -> Row:
    if row.busy:
        update = Text(row.busy, style="yellow")
    elif row.update_installed:
        update = Text(row.update, style="dim")
    elif row.update:
        update = FormText(f"↑ {row.update}", style="bold cyan",
                          short=Text("↑", style="bold cyan"))
    else:
        update = Text("—", style="dim")
    return row.key, (
        Text(row.key),
        Text(human_size(row.size) if row.size is not None else "…", justify="right"),
        Text("…" if row.used_by is None else str(row.used_by) if row.used_by else "—",
             style="dim" if not row.used_by else "", justify="right"),
        update,
        support_cell(row.support),
        Text(row.build or "—"),
    )
