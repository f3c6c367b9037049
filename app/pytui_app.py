"""The pytui App: composes the widgets and routes messages.

What is shown comes from `view_model` (state -> rows), what keys do from `decisions`, every
thread from the `runner`, every call into core/ through the `gateway`, every key from the
`keymap`. This class only wires them: a message or key arrives, the state changes, the
widgets are given their new rows.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import ClassVar

from pytui.app import decisions as decide
from pytui.app.config import UiConfig
from pytui.app.contrast import derived_colors
from pytui.app.conventions import ConventionKeys
from pytui.app.envs_screen import EnvironmentsScreen
from pytui.app.gateway import CoreGateway, refresh_is_useful
from pytui.app.history import History
from pytui.app.keymap import MAIN_ACTIONS, bound_keys, footer_ranks, palette_keys
from pytui.app.messages import (
    CacheUsage,
    CatalogFailed,
    CatalogLoaded,
    CatalogRefreshed,
    DiskFailed,
    DiskListed,
    EnvsScanned,
    InstalledSizes,
    JobEnded,
    JobNote,
    JobProgress,
    Purged,
)
from pytui.app.purge_plan import PurgePlan
from pytui.app.render import Renderer
from pytui.app.runner import CACHE_USAGE, CATALOG, DISK, ENVS, SIZES, JobRunner
from pytui.app.screens import ConfirmModal, HelpScreen, HistoryScreen, PurgeRulesModal
from pytui.app.state import AppState
from pytui.app.view_model import ViewModel
from pytui.core.catalog import Catalog
from pytui.core.models import CachedArchive, Installation
from pytui.core.platform_detect import HostPlatform
from pytui.core.settings import Settings
from pytui.widgets.available_table import AvailableTable
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.details import DetailsPanel
from pytui.widgets.format import human_size
from pytui.widgets.header import HeaderBar
from pytui.widgets.installed_table import InstalledTable
from pytui.widgets.job_list import JobList, JobRow
from pytui.widgets.key_bar import KeyBar
from pytui.widgets.keyed_table import KeyedTable
from pytui.widgets.rows import archive_key
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus
from textual.screen import Screen
from textual.widgets import DataTable, Input
from textual.worker import Worker

# After the first frame, prepare the install engine in the background (see gateway.warm_up).
WARM_UP_DELAY = 0.3


def _bindings() -> list[BindingType]:
    groups: dict[str, Binding.Group] = {}
    result: list[BindingType] = []
    for key in bound_keys():
        group = groups.setdefault(key.group, Binding.Group(key.group)) if key.group else None
        display = key.display if key.display and " / " not in key.display else None
        result.append(Binding(key.keys, key.action, key.label, show=key.show,
                              key_display=display, priority=key.priority, group=group))
    return result


def _freeze_long_lived() -> None:
    """Move what exists after the first screen (the catalog's builds, the widgets) out of the
    garbage collector's view. They live as long as the app; without this every full collection
    walks them all, and one landing on a keystroke cost a few hundred milliseconds with uv's
    catalog. Objects are still freed by their reference counts when dropped."""
    gc.collect(1)
    gc.freeze()


class FilterInput(Input):
    """The `/` filter; Esc clears it and goes back to the table, Enter keeps it (the footer
    says so while the box has the focus)."""

    BINDINGS = [Binding("enter", "submit", "Keep filter", key_display="Enter"),
                Binding("escape", "app.clear_filter", "Clear filter", key_display="Esc")]


class PytuiApp(ConventionKeys):
    """Build it with `pytui.app.tui.make_app` (the CLI, the tests and the screenshots do)."""

    CSS_PATH = "app.tcss"
    TITLE = "pytui"
    ENABLE_COMMAND_PALETTE = True
    # Focus the Available pane from the first frame (a later focus() would redraw the footer).
    AUTO_FOCUS = "#available"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = _bindings()

    def __init__(
        self,
        settings: Settings,
        *,
        catalog: Catalog | None = None,
        host: HostPlatform,
        refresh: bool,
        show_eta: bool = True,
        clock: Callable[[], float] = time.time,
        home: Path | None = None,
        disk: tuple[list[CachedArchive], list[Installation], str | None] | None = None,
        catalog_error: str | None = None,
        gateway: CoreGateway | None = None,
        config: UiConfig | None = None,
    ) -> None:
        super().__init__()
        self.start_theme(config)  # the kept theme, before the first frame
        self.state = AppState(settings=settings, host=host, home=home or Path.home(),
                              clock=clock, offline=settings.offline, catalog=catalog,
                              catalog_note="loading…" if catalog is None else "")
        self.vm = ViewModel()
        self.runner = JobRunner(self, self.state, gateway or CoreGateway())
        self.history = History(settings.state_dir)
        self.renderer = Renderer(self, self.state, self.vm)
        self._refresh_on_start = refresh
        self._show_eta = show_eta
        # What the factory read before the first frame (so it shows the rows at once).
        self._preloaded_disk = disk
        self._catalog_error = catalog_error
        self._quitting = False
        # The newest filter text not yet applied (see _filter_changed).
        self._pending_filter: str | None = None

    def get_css_variables(self) -> dict[str, str]:
        # pytui's own colours, derived from the theme's so they stay readable in every theme.
        variables = super().get_css_variables()
        variables.update(derived_colors(variables))
        return variables

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        with Vertical(id="panes"):
            with Vertical(id="available-pane", classes="pane"):
                yield FilterInput(placeholder="filter: 3.12  musl  freethreaded  >=3.11,<3.13  "
                                              "(Enter keeps it, Esc clears it)", id="filter")
                yield AvailableTable(id="available")
            with Horizontal(id="lower"):
                with Vertical(id="cached-pane", classes="pane"):
                    yield CacheTable(id="cached")
                with Vertical(id="installed-pane", classes="pane"):
                    yield InstalledTable(id="installed")
        yield DetailsPanel(id="details")
        yield JobList(id="jobs", show_eta=self._show_eta)
        yield KeyBar(footer_ranks(), id="footer")

    def on_mount(self) -> None:
        self.query_one("#available-pane").border_title = "Available"
        self.query_one("#cached-pane").border_title = "Cached"
        self.query_one("#installed-pane").border_title = "Installed"
        self.query_one("#details", DetailsPanel).border_title = "Details"
        self.query_one("#jobs", JobList).border_title = "Jobs"
        self.query_one("#filter", FilterInput).display = False
        self.set_class(self.state.offline, "-offline")
        self.say_config_problem()
        if self._catalog_error is not None:
            self._catalog_failed(self._catalog_error)
        elif self.state.catalog is None:
            # The disk is listed once the catalog is there (archives are matched to builds).
            self.runner.load_catalog()
        else:
            if self.state.catalog.warning:
                self._catalog_warning(self.state.catalog.warning)
            if self._preloaded_disk is not None:
                self._disk_listed(*self._preloaded_disk)  # derives the panes
                self._preloaded_disk = None
            else:
                self.runner.scan_disk()
                self.renderer.all()
            self.call_after_refresh(self._start_refresh_if_wanted)
        self.renderer.header()
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        self.set_timer(WARM_UP_DELAY, self.runner.warm_up)
        self.set_timer(WARM_UP_DELAY, _freeze_long_lived)

    def on_unmount(self) -> None:
        self.runner.close()
        # What was frozen (see _freeze_long_lived) goes back to the collector: a process that
        # runs apps one after another (the tests) does not keep every finished app.
        gc.unfreeze()

    # -- the catalog and the disk -----------------------------------------------------------

    def _start_refresh_if_wanted(self) -> None:
        if self._refresh_on_start and not self.state.offline and \
                refresh_is_useful(self.state.settings):
            self._refresh()

    def on_catalog_loaded(self, message: CatalogLoaded) -> None:
        if not self.runner.is_current(CATALOG, message.generation):
            return
        self.state.catalog = message.catalog
        self.state.catalog_note = ""
        if message.catalog.warning:
            self._catalog_warning(message.catalog.warning)
        self.renderer.all()
        self._start_refresh_if_wanted()
        self.runner.scan_disk()
        self.set_timer(WARM_UP_DELAY, _freeze_long_lived)

    def on_catalog_refreshed(self, message: CatalogRefreshed) -> None:
        if not self.runner.is_current(CATALOG, message.generation):
            return
        outcome = message.outcome
        state = self.state
        state.catalog_note = "" if outcome.ok else "refresh failed"
        state.catalog_problem = not outcome.ok
        self.history.add("refresh", "catalog", "done" if outcome.ok else "failed",
                         outcome.message)
        self.notify(outcome.message, title="Catalog", markup=False,
                    severity="information" if outcome.ok else "warning")
        if outcome.warning:
            self._catalog_warning(outcome.warning)
        if outcome.catalog is not None:
            state.catalog = outcome.catalog
            # Archives are matched to the catalog's builds: list them again.
            self.runner.scan_disk()
        self.renderer.all()

    def _catalog_warning(self, line: str) -> None:
        """Malformed catalog entries were skipped: say so once, keep it in the history."""
        self.history.add("catalog", "entries", "warning", line)
        self.notify(line, title="Catalog", severity="warning", markup=False, timeout=10)

    def on_catalog_failed(self, message: CatalogFailed) -> None:
        if self.runner.is_current(CATALOG, message.generation):
            self._catalog_failed(message.reason)

    def _catalog_failed(self, reason: str) -> None:
        state = self.state
        state.catalog_note, state.catalog_problem = "not loaded", True
        self.history.add("catalog", "load", "failed", reason)
        self.notify(reason, title="Catalog", severity="error", markup=False, timeout=10)
        if state.catalog is None:
            state.catalog = Catalog([], source="none")
        self.renderer.all()
        self.runner.scan_disk()

    def on_disk_listed(self, message: DiskListed) -> None:
        if self.runner.is_current(DISK, message.generation):
            self._disk_listed(message.archives, message.installations, message.cache_problem)

    def _disk_listed(self, archives: list[CachedArchive], installations: list[Installation],
                     cache_problem: str | None = None) -> None:
        if cache_problem and cache_problem != self.state.cache_problem:
            # Said once when it appears; the Cached pane keeps showing it meanwhile.
            self.notify(cache_problem, title="Cache", severity="error", markup=False, timeout=15)
        unmeasured = self.state.set_disk(archives, installations, cache_problem)
        # The threads start once the listing is on screen (at start: after the first frame),
        # so they do not compete with drawing it.
        if unmeasured:
            self.call_after_refresh(self.runner.measure, unmeasured)
        self.call_after_refresh(self.runner.measure_cache)
        # Which environments use which install, for uninstall's question.
        self.call_after_refresh(self.runner.scan_envs)
        self.renderer.all()

    def on_envs_scanned(self, message: EnvsScanned) -> None:
        if not self.runner.is_current(ENVS, message.generation):
            return
        self.state.set_environments(message.environments, partial=message.partial,
                                    note=message.note, failed=message.failed)
        if message.failed:
            self.history.add("scan", "environments", "failed", message.note)
        self.renderer.all()
        self._envs_screen_changed()

    def _envs_screen_changed(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, EnvironmentsScreen):
                screen.refresh_rows()

    def on_disk_failed(self, message: DiskFailed) -> None:
        if not self.runner.is_current(DISK, message.generation):
            return
        self.state.disk_listed = True
        self.history.add("scan", "cache and install root", "failed", message.reason)
        self.notify(message.reason, title="Listing failed", severity="error", markup=False,
                    timeout=10)
        self.renderer.all()

    def on_cache_usage(self, message: CacheUsage) -> None:
        if self.runner.is_current(CACHE_USAGE, message.generation):
            self.state.cache_usage = message.size
            self.renderer.header()

    def on_installed_sizes(self, message: InstalledSizes) -> None:
        if self.runner.is_current(SIZES, message.generation):
            self.state.set_sizes(message.sizes)
            self.renderer.all()

    # -- the details follow the user ------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Only the pane the user is in drives the details (other panes' cursors move too when
        # their rows change under them).
        if event.data_table.id == self.renderer.details_pane:
            self.renderer.details()

    @on(DescendantFocus)
    def _focus_moved(self, event: DescendantFocus) -> None:
        self.renderer.focus_moved(event.widget)

    # -- jobs -------------------------------------------------------------------------------

    def on_job_progress(self, message: JobProgress) -> None:
        job = self.state.progress(message.job_id, message.phase, message.done, message.total,
                                  message.speed, message.unit)
        if job is not None:
            self.renderer.job(job)

    def on_job_note(self, message: JobNote) -> None:
        job = self.state.jobs.get(message.job_id)
        if job is None:
            return
        if message.warning:
            # Something the user should know (not a wait): say it, keep it in the history.
            self.history.add(job.kind, job.title, "warning", message.text)
            self.notify(message.text, title=job.title, severity="warning", markup=False)
            return
        self.history.add(job.kind, job.title, "note", message.text)
        if self.state.note(message.job_id, message.text, phase=message.phase) is not None:
            self.renderer.job(job)

    def on_job_ended(self, message: JobEnded) -> None:
        job = self.state.end_job(message.job_id, message.outcome, error=message.error,
                                 summary=message.summary, warning=message.warning)
        if job is None:
            return
        self.runner.job_ended(job.job_id)
        outcome = "warning" if message.warning else message.outcome
        self.history.add(job.kind, job.title, outcome, message.error or message.summary)
        if message.outcome == "failed":
            self.notify(message.error or "failed", title=f"{job.title} failed (H: history)",
                        severity="error", markup=False, timeout=10)
        elif message.outcome == "done" and message.summary:
            self.notify(message.summary, markup=False,
                        severity="warning" if message.warning else "information",
                        timeout=10 if message.warning else 5)
        self.renderer.job(job)
        self.renderer.all()
        if not self._quitting:
            self.runner.scan_disk()

    def on_purged(self, message: Purged) -> None:
        if message.error:
            self.history.add("purge", "archives", "failed", message.error)
            self.notify(message.error, title="Purge failed", severity="error", markup=False)
        else:
            line = (f"Purged {message.count} archive{'s' if message.count != 1 else ''}, "
                    f"freed {human_size(message.freed)}.")
            self.history.add("purge", "archives", "done", line)
            self.notify(line, title="Cache", markup=False)
        self.runner.scan_disk()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        result = self.runner.worker_state_changed(event.worker, event.state)
        if isinstance(result, JobEnded):
            self.on_job_ended(result)
        elif result:
            # A listing or measuring thread hit something unexpected: say so, keep running.
            self.history.add("background", event.worker.name, "failed", result)
            self.notify(result, severity="error", markup=False)

    # -- carrying out decisions -------------------------------------------------------------

    def carry_out(self, decision: decide.Decision) -> None:
        if isinstance(decision, decide.Refuse):
            self.notify(decision.message, title=decision.title, markup=False,
                        severity=decision.severity,
                        timeout=8 if decision.severity == "error" else 5)
        elif isinstance(decision, decide.Confirm):
            self.push_screen(
                ConfirmModal(decision.title, decision.lines, confirm=decision.confirm,
                             danger=decision.danger, id=decision.name),
                callback=partial(self._confirmed, decision.then))
        elif isinstance(decision, decide.StartInstall):
            self._dismiss_ended(decision.build.key)
            job = self.runner.start_install(decision.build, reinstall=decision.reinstall)
            self.renderer.job(job)
            self.renderer.all()
        elif isinstance(decision, decide.StartUninstall):
            self.renderer.job(self.runner.start_uninstall(decision.installation))
        elif isinstance(decision, decide.StartUpgrade | decide.StartPrune):
            self._start_jobs(decision)
        elif isinstance(decision, decide.StartVerify):
            self.renderer.job(self.runner.start_verify())
        elif isinstance(decision, decide.StartPurge):
            # A job may have started on one of them since the question.
            in_use = self.state.in_use_names()
            archives = [a for a in decision.archives if archive_key(a.name) not in in_use]
            if archives:
                self.runner.purge(archives)
        elif isinstance(decision, decide.CancelJob):
            self.runner.cancel(decision.job_id)
            self.renderer.job(self.state.jobs[decision.job_id])
        elif isinstance(decision, decide.DismissJob):
            self.query_one("#jobs", JobList).remove_job(decision.job_id)
            self.state.jobs.pop(decision.job_id, None)
            self.renderer.all()
        elif isinstance(decision, decide.Quit):
            if self.state.running_jobs():
                self.run_worker(self._quit(), group="quit", exclusive=True)
            else:
                self.exit(0)

    def _start_jobs(self, decision: decide.StartUpgrade | decide.StartPrune) -> None:
        """An upgrade's installs or a prune's uninstalls: one job each in the Jobs panel."""
        if isinstance(decision, decide.StartUpgrade):
            for build in decision.builds:
                self._dismiss_ended(build.key)
                self.renderer.job(self.runner.start_install(build, upgrade=True))
        else:
            for installation in decision.installations:
                if self.state.job_for_key(installation.key) is None:  # started meanwhile
                    self._dismiss_ended(installation.key)
                    self.renderer.job(self.runner.start_uninstall(installation))
        self.renderer.all()

    def _dismiss_ended(self, key: str) -> None:
        """A new job for `key` replaces the rows of its ended ones (History keeps them)."""
        jobs = self.query_one("#jobs", JobList)
        for job in [j for j in self.state.jobs.values() if j.ended and j.key == key]:
            jobs.remove_job(job.job_id)
            del self.state.jobs[job.job_id]

    def _confirmed(self, then: decide.Action, yes: bool | None) -> None:
        if yes:
            self.carry_out(then)

    async def _quit(self) -> None:
        self._quitting = True
        await self.runner.shutdown()
        self.exit(0)

    # -- actions ----------------------------------------------------------------------------

    def check_action(self, action: str,
                     parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002 - Textual's signature
        return not (action in MAIN_ACTIONS and self._modal_open())

    def _modal_open(self) -> bool:
        return len(self.screen_stack) > 1 or not isinstance(self.screen, Screen) \
            or self.screen.is_modal

    def _target(self) -> tuple[str, str | None]:
        """(pane, row key) the user points at: the focused table, else the last one used."""
        focused = self.focused
        if isinstance(focused, KeyedTable):
            return focused.id or "available", focused.highlighted_key
        pane = self.renderer.details_pane
        pane = pane if pane != "jobs" else "available"
        return pane, self.query_one(f"#{pane}", KeyedTable).highlighted_key

    def action_install(self) -> None:
        pane, key = self._target()
        self.carry_out(decide.decide_install(self.state, self.vm, pane, key))

    def action_install_asking(self) -> None:
        pane, key = self._target()
        self.carry_out(decide.decide_install(self.state, self.vm, pane, key, ask=True))

    def action_uninstall(self) -> None:
        self.carry_out(decide.decide_uninstall(self.state, *self._target()))

    def action_purge(self) -> None:
        self.carry_out(decide.decide_purge(self.state, *self._target()))

    def action_purge_rules(self) -> None:
        self.push_screen(PurgeRulesModal(self.runner.planner(), id="purge-rules"),
                         callback=self._purge_rules_chosen)

    def _purge_rules_chosen(self, plan: PurgePlan | None) -> None:
        if plan is None:
            return
        if plan.archives:
            self.carry_out(decide.StartPurge(plan.archives))
        if plan.installs:
            self.carry_out(decide.StartPrune(tuple(i for i, _ in plan.installs)))

    def action_upgrade(self) -> None:
        self.carry_out(decide.decide_upgrade(self.state))

    def action_environments(self) -> None:
        if not self.state.envs_scanning:
            # Quick from the second time on: the walks kept in the state dir are revalidated.
            self.runner.scan_envs()
        self.push_screen(EnvironmentsScreen(self.state, rescan=self._rescan_envs,
                                            cancel=self._cancel_envs, id="environments"))

    def _rescan_envs(self) -> None:
        self.runner.scan_envs()
        self.renderer.all()

    def _cancel_envs(self) -> bool:
        stopped = self.runner.cancel_envs()
        if stopped:
            self.state.envs_note = "the scan was stopped (r starts another)"
            self.renderer.all()
        return stopped

    def action_verify(self) -> None:
        self.carry_out(decide.decide_verify(self.state))

    def action_cancel_job(self) -> None:
        focused = self.focused
        focused_job = focused.job_id if isinstance(focused, JobRow) else None
        self.carry_out(decide.decide_cancel(self.state, focused_job, *self._target()))

    async def action_quit(self) -> None:
        if not self._quitting:
            self.carry_out(decide.decide_quit(self.state))

    def action_history(self) -> None:
        self.push_screen(HistoryScreen(self.history, id="history"))

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_filter(self) -> None:
        box = self.query_one("#filter", FilterInput)
        box.display = True
        box.focus()
        # The filter's index of the catalog is built once the box is shown, before the
        # first key arrives, not by the first key.
        self.call_after_refresh(self._prepare_filter)

    def _prepare_filter(self) -> None:
        if self.state.catalog is not None:
            self.vm.filter_index(self.state.catalog)

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", FilterInput)
        if not box.display and not self.state.view.filter_text:
            return  # nothing to clear: Esc on a table does nothing
        box.value = ""
        box.display = False
        self._set_view(filter_text="")
        self.query_one("#available", AvailableTable).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        # Keys typed while the panes redraw queue up as Changed messages: only the newest
        # text is applied, once they are all read, so typing never lags behind itself.
        first = self._pending_filter is None
        self._pending_filter = event.value.strip()
        if first:
            self.call_later(self._apply_pending_filter)

    def _apply_pending_filter(self) -> None:
        text, self._pending_filter = self._pending_filter, None
        if text is not None:
            self._set_view(filter_text=text)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        box = self.query_one("#filter", FilterInput)
        if not box.value.strip():
            box.display = False
        self.query_one("#available", AvailableTable).focus()

    def _set_view(self, **changes: object) -> None:
        view = dataclasses.replace(self.state.view, **changes)  # type: ignore[arg-type]  # ViewOptions fields, named by the callers in this class
        if view != self.state.view:
            self.state.view = view
            self.renderer.all()

    def action_toggle_versions(self) -> None:
        self._set_view(all_versions=not self.state.view.all_versions)

    def action_toggle_platforms(self) -> None:
        self._set_view(all_platforms=not self.state.view.all_platforms)

    def action_toggle_variants(self) -> None:
        self._set_view(variants=not self.state.view.variants)

    def action_toggle_offline(self) -> None:
        state = self.state
        state.offline = not state.offline
        self.set_class(state.offline, "-offline")
        self.refresh_bindings()
        self.renderer.all()
        self.notify("Offline: no network; only cached builds install." if state.offline
                    else "Online: downloads and catalog refresh allowed.", title="Mode")

    def action_refresh(self) -> None:
        # The cache and the install root may have changed from another shell (`pytui cache
        # verify`, uv): `r` lists them again, online or not.
        self.runner.scan_disk()
        if self.state.offline or not refresh_is_useful(self.state.settings):
            why = "offline" if self.state.offline else "the catalog is a local file"
            self.notify(f"Listing the cache and the install root again ({why}: the catalog "
                        "is not refreshed).", title="Refresh", markup=False)
            return
        self._refresh()

    def _refresh(self) -> None:
        self.state.catalog_note, self.state.catalog_problem = "refreshing…", False
        self.renderer.header()
        self.runner.refresh_catalog()

    # -- command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # Asked while the palette (a modal) is open, so the modal rule of check_action does
        # not apply here; the callbacks run once it has closed.
        for key in palette_keys():
            if key.action == "refresh" and (
                    self.state.offline or not refresh_is_useful(self.state.settings)):
                continue
            yield SystemCommand(f"{key.label} ({key.display})", key.help,
                                partial(self.run_action, key.action))

