"""The details panel for the highlighted row: url, sha256, flavor, build date, size, paths, panes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static


@dataclass(frozen=True, slots=True)
class Details:
    title: str
    # (label, value) lines, in order; empty values are skipped.
    fields: Sequence[tuple[str, str]] = field(default_factory=tuple)
    note: str = ""


class DetailsPanel(Static):
    DEFAULT_CSS = """
    DetailsPanel { height: auto; padding: 0 1; }
    """

    details: Details | None = None

    def show(self, details: Details | None) -> None:
        self.details = details
        self.update(render_details(details))


def render_details(details: Details | None) -> RenderableType:
    if details is None:
        return Text("Nothing highlighted.", style="dim")
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    title = Text()
    title.append(details.title, style="bold")
    if details.note:
        title.append("  " + details.note, style="dim")
    title.no_wrap = True
    title.overflow = "ellipsis"
    rows = [(label, value) for label, value in details.fields if value]
    if not rows:
        return title
    for label, value in rows:
        grid.add_row(label, Text(value, no_wrap=True, overflow="ellipsis"))
    return Group(title, grid)
