"""Puts what the view model derives into the widgets (UI thread only): the panes, the header,
a job's row and the rows of its build, and the details of whatever is highlighted."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from pytui.app.details_view import empty_jobs_note, nothing_note
from pytui.app.job_record import Job
from pytui.app.job_view import full_slots, job_view
from pytui.app.state import AppState
from pytui.app.view_model import ViewModel
from pytui.widgets.available_table import AvailableTable
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.details import DetailsPanel
from pytui.widgets.header import HeaderBar
from pytui.widgets.installed_table import InstalledTable
from pytui.widgets.job_list import JobList, JobRow
from pytui.widgets.keyed_table import KeyedTable
from pytui.widgets.pane import Pane
from pytui.widgets.rows import CacheRow, HeaderInfo
from textual.app import App, ScreenStackError
from textual.css.query import NoMatches
from textual.widget import Widget

# What a message that arrives while the app quits meets: widgets gone, or no screen at all.
GONE = (NoMatches, ScreenStackError)
# The main screen's tables the details follow; another screen's table (the Environments
# view's) has details of its own.
DETAILS_TABLES = frozenset({"available", "cached", "installed"})


class Renderer:
    def __init__(self, app: App, state: AppState, vm: ViewModel,
                 footer_dimmed: Callable[[], frozenset[str]] = frozenset) -> None:
        self._app = app
        self._state = state
        self._vm = vm
        # The pane whose highlighted row the details show: a table id, or "jobs".
        self.details_pane = "available"
        self._header_shown: HeaderInfo | None = None
        # The keys the footer dims now (app/keymap.footer_plan: `c` with no job, `u` where
        # nothing is installed), and those it dimmed when last told: it is redrawn on a change.
        self._footer_dimmed = footer_dimmed
        self._dimmed_shown: frozenset[str] | None = None

    def all(self) -> None:
        """Re-derive every pane's rows from the state; tables change only what differs."""
        app, state, vm = self._app, self._state, self._vm
        with contextlib.suppress(*GONE):  # a message that arrives while quitting
            rows = vm.available_rows(state)
            app.query_one("#available", AvailableTable).show(rows)
            _subtitle(app, "#available-pane", vm.available_subtitles(state, len(rows)))
            cached = vm.cache_rows(state)
            app.query_one("#cached", CacheTable).show(cached)
            _cached_subtitle(app, vm, state, cached)
            installed = vm.installed_rows(state)
            app.query_one("#installed", InstalledTable).show(installed)
            _subtitle(app, "#installed-pane", vm.installed_subtitles(state, len(installed)))
            app.query_one("#jobs", JobList).show_empty_note(empty_jobs_note(state))
        self.header()
        self.details()

    def footer_pane(self) -> str:
        """The pane whose keys lead the footer: the focused table or job, else (Details, the
        filter box) the pane whose row the details show, which those keys act on."""
        focused = self._app.focused
        if isinstance(focused, KeyedTable) and focused.id in DETAILS_TABLES:
            return focused.id
        if isinstance(focused, (JobRow, JobList)):
            return "jobs"
        return self.details_pane

    def footer_dims(self) -> None:
        """The footer is redrawn when the keys it dims change: a job listed or none, a row
        highlighted whose build is installed or not (a focus change redraws it anyway). News
        landing as the app closes, with no screen left, redraws nothing (`focused` raises)."""
        with contextlib.suppress(*GONE):
            dimmed = self._footer_dimmed()
            if dimmed != self._dimmed_shown:
                self._dimmed_shown = dimmed
                self._app.refresh_bindings()

    def focused_job_ended(self) -> bool:
        """Whether the focused job row's job has ended (`c` dismisses its row)."""
        focused = self._app.focused
        if not isinstance(focused, JobRow):
            return False
        job = self._state.jobs.get(focused.job_id)
        return job is not None and job.ended

    def available_subtitle(self) -> None:
        """The Available subtitle again for the rows shown (the filter was kept)."""
        app = self._app
        with contextlib.suppress(*GONE):
            count = len(app.query_one("#available", AvailableTable).row_keys)
            _subtitle(app, "#available-pane", self._vm.available_subtitles(self._state, count))

    def cache_measured(self) -> None:
        """The cache's measured size arrived: the header and the Cached subtitle (its total
        with the kept trees) show it; no row depends on it."""
        app = self._app
        with contextlib.suppress(*GONE):
            _cached_subtitle(app, self._vm, self._state, self._vm.cache_rows(self._state))
        self.header()

    def header(self) -> None:
        info = self._vm.header(self._state)
        # An unchanged header is not set again: a Static's update reflows the whole screen,
        # which every filter keystroke would pay.
        if info == self._header_shown:
            return
        with contextlib.suppress(*GONE):
            self._app.query_one("#header", HeaderBar).show(info)
            self._header_shown = info

    def job(self, job: Job) -> None:
        """A job moved: its row, the rows of its build, and the details if they show it."""
        app, state, vm = self._app, self._state, self._vm
        with contextlib.suppress(*GONE):
            app.query_one("#jobs", JobList).upsert(job_view(job, state.home, full_slots(state)))
            self.footer_dims()
            if job.ended and self.focused_job_ended():
                app.refresh_bindings()  # the footer's `c Cancel` becomes `c Dismiss`
            if job.build is not None:
                app.query_one("#available", AvailableTable).show_one(
                    vm.available_row(state, job.build))
                cached = vm.cache_rows(state)
                app.query_one("#cached", CacheTable).show(cached)
                # Its count of downloads changes with a job's phase, not only with a listing.
                _cached_subtitle(app, vm, state, cached)
            app.query_one("#installed", InstalledTable).show(vm.installed_rows(state))
            if job.phase == "download":
                # The header's cache total counts the bytes downloaded so far, as the row does.
                self.header()
            pane, key = self.details_target()
            if pane == "jobs" or key in {job.key, job.build.cache_filename if job.build else ""}:
                self.details()

    def details_target(self) -> tuple[str, str | None]:
        """(pane, key) of what the details show: the highlighted row or the focused job."""
        if self.details_pane == "jobs":
            focused = self._app.focused
            return "jobs", str(focused.job_id) if isinstance(focused, JobRow) else None
        table = self._app.query_one(f"#{self.details_pane}", KeyedTable)
        return self.details_pane, table.highlighted_key

    def details(self) -> None:
        with contextlib.suppress(*GONE):
            pane, key = self.details_target()
            self._app.query_one("#details", DetailsPanel).show(
                self._vm.details(self._state, pane, key), nothing_note(self._state, pane))
            self.footer_dims()  # it asks what has the focus: not once the screens are gone

    def focus_moved(self, widget: Widget) -> None:
        """The details follow the table or job the user moved to."""
        if isinstance(widget, KeyedTable) and widget.id in DETAILS_TABLES:
            self.details_pane = widget.id
        elif isinstance(widget, JobRow):
            self.details_pane = "jobs"
        else:
            return
        self.details()


def _subtitle(app: App, pane: str, forms: tuple[str, ...]) -> None:
    """The pane shows the fullest of the subtitle's forms that fits its width."""
    app.query_one(pane, Pane).show_subtitle(forms)


def _cached_subtitle(app: App, vm: ViewModel, state: AppState, rows: list[CacheRow]) -> None:
    """The Cached pane's subtitle for the rows it shows, its downloads (running or stopped)
    and files whose name says no build counted apart."""
    downloading = sum(1 for row in rows if row.state == "downloading")
    partial = sum(1 for row in rows if row.state == "partial")
    unknown = sum(1 for row in rows if row.state == "unknown")
    locked = sum(1 for row in rows if row.state == "locked")
    # Kept trees no archive uses are no archives: counted by the subtitle apart, unfiltered.
    loose = sum(1 for row in rows if state.loose_tree_at(row.name) is not None) if state.loose_trees else 0
    _subtitle(app, "#cached-pane", vm.cached_subtitles(state, len(rows) - loose, downloading, partial, unknown,
                                                              locked))
