"""The Jobs panel: one row per job with its phase, a progress bar, bytes, speed, ETA and error."""

from __future__ import annotations

from dataclasses import dataclass

from pytui.widgets.format import human_duration, human_size, human_speed
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import ProgressBar, Static

RUNNING_PHASES = ("queued", "resolve", "waiting", "download", "verify", "extract", "finish")
ENDED_PHASES = ("done", "failed", "cancelled")


@dataclass(frozen=True, slots=True)
class JobView:
    job_id: int
    title: str
    # A core phase while running (resolve/download/verify/extract/finish), "queued",
    # "cancelling", or how it ended: done / failed / cancelled.
    phase: str
    done: int = 0
    total: int | None = None
    speed: float | None = None
    error: str = ""
    # What `done`/`total` count: "bytes" or "files".
    unit: str = "bytes"

    @property
    def ended(self) -> bool:
        return self.phase in ENDED_PHASES

    @property
    def eta(self) -> float | None:
        if self.ended or not self.speed or self.total is None or self.unit != "bytes":
            return None
        return max(0.0, (self.total - self.done) / self.speed)


_PHASE_STYLE = {
    "done": "bold green", "failed": "bold red", "cancelled": "dim", "cancelling": "yellow",
    "queued": "dim", "download": "cyan", "verify": "magenta", "extract": "blue",
    "finish": "green", "resolve": "dim", "waiting": "yellow",
}


def amount_text(view: JobView) -> str:
    if view.unit == "files":
        total = f"/{view.total}" if view.total is not None else ""
        return f"{view.done}{total} files"
    if view.total:
        return f"{human_size(view.done)} / {human_size(view.total)}"
    return human_size(view.done) if view.done else ""


class JobRow(Widget, can_focus=True):
    """One job; focus it and press `c` to cancel it (or dismiss it once it ended).

    Kept to four widgets (label, bar, numbers, error line): a row is mounted while other
    jobs are busy, and fewer widgets mean a shorter pause for the UI.
    """

    DEFAULT_CSS = """
    JobRow { height: auto; layout: vertical; }
    JobRow > Horizontal { height: 1; }
    JobRow .job-label { width: 1fr; min-width: 24; }
    JobRow ProgressBar { width: 27; }
    JobRow ProgressBar Bar { width: 20; }
    JobRow .job-numbers { width: 41; }
    JobRow .job-error {
        color: $error; padding-left: 2; display: none;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    JobRow.-failed .job-error { display: block; }
    JobRow:focus { background: $boost; }
    """

    def __init__(self, view: JobView, *, show_eta: bool = True) -> None:
        super().__init__(id=f"job-{view.job_id}")
        self.view = view
        self._show_eta = show_eta

    @property
    def job_id(self) -> int:
        return self.view.job_id

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("", classes="job-label")
            # A total from the start: an indeterminate bar animates (and costs CPU, Textual
            # issue #4835) until the first byte count arrives.
            yield ProgressBar(total=1, show_eta=False, show_percentage=True)
            yield Static("", classes="job-numbers")
        yield Static("", classes="job-error", markup=False)

    def on_mount(self) -> None:
        self.show(self.view)

    def show(self, view: JobView) -> None:
        """Redraw from `view` (absolute values, so a dropped update costs nothing)."""
        previous = self.view
        self.view = view
        if not self.is_mounted:
            return
        try:
            bar = self.query_one(ProgressBar)
        except NoMatches:
            return
        self.query_one(".job-label", Static).update(label_renderable(view, self.has_focus))
        if view.phase == "done":
            full = max(previous.total or 1, 1)
            bar.update(total=full, progress=full)
        elif view.total is not None and not view.ended:
            # A new phase restarts the bar with its own total.
            bar.update(total=max(view.total, 1), progress=min(view.done, max(view.total, 1)))
        self.query_one(".job-numbers", Static).update(numbers_text(view, self._show_eta))
        self.query_one(".job-error", Static).update(view.error)
        self.set_class(view.phase == "failed", "-failed")
        self.set_class(view.ended, "-ended")

    def on_focus(self) -> None:
        self.query_one(".job-label", Static).update(label_renderable(self.view, True))

    def on_blur(self) -> None:
        self.query_one(".job-label", Static).update(label_renderable(self.view, False))


def label_renderable(view: JobView, focused: bool = False) -> Table:
    """The build (cut with an ellipsis when narrow) and the phase in a fixed-width column."""
    grid = Table.grid(expand=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(width=11, no_wrap=True)
    grid.add_row(Text(view.title, style="bold" if focused else ""),
                 Text(" " + view.phase, style=_PHASE_STYLE.get(view.phase, "")))
    return grid


def numbers_text(view: JobView, show_eta: bool = True) -> Text:
    """Bytes done/total, speed and ETA in fixed columns (21 + 12 + 8)."""
    speed = human_speed(view.speed) if not view.ended else ""
    eta = human_duration(view.eta) if show_eta else ""
    return Text(f"{amount_text(view):>21}{speed:>12}{eta:>8}", no_wrap=True)


class JobList(VerticalScroll):
    """All jobs, newest last; an empty list shows a one-line hint."""

    DEFAULT_CSS = """
    JobList { height: auto; max-height: 8; }
    JobList > .jobs-empty { color: $text-muted; }
    """

    def __init__(self, *, show_eta: bool = True, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._show_eta = show_eta
        self._rows: dict[int, JobRow] = {}

    def compose(self) -> ComposeResult:
        yield Static("No jobs. Highlight a build and press i to install it.", classes="jobs-empty")

    def upsert(self, view: JobView) -> None:
        row = self._rows.get(view.job_id)
        if row is None:
            row = JobRow(view, show_eta=self._show_eta)
            self._rows[view.job_id] = row
            self.query(".jobs-empty").set(display=False)
            self.mount(row)
            self.scroll_end(animate=False)
        else:
            row.show(view)

    def remove_job(self, job_id: int) -> None:
        row = self._rows.pop(job_id, None)
        if row is not None:
            row.remove()
        if not self._rows:
            self.query(".jobs-empty").set(display=True)

    def row(self, job_id: int) -> JobRow | None:
        return self._rows.get(job_id)

    @property
    def focused_job(self) -> int | None:
        focused = self.app.focused
        return focused.job_id if isinstance(focused, JobRow) else None

    def views(self) -> list[JobView]:
        return [row.view for row in self._rows.values()]
