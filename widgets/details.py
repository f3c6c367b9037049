"""The details panel for the highlighted row: url, sha256, flavor, build date, size, paths,
panes; for a job, its whole outcome (the error wrapped in full, never cut). A URL or a path is
wrapped whole; a value of several words is cut after a word."""

from __future__ import annotations

from typing import ClassVar

from pytui.widgets.cut_rules import cut_parts, cut_words
from pytui.widgets.folded import Folded
from pytui.widgets.list_bindings import KeyScroll
from pytui.widgets.rows import NOTHING_HIGHLIGHTED, Details
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

__all__ = ["Details", "DetailsPanel", "render_details"]

# The component class a job's error line is drawn with ($status-bad).
BAD_CLASS = "details--bad"

class DetailsPanel(KeyScroll):
    """Scrolls when a long error does not fit (↑/↓ or j/k once focused); `details` is what it shows now."""

    # The scrollbar's column is kept whether or not the text overflows (`scrollbar-gutter`):
    # Textual decides a scrollbar after laying out the frame it draws, so the first frame after
    # a resize that brought or took one away had the text fitted to the other width (at 80x24
    # the support line cut one word later, the next frame correcting it).
    DEFAULT_CSS = """
    DetailsPanel { padding: 0 1; scrollbar-size-vertical: 1; scrollbar-gutter: stable; }
    DetailsPanel > Static { width: 100%; }
    """
    # A job's error line, in the theme's status colour (as the tables' state cells; app.tcss), not Rich's
    # fixed `red`, which the light theme does not choose its grounds against.
    COMPONENT_CLASSES: ClassVar[set[str]] = {BAD_CLASS}

    details: Details | None = None
    # What it says when `details` is None (why nothing is highlighted).
    empty: str = NOTHING_HIGHLIGHTED

    def compose(self) -> ComposeResult:
        yield Static(render_details(self.details, self.empty), id="details-body")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._render_body())

    def _bad_style(self) -> Style:
        return self.get_component_rich_style(BAD_CLASS, partial=True)

    def _render_body(self) -> None:
        """Draws `details` again (in the theme's colours, after the theme changed)."""
        for body in self.query("#details-body").results(Static):
            body.update(render_details(self.details, self.empty, self._bad_style()))

    def show(self, details: Details | None, empty: str = NOTHING_HIGHLIGHTED) -> None:
        if details == self.details and (details is not None or empty == self.empty) \
                and self.is_attached:
            return
        self.details, self.empty = details, empty
        self._render_body()

    def render_text(self) -> str:
        """The plain text shown (for tests)."""
        body = self.query_one("#details-body", Static)
        return str(body.render())


class _Title:
    """The key in bold, then as many whole parts of the note as fit (`build 20250818 ·
    install_only …`): a part is never cut inside (a size cut reads as another size)."""

    def __init__(self, key: str, note: str) -> None:
        self.key, self.note = key, note

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(self.key, style="bold")
        room = options.max_width - len(self.key) - 2
        note = cut_parts(self.note.split(" · "), room) if self.note else ""
        if note:
            text.append("  " + note, style="dim")
        yield text


class _WordCut:
    """A value on one line, cut after a whole word when it does not fit (`…then security
    fixes only…`, never `…fixes onl…`)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, len(self.value))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(cut_words(self.value, options.max_width) or self.value[:options.max_width],
                   no_wrap=True, overflow="crop")


# Fields whose value starts with a path or a URL: shown whole (wrapped) even when it holds a
# space, as `~/My Projects/…` does; a cut path cannot be read or typed again (`mirror`: the key
# and the configuration file that set it, `python-install-mirror in ~/proj/uv.toml`).
PATH_FIELDS = frozenset({"archive", "install", "url", "path", "interpreter", "mirror"})
# A job's own lines (what it waits for and who holds it, how it ended): wrapped whole, as its
# error; cut after a word, a wait at 80 columns lost its holder and `c cancels`.
JOB_LINE_FIELDS = frozenset({"now", "result"})


def render_details(details: Details | None, empty: str = NOTHING_HIGHLIGHTED,
                   bad: Style | str = "") -> RenderableType:
    """`details` as drawn; its message (a job's error) in `bad`, the panel's status colour."""
    if details is None:
        return Text(empty, style="dim")
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(ratio=1, no_wrap=True)
    title: RenderableType = _Title(details.title, details.note)
    parts: list[RenderableType] = [title]
    rows = [(label, value) for label, value in details.fields if value]
    for label, value in rows:
        # A value of one word (a URL, a path) is shown whole, wrapped after a `/` as the
        # dialogs and toasts wrap one: a cut URL or path cannot be read or typed again.
        whole = " " not in value or label in PATH_FIELDS or label in JOB_LINE_FIELDS
        grid.add_row(label, Folded(value) if whole else _WordCut(value))
    if rows:
        parts.append(grid)
    if details.message:
        parts.append(Text(details.message, style=bad))
    return Group(*parts) if len(parts) > 1 else title
