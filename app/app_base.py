"""The base class of PytuiApp's parts: what they share, declared once for the type checker.

PytuiApp (pytui_app.py) composes the widgets and routes messages; its handlers live in parts
by concern, each a subclass of `AppBase`:

- `listing_messages.ListingMessages`: the catalog, the disk listing, environments and sizes
  that the runner's threads report, and `r` (refresh);
- `job_actions.JobActions`: the keys that start, cancel or refuse a job (through
  `decisions`), the job messages, and quitting;
- `view_keys.ViewKeys`: the filter box, the view toggles, the screens (help, history,
  environments), and the details following the user;
- `conventions.ConventionKeys`: pane jumps, sorting, copy, REPL/shell, the kept theme;
- `toast_shelf.ToastShelf`: every notification (worded, kept in History, capped on screen,
  held under a dialog).

Textual calls a message handler in every class of the MRO that defines one, so each handler
name is defined in exactly one part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from pytui.app import decisions as decide
    from pytui.app.disk_watch import DiskWatch
    from pytui.app.history import History
    from pytui.app.render import Renderer
    from pytui.app.runner import JobRunner
    from pytui.app.size_watch import SizeWatch
    from pytui.app.state import AppState
    from pytui.app.view_model import ViewModel
    from textual.notifications import SeverityLevel
    from textual.widget import Widget


class AppBase(App[int]):
    """Set up by PytuiApp.__init__; the parts only use it."""

    if TYPE_CHECKING:
        state: AppState
        vm: ViewModel
        runner: JobRunner
        history: History
        renderer: Renderer
        disk_watch: DiskWatch
        size_watch: SizeWatch

        # Defined in JobActions, used by every part.
        def _target(self) -> tuple[str, str | None]: ...
        def typed_before_slash(self, target: Widget) -> bool: ...
        def carry_out(self, decision: decide.Decision) -> None: ...
        def redecide_questions(self, *, disk_changed: bool = False) -> None: ...
        def measure_purged_trees(self) -> None: ...
        def quit_on_signal(self, number: int) -> None: ...

        # PytuiApp's: `in_history` when the caller kept its own History entry; `verbatim`
        # when paths are shown as given, not from `~`.
        def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
                   timeout: float | None = None, markup: bool = True,
                   in_history: bool = False, verbatim: bool = False) -> None: ...
        def withdraw_toasts(self, title: str) -> None: ...
