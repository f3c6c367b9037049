"""The pytui App: composes the widgets and routes messages.

What is shown comes from `view_model` (state -> rows), what keys do from `decisions`, every
thread from the `runner`, every call into core/ through the `gateway`, every key from the
`keymap`. This class only wires them: a message or key arrives, the state changes, the
widgets are given their new rows. The handlers live in parts by concern (app_base.py lists
them): listing_messages, job_actions, view_keys, conventions.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pytui.app.alt_keys import WORD_KEYS, EscapeThen
from pytui.app.config import UiConfig
from pytui.app.contrast import derived_colors
from pytui.app.conventions import ConventionKeys
from pytui.app.details_view import empty_jobs_note
from pytui.app.disk_watch import DISK_WATCH_INTERVAL, DiskStamp, DiskWatch
from pytui.app.folding import FOLDED_BELOW, TINY_BELOW, show_column_names
from pytui.app.gateway import CoreGateway, refresh_is_useful
from pytui.app.history import History
from pytui.app.idle_signal import IdleSignal
from pytui.app.job_actions import JobActions
from pytui.app.key_bindings import app_bindings
from pytui.app.keymap import (
    MAIN_ACTIONS,
    FooterPlan,
    footer_label,
    footer_plan,
    palette_keys,
)
from pytui.app.listing_messages import WARM_UP_DELAY, ListingMessages, freeze_long_lived
from pytui.app.render import Renderer
from pytui.app.runner import JobRunner
from pytui.app.size_watch import SizeWatch
from pytui.app.startup import MainScreen, breakpoint_classes, load_deferred
from pytui.app.state import AppState
from pytui.app.toast_shelf import ToastShelf
from pytui.app.toast_text import NARROW_TOAST_BELOW
from pytui.app.view_keys import ViewKeys
from pytui.app.view_model import ViewModel
from pytui.core.catalog import Catalog
from pytui.core.errors import PytuiError
from pytui.core.gc_pause import gc_paused
from pytui.core.models import CachedArchive, Installation
from pytui.core.platform_detect import HostPlatform
from pytui.core.settings import Settings
from pytui.core.stalls import STALL_TICK
from pytui.widgets.available_table import AvailableTable
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.details import DetailsPanel
from pytui.widgets.header import HeaderBar
from pytui.widgets.installed_table import InstalledTable
from pytui.widgets.job_list import JobList
from pytui.widgets.key_bar import KeyBar
from pytui.widgets.pane import Pane
from textual.app import ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.driver import Driver
from textual.events import Event, Idle, InputEvent, Key, Paste, Resize
from textual.screen import Screen
from textual.widgets import Input

if TYPE_CHECKING:
    from pytui.core.cache_locks import PartHolder


class PytuiApp(ViewKeys, JobActions, ListingMessages, ConventionKeys, ToastShelf):
    """Build it with `pytui.app.tui.make_app` (the CLI, the tests and the screenshots do)."""

    CSS_PATH = "app.tcss"
    TITLE = "pytui"
    ENABLE_COMMAND_PALETTE = True
    # Focus the Available pane from the first frame (a later focus() would redraw the footer).
    AUTO_FOCUS = "#available"
    # Under FOLDED_BELOW rows the panes' least heights do not fit (the screen scrolled as a
    # whole, Details and Jobs below its edge, and nothing said so): `-folded`, the pane
    # with the focus takes the rows and the others fold to their title row (app.tcss); under
    # TINY_BELOW, `-tiny`, the same drawn tighter.
    VERTICAL_BREAKPOINTS = [(0, "-tiny"), (TINY_BELOW, "-folded"), (FOLDED_BELOW, "-short"),
                            (30, "-tall")]
    # Under NARROW_TOAST_BELOW columns (40x12), `-slim`: a toast takes the width (app.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-slim"), (NARROW_TOAST_BELOW, "-narrow"), (110, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = app_bindings()

    async def on_event(self, event: Event) -> None:
        # At exit the app empties its screen stack before its queue: a key read then (typed
        # ahead of `q`, or a burst of keys and resizes under load) went to Textual's bindings,
        # which ask for the screen, and ended the run with ScreenStackError. Nothing is there
        # to act on it.
        if isinstance(event, (InputEvent, Paste)) and not self.screen_stack:
            return
        if isinstance(event, Key) and getattr(self.screen, "CLOSES_ON_ESCAPE", False) and \
                await self._escape_then_key(event):
            return
        await super().on_event(event)

    async def _escape_then_key(self, event: Key) -> bool:
        """Esc then a key typed quickly came as one key (app/alt_keys.py): the screen's Esc
        action now, then the key, on the screen then on top. False: not such a key."""
        escape = self.active_bindings.get("escape")
        if not isinstance(event, EscapeThen) or escape is None or \
                (isinstance(self.focused, Input) and event.key in WORD_KEYS):
            return False
        await self.run_action(escape.binding.action, escape.node)
        typed = event.typed
        await super().on_event(Key(typed.key, typed.character))
        return True

    def get_driver_class(self) -> type[Driver]:
        from pytui.app.terminal_driver import safe_driver

        return safe_driver(super().get_driver_class())

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
        disk: tuple[list[CachedArchive], list[Installation], str | None, str | None,
                    dict[str, PartHolder]] | None = None,
        disk_stamp: DiskStamp | None = None,
        catalog_error: str | None = None,
        gateway: CoreGateway | None = None,
        config: UiConfig | None = None,
    ) -> None:
        from pytui.app.terminal_driver import without_size_variables

        with without_size_variables():  # the terminal's size, not COLUMNS / LINES
            super().__init__()
        self.start_theme(config)  # the kept theme, before the first frame
        self.state = AppState(settings=settings, host=host, home=home or Path.home(),
                              clock=clock, offline=settings.offline, catalog=catalog,
                              catalog_note="loading…" if catalog is None else "")
        self.vm = ViewModel()
        self.runner = JobRunner(self, self.state, gateway or CoreGateway())
        self.state.envs_max_age = config.scan_max_age if config is not None else None
        self.history = History(settings.state_dir, on_problem=self._history_not_kept,
                               home=self.state.home)
        self.renderer = Renderer(self, self.state, self.vm,
                                 footer_dimmed=lambda: self._footer_plan().dimmed)
        self._refresh_on_start = refresh
        self._show_eta = show_eta
        # What the factory read before the first frame (so it shows the rows at once), and
        # the watched directories' stamp taken before it (app/disk_watch.py).
        self._preloaded_disk = disk
        self.disk_watch = DiskWatch()
        self.size_watch = SizeWatch()
        if disk_stamp is not None:
            self.disk_watch.listed(disk_stamp)
        self._catalog_error = catalog_error
        self._gc_paused = False  # True while compose paused the collector (see compose)
        self.init_toasts()
        # The startup steps still to run WARM_UP_DELAY after the first frame (_after_first_frame
        # sets how many; -1 until then); the app is not quiet before they all have
        # (app/idle_signal.py).
        self._startup_steps_left = -1
        self._idle_signal = IdleSignal.from_environ()
        self._idle_check_pending = False

    def get_css_variables(self) -> dict[str, str]:
        # pytui's own colours, derived from the theme's so they stay readable in every theme.
        variables = super().get_css_variables()
        variables.update(derived_colors(variables))
        return variables

    # -- layout -----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        # The size classes now, not on the first resize (a restyle and redraw of everything).
        self.screen.update_classes(breakpoint_classes(self), update=False)
        # No cyclic GC passes until the first frame is drawn: building it allocates tens of
        # thousands of objects, and each pass would walk the young ones again.
        self._gc_paused = gc.isenabled()
        gc.disable()
        yield HeaderBar(id="header")
        # The `/` filter box is mounted above the table on the first `/` (view_keys): the
        # first screen composes only what it shows.
        with Pane(id="available-pane", classes="pane -open"):
            yield AvailableTable(id="available")
        with Horizontal(id="lower"):
            with Pane(id="cached-pane", classes="pane"):
                yield CacheTable(id="cached")
            with Pane(id="installed-pane", classes="pane"):
                yield InstalledTable(id="installed")
        yield DetailsPanel(id="details")
        yield JobList(id="jobs", show_eta=self._show_eta, empty_note=empty_jobs_note(self.state))
        yield KeyBar(labels=self._footer_label, plan=self._footer_plan, id="footer")

    def _footer_label(self, action: str) -> str | None:
        return footer_label(action, offline=self.state.offline,
                            focused_job_ended=self.renderer.focused_job_ended())

    def _footer_plan(self) -> FooterPlan:
        return footer_plan(self.renderer.footer_pane(), jobs_listed=bool(self.state.jobs),
                           installed_target=self.state.installation_at(*self._target()) is not None)

    def on_resize(self, event: Resize) -> None:
        # (ToastShelf.on_resize words the toasts again: Textual calls both.)
        show_column_names(self, event.size.height)

    def on_mount(self) -> None:
        show_column_names(self, self.size.height)
        self.query_one("#available-pane").border_title = "Available"
        self.query_one("#cached-pane").border_title = "Cached"
        self.query_one("#installed-pane").border_title = "Installed"
        self.query_one("#details", DetailsPanel).border_title = "Details"
        self.query_one("#jobs", JobList).border_title = "Jobs"
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
            disk, self._preloaded_disk = self._preloaded_disk, None
            try:
                if disk is not None:
                    archives, installations, cache_problem, root_problem, live = disk
                    self._disk_listed(archives, installations, cache_problem, root_problem,
                                      held_parts=live,
                                      stamp=self.disk_watch.shown)  # derives the panes
                else:
                    self.runner.scan_disk()
                    self.renderer.all()
            except PytuiError as err:  # the lazy catalog's cache entry was not pytui's
                self._lazy_catalog_failed(err)
            self.call_after_refresh(self._start_refresh_if_wanted)
        self.renderer.header()
        self.quit_on_terminate_signals()
        self.watch_toast_places()
        self.runner.clean_temp()
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        self._resume_gc()
        steps = (self.runner.warm_up, self._settle, load_deferred)
        self._startup_steps_left = len(steps)
        for step in steps:
            self.set_timer(WARM_UP_DELAY, partial(self._startup_step, step))
        self.set_interval(DISK_WATCH_INTERVAL, self._watch_disk)
        self.set_interval(STALL_TICK, self.tick_stalls)

    def _watch_disk(self) -> None:
        """A look for changes made elsewhere (app/disk_watch.py); offline, the Available rows'
        `file://` mirror files too (app/download_source.mirror_rows)."""
        if not (self.state.offline and self.state.settings.mirror):
            self.runner.watch_disk()
            return
        from pytui.app.download_source import mirror_rows

        self.runner.watch_disk(mirror_rows(self.state, self.vm.available_rows(self.state)))

    def _startup_step(self, step: Callable[[], object]) -> None:
        try:
            step()
        finally:  # a step that failed is over too: its error shows as itself, not as no quiet
            self._startup_steps_left -= 1

    def on_idle(self, _event: Idle) -> None:
        signal = self._idle_signal
        if signal is None:
            return
        if not self._quiet():
            signal.busy()
        elif signal.wanted() and not self._idle_check_pending:
            # Said once the frame drawn after the last work is out, if still quiet then.
            self._idle_check_pending = True
            self.call_after_refresh(self._say_quiet)

    def _say_quiet(self) -> None:
        self._idle_check_pending = False
        if self._idle_signal is not None and self._quiet():
            self._idle_signal.say()

    def _quiet(self) -> bool:
        """The startup steps have run and no background thread runs (app/idle_signal.py)."""
        return self._startup_steps_left == 0 and all(
            worker.is_finished for worker in self.workers)

    def _settle(self) -> None:
        """After the first frame: make the builds the first screen did not need (make_app
        loads the catalog lazily), so the filter, `a` and the details find them made, then
        move what lives as long as the app out of the collector's view."""
        catalog = self.state.catalog
        if catalog is not None:
            matched_in_columns, generation = catalog.in_columns, catalog.generation
            try:
                # Builds make no cycles: the collector's passes over them were ~1 µs a build
                # at 50,000 builds and more (bench/catalog.py's steps).
                with gc_paused():
                    catalog.builds  # noqa: B018 - made now, on the app's thread
            except PytuiError as err:
                self._lazy_catalog_failed(err)
            else:
                reread = catalog.generation != generation
                if reread or (matched_in_columns and
                              any(a.build is None for a in self.state.archives)):
                    # Matched while the builds were columns (Catalog.build_of_cached: by the
                    # key each name carries): once more by every build's name. A watched
                    # listing: no environment scan unless the installs changed.
                    self.disk_watch.generation = self.runner.scan_disk()
                if reread:
                    # The parsed-catalog entry was not pytui's (an offset naming no URL of the
                    # source): the source was read again, and the first screen's rows, chosen
                    # from the entry's columns, are chosen again from it.
                    self.renderer.all()
        freeze_long_lived()

    def _lazy_catalog_failed(self, err: PytuiError) -> None:
        """Making the builds of a lazily loaded catalog re-read its source, which failed: as
        when loading it fails (make_app), the catalog is not loaded."""
        self.state.catalog = None
        self._catalog_failed(str(err))

    def _resume_gc(self) -> None:
        if self._gc_paused:
            self._gc_paused = False
            gc.enable()

    def on_unmount(self) -> None:
        self._resume_gc()
        self.runner.close()
        self.forget_terminate_signals()
        # What was frozen (see freeze_long_lived) goes back to the collector: a process that
        # runs apps one after another (the tests) does not keep every finished app.
        gc.unfreeze()

    # -- actions ----------------------------------------------------------------------------

    def check_action(self, action: str,
                     parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002 - Textual's signature
        if action == "filter" and isinstance(self.focused, Input):
            return False  # `/` typed in the box is text (the key is a priority one)
        return not (action in MAIN_ACTIONS and self._modal_open())

    def _modal_open(self) -> bool:
        return len(self.screen_stack) > 1 or not isinstance(self.screen, Screen) \
            or self.screen.is_modal

    # -- command palette --------------------------------------------------------------------

    def action_command_palette(self) -> None:
        # Textual's, as Textual opens it, closed once (app/command_palette.py).
        from pytui.app.command_palette import OnceCommandPalette
        from textual.command import CommandPalette

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):  # (is_open)
            self.push_screen(OnceCommandPalette(id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's own Quit ("as soon as possible") is left out: pytui's, below, is the
        # same action under the keys and words the help uses; two Quits read as two ways.
        yield from (command for command in super().get_system_commands(screen)
                    if command.title != "Quit")
        # Asked while the palette (a modal) is open, so the modal rule of check_action does
        # not apply here; the callbacks run once it has closed.
        for key in palette_keys():
            if key.action == "refresh" and (
                    self.state.offline or not refresh_is_useful(self.state.settings)):
                continue
            yield SystemCommand(f"{key.label} ({key.display})", key.help,
                                partial(self.run_action, key.action))
