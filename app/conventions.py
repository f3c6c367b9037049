"""The app's conventional keys, kept out of pytui_app.py: 1-4 jump to a pane, `s`/`S` and a
header click sort, `y` copies the highlighted row's path, `x`/`!` hand the terminal to a REPL
or a shell, and the theme is kept in the config file. The rules live in the modules without
Textual (sorting, decisions, launch, config); these methods only carry them out.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from pytui.app import sorting
from pytui.app.app_base import AppBase
from pytui.app.config import UiConfig, save_theme, start_theme
from pytui.app.startup import lazy_module
from pytui.app.toast_text import copied_message
from pytui.widgets.job_list import JobList, JobRow
from pytui.widgets.keyed_table import KeyedTable
from textual.app import SuspendNotSupported
from textual.widget import Widget
from textual.widgets import DataTable

if TYPE_CHECKING:
    from pytui.app import decisions as decide
    from pytui.app import launch
else:  # executed on first use: the first screen needs none of them (app/startup.py)
    decide = lazy_module("pytui.app.decisions")
    launch = lazy_module("pytui.app.launch")

PANES = ("available", "cached", "installed")
NO_SORT_HERE = ("s and S sort a table: 1, 2 or 3 focuses one (the Jobs panel keeps the order the "
                "jobs were started in).")


class ConventionKeys(AppBase):
    """A part of PytuiApp (see app_base.py); it owns nothing the state does not."""

    _config: UiConfig | None = None
    # The theme the config file holds (nothing is written while it stays the same).
    _kept_theme: str | None = None
    # What the config file had that was ignored (said once the app is up).
    _config_problem = ""
    _config_said = False

    # -- the theme kept between runs -------------------------------------------------------

    def start_theme(self, config: UiConfig | None) -> None:
        """Called from __init__: the kept theme, before the first frame."""
        self._config = config
        if config is None:
            return
        theme, self._config_problem = start_theme(config, self.available_themes)
        if theme is not None:
            self.theme = theme
        self._kept_theme = self.theme

    def say_config_problem(self) -> None:
        """Called from on_mount: one line about what the config file had that was ignored."""
        self._config_said = True
        problem = self._config_problem
        if problem:
            self.history.add("config", "theme", "warning", problem)
            self.notify(problem, title="Config", severity="warning", markup=False, timeout=10,
                        in_history=True)
        # A pyproject.toml of uv's that uv passes over (core/uv_config.py): the CLI prints it to
        # stderr before the TUI's screen covers it, so the app says it again where it is seen.
        for warning in self.state.settings.uv_config.warnings:
            self.history.add("config", "uv", "warning", warning)
            self.notify(warning, title="uv's configuration", severity="warning", markup=False,
                        timeout=10, in_history=True)

    def watch_theme(self, theme: str) -> None:
        config = self._config
        if config is None or theme == self._kept_theme or not self._config_said:
            return
        self._kept_theme = theme
        try:
            save_theme(config.path, theme)
        except (OSError, ValueError) as err:
            from pytui.core.fs_errors import write_cause

            cause = write_cause(err, config.path) if isinstance(err, OSError) else str(err)
            said = f"The theme is not kept: cannot write {config.path}: {cause}"
            self.history.add("config", "theme", "warning", said)
            self.notify(said, title="Config", severity="warning", markup=False, in_history=True)

    # -- pane jumps and sorting ------------------------------------------------------------

    def action_focus_pane(self, pane: str) -> None:
        # screen.set_focus, not widget.focus(): that one is deferred, and a key typed right
        # after (`3x`) would act on the pane that had focus before.
        target: Widget
        if pane == "jobs":
            jobs = self.query_one("#jobs", JobList)
            rows = list(jobs.query(JobRow))
            focused = self.focused
            # With no job the panel itself, its hint saying how one starts: Tab stops there
            # too, and `4` refused it with a toast (as k9s and lazygit, a number goes to its
            # pane whether it lists anything or not).
            target = focused if isinstance(focused, JobRow) else rows[0] if rows else jobs
        elif pane == "details":  # to scroll it (it keeps showing the row it showed)
            target = self.query_one("#details")
        else:
            target = self.query_one(f"#{pane}", KeyedTable)
        if not self.typed_before_slash(target):
            self.screen.set_focus(target)

    def _sort_pane(self) -> str:
        """The table `s` sorts: the focused one, or the one whose row Details shows; none
        (`jobs`) on the Jobs panel, where the row keys' target (Available) was sorted unseen."""
        focused = self.focused
        if isinstance(focused, KeyedTable) and focused.id in PANES:
            return focused.id
        if isinstance(focused, (JobRow, JobList)):
            return "jobs"
        return self.renderer.details_target()[0]

    def _set_sort(self, pane: str, order: sorting.SortOrder) -> None:
        if order == sorting.UNSORTED:
            self.state.sort.pop(pane, None)
        else:
            self.state.sort[pane] = order
        self.renderer.all()

    def action_sort(self) -> None:
        pane = self._sort_pane()
        if pane not in PANES:
            self._no_sort_here()
            return
        self._set_sort(pane, sorting.next_column(pane, self.state.sort_of(pane)))

    def action_sort_reverse(self) -> None:
        pane = self._sort_pane()
        if pane not in PANES:
            self._no_sort_here()
            return
        self._set_sort(pane, sorting.reversed_order(self.state.sort_of(pane)))

    def _no_sort_here(self) -> None:
        # On the Jobs panel (or Details showing a job) s did nothing visible, and Details,
        # redrawn, lost the job it showed.
        self.carry_out(decide.Refuse(NO_SORT_HERE, severity="information", title="Sort"))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        pane = event.data_table.id or ""
        column = event.column_key.value or ""
        if pane in PANES and sorting.sortable(pane, column):
            event.stop()
            self._set_sort(pane, sorting.clicked(pane, self.state.sort_of(pane), column))

    # -- copy a path -----------------------------------------------------------------------

    def action_copy(self) -> None:
        decision = decide.decide_copy(self.state, *self._target())
        if isinstance(decision, decide.CopyText):
            # OSC 52: many terminals ignore it, so the text is shown too.
            self.copy_to_clipboard(decision.text)
            self.history.add("copy", decision.what, "done", decision.text, verbatim=True)
            self.notify(copied_message(decision.text), title=f"Copied the {decision.what} (y)",
                        markup=False, in_history=True, verbatim=True)
        else:
            self.carry_out(decision)

    # -- a REPL or a shell -----------------------------------------------------------------

    def action_repl(self) -> None:
        self._hand_over(launch.REPL)

    def action_shell(self) -> None:
        self._hand_over(launch.SHELL)

    def _can_suspend(self) -> bool:
        stdin = sys.__stdin__
        return not self.is_headless and stdin is not None and stdin.isatty()

    def _hand_over(self, what: launch.What) -> None:
        decision = launch.decide_launch(self.state, *self._target(), what,
                                        can_suspend=self._can_suspend())
        if isinstance(decision, decide.Refuse):
            self.carry_out(decision)
            return
        try:
            with self.suspend():
                outcome = launch.run_interactive(decision)
        except SuspendNotSupported:
            self.carry_out(decide.Refuse("This terminal cannot hand over to another program "
                                  f"(no terminal to suspend); run {decision.argv[0]} yourself.",
                                  title="Cannot suspend"))
            return
        if launch.terminal_gone():
            # Quit as on the SIGHUP that went to the program instead (its stages removed,
            # `.part`s kept): there is nothing left to draw on.
            import signal

            self.quit_on_signal(int(signal.SIGHUP))
            return
        self.notify(outcome, title=decision.title, markup=False)

    # -- Ctrl+C -----------------------------------------------------------------------------

    def action_help_quit(self) -> None:
        # Textual's own says "Press ctrl+q to quit the app": the first quit key it finds, in
        # its key-name spelling; the help and footer say `q` (Ctrl+Q too) and that it asks.
        self.notify("Press q (or Ctrl+Q) to quit; it asks first while jobs run.",
                    title="Ctrl+C does not quit", markup=False)
