"""The movement keys every list-like widget shares (pane tables, the jobs list): j/k as ↓/↑,
g/G as Home/End. app/keymap.py lists them for the help and the README; a test checks the two
agree (widgets import nothing from app/). And the filter's two actions, spelled once here for
the filter boxes (app/filter_box.py) and the tables whose Esc clears the filter."""

from __future__ import annotations

from textual.binding import Binding

LIST_MOVES = [Binding("j", "cursor_down", "Down", show=False),
              Binding("k", "cursor_up", "Up", show=False),
              Binding("g,home", "scroll_top", "First", show=False),
              Binding("G,end", "scroll_bottom", "Last", show=False)]

# Enter in a filter box keeps the filter and focuses the table `/` came from; Esc (in the box,
# or in a table once the filter was kept) clears it. The app and the Environments screen each implement both.
KEEP_FILTER = "keep_filter"
CLEAR_FILTER = "clear_filter"


def filter_bindings(namespace: str) -> list[Binding]:
    """A filter box's Enter and Esc, as the footer shows them while the box has the focus,
    running `namespace`'s actions ("app" or "screen")."""
    return [Binding("enter", f"{namespace}.{KEEP_FILTER}", "Keep filter", key_display="Enter"),
            Binding("escape", f"{namespace}.{CLEAR_FILTER}", "Clear filter", key_display="Esc")]
