"""The filter boxes' one rule for fast typing: Enter keeps the filter at its place among the
keys typed, and the keys typed after it go to the table.

Keys reach the box through its own message queue, behind the keys typed before them. Enter is
taken from that queue (not as an app binding, which would run as the app reads it, before the
box has the text typed before it): the box's text is whole, the screen's `keep_filter` action
applies it and moves the focus at once. A key the app had already handed to the box behind the
Enter (`Enter i` typed fast) finds the box without the focus and is handed back to the app,
which gives it to the table: `/3.11 Enter i` installs a 3.11 build, as typed slowly. It is
dispatched at once, as the app dispatches a key it reads, not posted to the app: the app's
queue may already hold keys the terminal delivered while the box applied the filter, and a
handed-back key was typed before them. Esc (clear the filter, focus the pane `/` was pressed
in) is taken from the queue the same way, so the keys typed after it reach the table too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pytui.widgets.list_bindings import CLEAR_FILTER, KEEP_FILTER, filter_bindings
from textual import events
from textual.widgets import Input
from textual.widgets.input import Selection

if TYPE_CHECKING:
    from textual.app import App


# What a filter box holds at most: words no user types, and each costs a pass over the rows
# (350 KB of pasted words cost 6.6 s of the UI thread per filtering).
MAX_FILTER_CHARS = 256


class FilterBox(Input):
    # Whose actions keep the filter and clear it ("app" or "screen"; each moves the focus to
    # the table at once): a subclass names it, and its Enter and Esc bindings and the actions
    # the box runs are made from that one name (widgets/list_bindings.py spells the actions).
    ACTIONS_OF: ClassVar[str] = ""
    KEEP_ACTION: ClassVar[str] = ""
    CLEAR_ACTION: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "ACTIONS_OF" in vars(cls):
            cls.KEEP_ACTION = f"{cls.ACTIONS_OF}.{KEEP_FILTER}"
            cls.CLEAR_ACTION = f"{cls.ACTIONS_OF}.{CLEAR_FILTER}"
            cls.BINDINGS = [*filter_bindings(cls.ACTIONS_OF)]
        super().__init_subclass__(**kwargs)  # Textual merges the bindings there: set first

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_FILTER_CHARS)
        super().__init__(*args, **kwargs)
        self._selected_early = False

    async def on_key(self, event: events.Key) -> None:
        if self.screen.focused is not self:
            # Typed after an Enter this box had not handled yet when the app handed it on.
            # (Not `has_focus`: that is set by the Blur event, queued behind this key.)
            event.stop()
            event.prevent_default()
            await _dispatch_now(self.app, events.Key(event.key, event.character))
            if self.screen.focused is self:
                # The key gave the focus back (`/`): its Focus event is queued behind the keys
                # typed after it, so select now what that event would select.
                self._select_as_focus_does()
        elif event.key in ("enter", "escape"):
            # From the box's own queue (not as bindings, which run when the key has bubbled
            # up to the app, after the keys typed behind it have reached the box).
            event.stop()
            event.prevent_default()
            await self.run_action(self.KEEP_ACTION if event.key == "enter" else self.CLEAR_ACTION)

    def on_paste(self, event: events.Paste) -> None:
        if self.screen.focused is not self:
            # Pasted after an Enter this box had not handled yet: not text for the kept filter.
            event.stop()
            event.prevent_default()  # (Input's own paste handler comes next otherwise)
            app = self.app
            (app.focused or app.screen)._forward_event(events.Paste(event.text))
            return
        lines = event.text.splitlines()
        start, end = sorted(self.selection)
        room = self.max_length - (len(self.value) - (end - start)) if self.max_length else None
        if lines and room is not None and len(lines[0]) > room:
            # Input refuses a paste past `max_length` whole; the part that fits is kept.
            event.stop()
            event.prevent_default()
            self.replace(lines[0][:max(room, 0)], start, end)

    def _select_as_focus_does(self) -> None:
        if self.select_on_focus:
            self.selection = Selection(0, len(self.value))
            self.select_on_focus = False  # until the late Focus event has been handled
            self._selected_early = True

    def _on_focus(self, _event: events.Focus) -> None:
        # Runs before Input's: that one selects nothing this time (done above already).
        if self._selected_early:
            self._selected_early = False
            self.call_next(setattr, self, "select_on_focus", True)


async def _dispatch_now(app: App[object], key: events.Key) -> None:
    """What `App.on_event` does with a key read from the terminal: its priority bindings, else
    the key forwarded to the focused widget (whose bindings it meets as it bubbles back)."""
    if not await app._check_bindings(key.key, priority=True):  # Textual's own step (private)
        (app.focused or app.screen)._forward_event(key)
