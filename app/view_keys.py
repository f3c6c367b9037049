"""A part of PytuiApp (see app_base.py): what the user sees and how — the `/` filter box, the
view toggles (all versions, all platforms, variants, offline), the screens (help, history,
environments), and the details following the highlighted row or focused job."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from pytui.app.app_base import AppBase
from pytui.app.filter_box import FilterBox
from pytui.app.folding import open_area
from pytui.app.render import GONE
from pytui.app.startup import lazy_module
from pytui.widgets.available_table import AvailableTable
from textual import on
from textual.events import DescendantFocus
from textual.widget import Widget
from textual.widgets import DataTable, Input

if TYPE_CHECKING:
    from pytui.app import envs_screen, screens
else:  # executed on first use: the first screen needs none of them (app/startup.py)
    envs_screen = lazy_module("pytui.app.envs_screen")
    screens = lazy_module("pytui.app.screens")


FILTER_PLACEHOLDER = ("filter: 3.12  musl  freethreaded  >=3.11,<3.13  "
                      "(Enter keeps it, Esc clears it)")


# The pane jumps (app/keymap.py's 1-5).
PANE_KEYS = frozenset("12345")


class FilterInput(FilterBox):
    """The `/` filter; Esc clears it, Enter keeps it, and both go back to where `/` was
    pressed (the footer says so while the box has the focus; app/filter_box.py takes the
    Enter)."""

    ACTIONS_OF = "app"

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # The pane keys stay in the app's bindings while the box has the focus: one typed in
        # the box is text before any binding sees it, so one that reaches them was typed
        # before `/` (handed to the pane that had the focus, behind `/`, a priority key).
        return key not in PANE_KEYS and super().check_consume_key(key, character)


class ViewKeys(AppBase):
    # The newest filter text not yet applied (see _filter_changed).
    _pending_filter: str | None = None
    # What had the focus when `/` opened the box: Enter and Esc give it back, as k9s and
    # lazygit do (`/` on Installed filters and stays on Installed), Available if it is gone.
    _filter_origin: Widget | None = None

    def typed_before_slash(self, target: Widget) -> bool:
        """A pane key (1-5) reaching the app while the `/` box has the focus was typed before
        the `/` (FilterInput.check_consume_key): it names where Enter and Esc go back to, and
        the focus stays in the box, whose keys are still coming."""
        if not isinstance(self.screen.focused, FilterInput):
            return False
        self._filter_origin = target
        return True

    # -- the details follow the user --------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Only the pane the user is in drives the details (other panes' cursors move too when
        # their rows change under them).
        if event.data_table.id == self.renderer.details_pane:
            self.renderer.details()

    @on(DescendantFocus)
    def _focus_moved(self, event: DescendantFocus) -> None:
        self.renderer.focus_moved(event.widget)
        # A focus message queued as the app exits is read once its screens are gone (a burst
        # of `?`, Esc and resizes ended a run with ScreenStackError on Python 3.10 under load).
        # The widget's own screen: a move read once a dialog is on top (`3 k u` typed at
        # once) opened nothing there and left the focused pane folded under it. (A widget
        # removed meanwhile, the filter box's, has none.)
        from textual.dom import NoScreen

        with contextlib.suppress(*GONE, NoScreen):
            open_area(event.widget.screen, event.widget)

    # -- the filter -------------------------------------------------------------------------

    def _filter_box(self) -> FilterInput | None:
        return next(iter(self.query("#filter").results(FilterInput)), None)

    async def action_filter(self) -> None:
        box = self._filter_box()
        if box is None:  # the first `/`: the first screen does without the box
            box = FilterInput(placeholder=FILTER_PLACEHOLDER, id="filter")
            await self.query_one("#available-pane").mount(box, before=0)
        box.display = True
        self.state.filter_kept = False
        focused = self.screen.focused
        if focused is not box:  # `/` again in the box keeps the first origin
            self._filter_origin = focused
        # Now, not later as Widget.focus does: `/` is a priority key, handled before the keys
        # typed after it are handed to the focused widget, so they all reach the box.
        self.screen.set_focus(box)
        # The filter's index of the catalog is built once the box is shown, before the
        # first key arrives, not by the first key.
        self.call_after_refresh(self._prepare_filter)

    def _prepare_filter(self) -> None:
        if self.state.catalog is not None:
            self.vm.filter_index(self.state.catalog)

    def action_clear_filter(self) -> None:
        box = self._filter_box()
        if box is None or (not box.display and not self.state.view.filter_text):
            return  # nothing to clear: Esc on a table does nothing
        typing = self.screen.focused is box
        box.value = ""
        box.display = False
        self.state.filter_kept = False
        self._set_view(filter_text="")
        if typing:  # Esc on a table clears the kept filter and stays on that table
            self._leave_filter_box()

    def _leave_filter_box(self) -> None:
        """Back to where `/` was pressed, now (app/filter_box.py: the keys typed after Enter or
        Esc go there); Available when that is gone (a dismissed job's row)."""
        origin = self._filter_origin
        if origin is None or not origin.is_attached or not origin.display or not origin.focusable:
            origin = self.query_one("#available", AvailableTable)
        self.screen.set_focus(origin)

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

    def action_keep_filter(self) -> None:
        """Enter in the box: the filter applied and the focus given back now, not later, so
        that the keys typed after Enter act on the filtered rows (app/filter_box.py)."""
        box = self.query_one("#filter", FilterInput)
        self._pending_filter = None
        self.state.filter_kept = True
        before = self.state.view
        self._set_view(filter_text=box.value.strip())
        if self.state.view == before:  # not re-rendered: the hint's "Enter, then" goes
            self.renderer.available_subtitle()
        if not box.value.strip():
            box.display = False
        self._leave_filter_box()

    # -- the view toggles -------------------------------------------------------------------

    def _set_view(self, **changes: object) -> None:
        view = self.state.view.replace(**changes)
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
        from pytui.app.job_view import offline_line

        self.withdraw_toasts("Mode")  # the last toggle's, now untrue
        self.notify(offline_line(state) if state.offline
                    else "Online: downloads and catalog refresh allowed.", title="Mode",
                    markup=False)

    # -- screens ----------------------------------------------------------------------------

    def action_history(self) -> None:
        self.push_screen(screens.HistoryScreen(self.history, home=self.state.home, id="history"))

    def action_help(self) -> None:
        screens.open_help(self.push_screen)

    def action_environments(self) -> None:
        if not self.state.envs_scanning:
            # Quick from the second time on: the walks kept in the state dir are revalidated.
            self.runner.scan_envs()
        self.push_screen(envs_screen.EnvironmentsScreen(self.state, rescan=self._rescan_envs,
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
