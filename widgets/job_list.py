"""The Jobs panel: one row per job with its phase, a progress bar, bytes, speed, ETA and error."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from pytui.core.progress import whole_percent
from pytui.widgets.fitted_line import WordCutLine
from pytui.widgets.format import human_duration, human_speed
from pytui.widgets.job_line import CompactColumns, CompactLine, amount_text, compact_columns
from pytui.widgets.list_bindings import LIST_MOVES
from pytui.widgets.rows import ENDED_PHASES, RUNNING_PHASES, JobView
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.widgets import ProgressBar

__all__ = ["ENDED_PHASES", "RUNNING_PHASES", "JobList", "JobRow", "JobView"]

# Phase -> the row's component class that colours it (theme colours, readable in each).
_PHASE_CLASS = {
    "done": "job-row--ok", "failed": "job-row--bad", "cancelled": "job-row--muted",
    "cancelling": "job-row--wait", "queued": "job-row--muted", "resolve": "job-row--muted",
    "waiting": "job-row--wait", "download": "job-row--busy", "verify": "job-row--busy",
    "extract": "job-row--busy", "link": "job-row--busy", "finish": "job-row--busy", "remove": "job-row--busy",
}
# Finished rows kept in the panel (newest first, below the running ones); History has all.
MAX_ENDED_ROWS = 4


class JobRow(Widget, can_focus=True):
    """One job; focus it and press `c` to cancel it (or dismiss it once it ended).

    Kept to four widgets (label, bar, numbers, error line): a row is mounted while other
    jobs are busy, and fewer widgets mean a shorter pause for the UI.
    """

    COMPONENT_CLASSES = {"job-row--ok", "job-row--bad", "job-row--muted", "job-row--wait",
                         "job-row--busy"}
    # Phases, notes and errors in the app's contrast-checked colours ($status-*, app/contrast.py).
    # These rules are parsed when the first job row is mounted, not for the first screen (they
    # were in app.tcss); not scoped, so the narrow-terminal rules can start at the Screen.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    JobRow > .job-row--ok { color: $status-ok; text-style: bold; }
    JobRow > .job-row--bad { color: $status-bad; text-style: bold; }
    JobRow > .job-row--muted { color: $text-muted; }
    JobRow > .job-row--wait { color: $status-wait; }
    JobRow > .job-row--busy { color: $status-busy; }
    JobRow { height: auto; layout: vertical; }
    JobRow > Horizontal { height: 1; }
    /* At most a long key and the phase wide: at 200 columns the numbers stay beside it. */
    JobRow .job-label { width: 4fr; min-width: 24; max-width: 64; }
    /* A short bar at 120 columns (its minimum: the label keeps a 44-character key and its
       phase); wider, the room the label does not take, up to 60 cells (it was 18 at 200).
       Two blank cells after the percentage: a 21-character byte count fills its column. */
    JobRow ProgressBar { width: 1fr; min-width: 18; max-width: 60; padding-right: 2; }
    JobRow ProgressBar Bar { width: 1fr; }
    JobRow Bar > .bar--bar { color: $status-busy; }
    JobRow Bar > .bar--complete { color: $status-ok; }
    JobRow .job-numbers { width: 41; }
    JobRow .job-error {
        color: $status-bad; padding-left: 2; display: none;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    JobRow.-failed .job-error { display: block; }
    JobRow.-no-bar ProgressBar { visibility: hidden; }
    JobRow.-note .job-error { display: block; color: $status-wait; }
    JobRow:focus { background: $boost; }
    /* Narrow (see COMPACT_BELOW): one line laid out for its width (`compact_line`). */
    JobRow.-compact ProgressBar, JobRow.-compact .job-numbers { display: none; }
    JobRow.-compact .job-label { max-width: 100%; height: 1; }
    """

    def __init__(self, view: JobView, *, show_eta: bool = True) -> None:
        super().__init__(id=f"job-{view.job_id}")
        self.view = view
        self._show_eta = show_eta
        self._compact = False
        # The narrow line's columns (JobList sets them from every row: rows line up).
        self.columns = CompactColumns()
        # Whether the running job has shown a note once its bytes moved (a stall): its line
        # stays, blank once the note is over, until the job ends, so the panel and the panes
        # above do not jump a row each time a stall comes and goes. A note before the first
        # byte (waiting for the mirror, for a lock) goes with its line: every download has one.
        self._note_line = False

    @property
    def job_id(self) -> int:
        return self.view.job_id

    def compose(self) -> ComposeResult:
        # Every part is drawn from `self.view` here, so a row shows its key and phase from
        # the frame it appears in, whenever (and however often) `show` was called before.
        from textual.widgets import ProgressBar  # on the first job: the first screen has none

        view = self.view
        # Until the row has a size, the terminal's width says which layout it gets.
        self._set_compact(self.app.size.width - ROW_MARGIN < COMPACT_BELOW)
        with Horizontal():
            yield Static(self._label(view, False), classes="job-label")
            # A total from the start: an indeterminate bar animates (and costs CPU, Textual
            # issue #4835) until the first byte count arrives.
            total, progress = _bar_values(view)
            yield ProgressBar(total=total, show_eta=False, show_percentage=True)
            yield Static(numbers_text(view, self._show_eta), classes="job-numbers")
        yield WordCutLine(_second_line(view), classes="job-error", markup=False)

    def on_mount(self) -> None:
        self._apply(self.view)

    def show(self, view: JobView) -> None:
        """Keep `view` and redraw from it (absolute values, so a dropped update costs nothing).

        Before the children exist this only stores the view: `compose` draws from it."""
        self.view = view
        self._apply(view)

    def _apply(self, view: JobView) -> None:
        bars = self.query("ProgressBar")
        if not bars:
            return  # not composed yet; compose() draws self.view
        bar = cast("ProgressBar", bars.first())
        total, progress = _bar_values(view)
        bar.update(total=total, progress=progress)
        self.query_one(".job-label", Static).update(self._label(view, self.has_focus))
        self.query_one(".job-numbers", Static).update(numbers_text(view, self._show_eta))
        self.query_one(".job-error", Static).update(_second_line(view))
        self.set_class(view.phase == "failed", "-failed")
        self._note_line = (self._note_line or bool(view.note and view.done)) and not view.ended
        self.set_class(self._note_line or (bool(view.note) and not view.ended), "-note")
        self.set_class(view.ended, "-ended")
        self.set_class(not view.bar_shown, "-no-bar")

    def _label(self, view: JobView, focused: bool) -> Table | CompactLine:
        phase_class = _PHASE_CLASS.get(view.phase)
        style = self.get_component_rich_style(phase_class) if phase_class else ""
        if self._compact:
            return CompactLine(view, focused, style, self._show_eta, self.columns)
        return label_renderable(view, focused, style)

    def _set_compact(self, compact: bool) -> bool:
        """True when the layout changed."""
        if compact == self._compact:
            return False
        self._compact = compact
        self.set_class(compact, "-compact")
        return True

    def on_resize(self) -> None:
        if self._set_compact(self.size.width < COMPACT_BELOW):
            self._redraw_label()

    def align(self, columns: CompactColumns) -> None:
        """Line the narrow layout's columns up with the other rows' (compact_columns)."""
        if columns != self.columns:
            self.columns = columns
            if self._compact:
                self._redraw_label()

    def _redraw_label(self) -> None:
        labels = self.query(".job-label")
        if labels:
            labels.first(Static).update(self._label(self.view, self.has_focus))

    def on_focus(self) -> None:
        self.query_one(".job-label", Static).update(self._label(self.view, True))

    def on_blur(self) -> None:
        self.query_one(".job-label", Static).update(self._label(self.view, False))


