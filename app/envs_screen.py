"""The Environments view (`e`): every environment the background scan found, the install each
uses and how, filterable; `r` rescans (through the app's job runner), `c` stops a scan."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from pytui.app.envs_view import (
    NO_SCAN_NOTE,
    env_details,
    env_rows,
    envs_footer_dimmed,
    envs_status,
    no_row_note,
)
from pytui.app.filter_box import FilterBox
from pytui.app.folding import TINY_BELOW
from pytui.app.key_bindings import screen_bindings
from pytui.app.keymap import ENVIRONMENTS, FooterPlan
from pytui.app.screens import CRAMPED_BELOW, closed_before_mount
from pytui.app.startup import SizeClassesFirst
from pytui.app.state import AppState
from pytui.app.subtitles import envs_subtitle, filter_lead
from pytui.widgets.cut_rules import line_forms
from pytui.widgets.env_table import EnvTable
from pytui.widgets.fitted_line import FittedLine
from pytui.widgets.folded import Folded
from pytui.widgets.key_bar import KeyBar
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static


class EnvFilter(FilterBox):
    """Esc clears the filter and goes back to the table; Enter keeps it (the footer says so
    while the box has the focus, as the main screen's filter does; app/filter_box.py takes
    the Enter)."""

    ACTIONS_OF = "screen"


class EnvironmentsScreen(SizeClassesFirst, Screen[None]):
    DEFAULT_CSS = """
    #envs-pane { height: 1fr; }
    #envs-status {
        height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis;
    }
    #envs-filter { height: 1; border: none; padding: 0 1; background: $boost; }
    #envs-filter:focus { background: $accent 20%; }
    EnvTable { height: 1fr; background: $surface; scrollbar-size-vertical: 1;
               scrollbar-size-horizontal: 0; }
    #envs-detail { height: auto; min-height: 6; max-height: 12;
                   border: round $panel-lighten-2; padding: 0 1; }
    /* At 40x12 the detail (or the no-environment note) took every row but the pane's border:
       on a short screen it has half the height at most (its end cut, as past 12 rows). */
    EnvironmentsScreen.-cramped #envs-detail { min-height: 3; max-height: 50%; }
    /* Under folding.TINY_BELOW rows (20x8) even that left the table its column names and no
       row: the detail gives way, the rows stay. */
    EnvironmentsScreen.-tiny #envs-detail { display: none; }
    """
    # A broken environment's reason under the table, in the theme's status colour (as its
    # row's; app.tcss), not Rich's fixed `red`.
    COMPONENT_CLASSES: ClassVar[set[str]] = {"envs--bad"}

    VERTICAL_BREAKPOINTS = [(0, "-tiny"), (TINY_BELOW, "-cramped"), (CRAMPED_BELOW, "-roomy")]

    BINDINGS = screen_bindings(ENVIRONMENTS)
    CLOSES_ON_ESCAPE = True  # Esc then a key typed quickly: app/alt_keys.py

    def __init__(self, state: AppState, *, rescan: Callable[[], None],
                 cancel: Callable[[], bool], id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._state = state
        self._rescan = rescan
        self._cancel = cancel
        self._filter = ""
        self._status = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="envs-pane", classes="pane"):
            yield FittedLine(id="envs-status")
            yield EnvFilter(placeholder="filter: path, kind, key, 3.12, broken, pinned, pipx  "
                                        "(Enter keeps it, Esc clears it)", id="envs-filter")
            yield EnvTable(id="envs-table")
        yield Static("", id="envs-detail")
        yield KeyBar(plan=self._footer_plan, id="footer")

    def _footer_plan(self) -> FooterPlan:
        # No ranks: as every screen over the main one, its keys are kept in the keymap's order
        # (Esc, /, r, c, ?), `? All keys` saying where the rest are (widgets/key_bar.fit_items).
        return FooterPlan((), {}, envs_footer_dimmed(self._state))

    def on_mount(self) -> None:
        if closed_before_mount(self):
            return
        self.query_one("#envs-pane").border_title = "Environments"
        self.query_one("#envs-filter", EnvFilter).display = False
        self.query_one("#envs-table", EnvTable).focus()
        self.refresh_rows()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._show_detail())

    @property
    def table(self) -> EnvTable:
        return self.query_one("#envs-table", EnvTable)

    def status_text(self) -> str:
        """The status line as shown."""
        return self._status

    def refresh_rows(self) -> None:
        """Show the state's newest scan (called when one ends, and as the filter changes)."""
        rows = env_rows(self._state, self._filter)
        self.table.show(rows)
        self._status = envs_status(self._state, len(rows),
                                   sum(1 for row in rows if row.status == "broken"), self._filter)
        # The filter stays whole in every form: the scan's details give way first.
        lead = filter_lead(self._filter) if self._filter else ""
        self.query_one("#envs-status", FittedLine).show(line_forms(self._status, keep=lead))
        self.query_one("#envs-pane").border_subtitle = envs_subtitle(
            scanning=self._state.envs_scanning)
        self.refresh_bindings()  # `c Stop scan` follows the scan
        self._show_detail()

    @on(DataTable.RowHighlighted, "#envs-table")
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        key = self.table.highlighted_key
        env = next((e for e in self._state.environments or () if str(e.path) == key), None)
        detail = self.query_one("#envs-detail", Static)
        if env is None:
            detail.update(Text(no_row_note(self._state, self._filter), style="dim"))
            return
        grid = Table.grid(padding=(0, 2), expand=True)
        grid.add_column(style="dim", no_wrap=True, min_width=11)
        # Wrapped, never cut: a broken environment's reason ends with what to do; a path
        # longer than a line breaks after a `/` (Folded), not inside a name.
        grid.add_column(ratio=1)
        bad = self.get_component_rich_style("envs--bad", partial=True)
        for label, value in env_details(self._state, env):
            grid.add_row(label, Folded(Text(value, style=bad if label == "broken" else "")))
        detail.update(grid)

    # -- keys -------------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_noop(self) -> None:
        pass

    def action_help(self) -> None:
        from pytui.app.screens import open_help

        open_help(self.app.push_screen)

    def check_action(self, action: str,
                     parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002 - Textual's signature
        # `c` with no scan runs too and says so; its footer item is dimmed meanwhile
        # (_footer_plan), as the main screen's keys that do not apply now. A disabled binding
        # was silent.
        # `/` typed in the box is text.
        return not (action == "filter" and isinstance(self.focused, EnvFilter))

    def action_filter(self) -> None:
        box = self.query_one("#envs-filter", EnvFilter)
        box.display = True
        # Now, not later as Widget.focus does, so the keys already queued reach the box.
        self.set_focus(box)

    def action_clear_filter(self) -> None:
        box = self.query_one("#envs-filter", EnvFilter)
        box.value = ""
        box.display = False
        self._filter = ""
        self.refresh_rows()
        self.set_focus(self.table)  # now (app/filter_box.py)

    @on(Input.Changed, "#envs-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = event.value.strip()
        self.refresh_rows()

    def action_keep_filter(self) -> None:
        box = self.query_one("#envs-filter", EnvFilter)
        self._filter = box.value.strip()
        self.refresh_rows()
        if not self._filter:
            box.display = False
        self.set_focus(self.table)  # now (app/filter_box.py)

    def action_rescan(self) -> None:
        self._rescan()
        self.refresh_rows()

    def action_cancel_scan(self) -> None:
        if self._cancel():
            self.notify("Scan stopped; the last result stays shown.", title="Environments")
        else:
            self.notify(NO_SCAN_NOTE, severity="information", markup=False)
        self.refresh_rows()
