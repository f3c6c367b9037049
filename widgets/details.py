"""The details panel for the highlighted row: url, sha256, flavor, build date, size, paths,
panes; for a job, its whole outcome (the error wrapped in full, never cut)."""

from __future__ import annotations

from pytui.widgets.rows import Details
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

__all__ = ["Details", "DetailsPanel", "render_details"]


class DetailsPanel(VerticalScroll):
    """Scrolls when a long error does not fit; `details` is what it shows now."""

    DEFAULT_CSS = """
    DetailsPanel { padding: 0 1; scrollbar-size-vertical: 1; }
    DetailsPanel > Static { width: 100%; }
    """

    details: Details | None = None

    def compose(self) -> ComposeResult:
        yield Static(render_details(self.details), id="details-body")

    def show(self, details: Details | None) -> None:
        if details == self.details and self.is_attached:
            return
        self.details = details
        for body in self.query("#details-body").results(Static):
            body.update(render_details(details))

    def render_text(self) -> str:
        """The plain text shown (for tests)."""
        body = self.query_one("#details-body", Static)
        return str(body.render())


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
    parts: list[RenderableType] = [title]
    rows = [(label, value) for label, value in details.fields if value]
    for label, value in rows:
        grid.add_row(label, Text(value, no_wrap=True, overflow="ellipsis"))
    if rows:
        parts.append(grid)
    if details.message:
        parts.append(Text(details.message, style="red"))
    return Group(*parts) if len(parts) > 1 else title