def _bar_values(view: JobView) -> tuple[float, float]:
    """(total, progress) for the bar, in whole percents (core/progress.whole_percent): the
    bar's own label rounds its fraction, so given bytes it read 44% where the rows said 43%.
    Full when done, the phase's own share while running, 0 until its total is known (as
    app/job_view.percent)."""
    if view.phase == "done":
        return 100, 100
    return 100, whole_percent(view.done, view.total) if view.total else 0


def _second_line(view: JobView) -> str:
    if view.phase == "failed":
        return view.error or "failed"
    return view.note if not view.ended else ""


def label_renderable(view: JobView, focused: bool = False,
                     phase_style: Style | str = "") -> Table:
    """The build (cut with an ellipsis when narrow) and the phase in a fixed-width column
    (coloured by the row, from its theme: see `_PHASE_CLASS`)."""
    grid = Table.grid(expand=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(width=11, no_wrap=True)
    grid.add_row(Text(view.title, style="bold" if focused else ""),
                 Text(" " + (view.phase_label or view.phase), style=phase_style))
    return grid


# Narrower than this (the wide layout's bar and numbers, 59 cells, beside a 44-character
# free-threaded key and its phase), a row is one line laid out for its width: the wide
# layout would cut the key. ROW_MARGIN: the panel's border and padding around a row.
COMPACT_BELOW = 114
ROW_MARGIN = 4
def numbers_text(view: JobView, show_eta: bool = True) -> Text:
    """Bytes done/total, speed and ETA in fixed columns (21 + 12 + 8)."""
    speed = human_speed(view.speed) if not view.ended else ""
    eta = human_duration(view.eta) if show_eta else ""
    return Text(f"{amount_text(view):>21}{speed:>12}{eta:>8}", no_wrap=True)


class JobList(VerticalScroll):
    """Running and queued jobs first (in the order they started), then finished ones, newest
    first and at most `MAX_ENDED_ROWS` of them (History lists every one): a job that ends
    never pushes a running one out of view. An empty list shows a one-line hint (drawn by
    the list itself, not a child widget: one widget less to build for the first screen).

    ↓/↑ (j/k) move the focus between job rows, Home/End (g/G) to the first/last one: the
    pane tables' keys (widgets/list_bindings.py)."""

    BINDINGS = [Binding("down", "cursor_down", "Down", show=False),
                Binding("up", "cursor_up", "Up", show=False),
                *LIST_MOVES]

    COMPONENT_CLASSES = {"jobs--empty"}
    DEFAULT_CSS = """
    JobList { height: auto; max-height: 8; scrollbar-size-vertical: 1; }
    JobList > .jobs--empty { color: $text-muted; }
    """

    def __init__(self, *, empty_note: str, show_eta: bool = True,
                 id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._show_eta = show_eta
        self._rows: dict[int, JobRow] = {}
        # What the panel says with no job (the app's words: app/details_view.empty_jobs_note).
        self._empty_note = empty_note

    def show_empty_note(self, note: str) -> None:
        if note != self._empty_note:
            self._empty_note = note
            if not self._rows:
                self.refresh()

    class Moved(Message):
        """The panel's size changed (the app keeps the toasts above it)."""

    def on_resize(self) -> None:
        self.post_message(self.Moved())

    def render(self) -> RenderResult:
        if self._rows:
            return super().render()
        return Text(self._empty_note, style=self.get_component_rich_style("jobs--empty"))

    def upsert(self, view: JobView) -> None:
        row = self._rows.get(view.job_id)
        if row is None:
            row = JobRow(view, show_eta=self._show_eta)
            self._rows[view.job_id] = row
            if len(self._rows) == 1:
                self.refresh()  # the hint goes
                self._focus_rows_only(row)
            self.mount(row, before=self._first_ended())
            if view.ended:
                self._ended_moved(row)
            self._show_running()
            self._align()
            return
        was_ended, phase = row.view.ended, row.view.phase_label or row.view.phase
        row.show(view)
        if (view.phase_label or view.phase) != phase:
            self._align()  # a longer phase (`cancelled`) widens every row's phase column
        if view.ended and not was_ended:
            self._ended_moved(row)
            self._show_running()

    def _first_ended(self, besides: JobRow | None = None) -> JobRow | None:
        """The first finished row in the panel (where running rows end)."""
        return next((child for child in self.children if isinstance(child, JobRow)
                     and child is not besides and child.view.ended), None)

    def _ended_moved(self, row: JobRow) -> None:
        """A row that just ended goes first among the finished ones; the oldest finished rows
        beyond `MAX_ENDED_ROWS` leave the panel."""
        first = self._first_ended(besides=row)
        if first is not None and first is not row:
            self.move_child(row, before=first)
        elif first is None and self.children[-1] is not row:
            self.move_child(row, after=self.children[-1])
        ended = [child for child in self.children
                 if isinstance(child, JobRow) and child.view.ended]
        for old in ended[MAX_ENDED_ROWS:]:
            if not old.has_focus:
                self.remove_job(old.job_id)

    def _show_running(self) -> None:
        """Scroll to the top, where running rows are, unless the user is on a job row."""
        if not isinstance(self.app.focused, JobRow):
            self.scroll_home(animate=False)

    def remove_job(self, job_id: int) -> None:
        rows = self._job_rows()
        row = self._rows.pop(job_id, None)
        if not self._rows:
            self.can_focus = True
            self.refresh()  # the hint comes back
        if row is not None:
            if row.has_focus:
                # The focus stays in the panel: the next row, else the one above, else the
                # panel itself (its hint).
                at = rows.index(row) if row in rows else 0
                left = [r for r in rows if r is not row]
                self.screen.set_focus(left[min(at, len(left) - 1)] if left else self)
            row.remove()
        self._align()

    def _focus_rows_only(self, first: JobRow) -> None:
        """With rows, Tab stops on a row only, not on the panel and then its first row (two
        stops for one pane); the empty panel is focusable so Tab and `4` reach its hint. The
        focus on the empty panel goes to its first row."""
        self.can_focus = False
        if self.has_focus:
            self.call_after_refresh(self.screen.set_focus, first)

    def _align(self) -> None:
        """Every row's narrow layout pads its columns to the longest shown (compact_columns)."""
        columns = compact_columns(row.view for row in self._rows.values())
        for row in self._rows.values():
            row.align(columns)

    def _job_rows(self) -> list[JobRow]:
        return [child for child in self.children
                if isinstance(child, JobRow) and child.job_id in self._rows]

    def _focus_row(self, step: int | None, end: int = 0) -> None:
        """Focus the row `step` rows from the focused one (None: the row at index `end`)."""
        rows = self._job_rows()
        if not rows:
            return
        focused = self.screen.focused
        if step is None or focused not in rows:
            target = rows[end if step is None else (0 if step > 0 else -1)]
        else:
            index = rows.index(focused) + step
            target = rows[max(0, min(len(rows) - 1, index))]
        # screen.set_focus, not focus(): a key typed right after acts on the new row.
        self.screen.set_focus(target)
        target.scroll_visible(animate=False)

    def action_cursor_down(self) -> None:
        self._focus_row(1)

    def action_cursor_up(self) -> None:
        self._focus_row(-1)

    def action_scroll_top(self) -> None:
        self._focus_row(None, 0)

    def action_scroll_bottom(self) -> None:
        self._focus_row(None, -1)

    def row(self, job_id: int) -> JobRow | None:
        return self._rows.get(job_id)

    @property
    def focused_job(self) -> int | None:
        focused = self.app.focused
        return focused.job_id if isinstance(focused, JobRow) else None

    def views(self) -> list[JobView]:
        """What the panel shows, top to bottom."""
        return [child.view for child in self.children
                if isinstance(child, JobRow) and child.job_id in self._rows]
