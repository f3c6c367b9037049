"""The movement keys every list-like widget shares (pane tables, the jobs list): j/k as ↓/↑,
g/G as Home/End; and the same letters in a scrolling text (Details, the help, History), where
they scroll it (`KeyScroll`). app/keymap.py lists them for the help and the README; a test checks the two
agree (widgets import nothing from app/). And the filter's two actions, spelled once here for
the filter boxes (app/filter_box.py) and the tables whose Esc clears the filter."""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll

LIST_MOVES = [Binding("j", "cursor_down", "Down", show=False),
              Binding("k", "cursor_up", "Up", show=False),
              Binding("g,home", "scroll_top", "First", show=False),
              Binding("G,end", "scroll_bottom", "Last", show=False)]

# A text that scrolls takes the same letters (a lazygit or k9s user's j in the help did nothing).
SCROLL_MOVES: list[BindingType] = [Binding("j", "scroll_down", "Down", show=False),
                                   Binding("k", "scroll_up", "Up", show=False),
                                   Binding("g", "scroll_home", "Top", show=False),
                                   Binding("G", "scroll_end", "End", show=False)]


class KeyScroll(VerticalScroll):
    """A VerticalScroll that j/k/g/G scroll too, as ↓/↑/Home/End do."""

    BINDINGS = SCROLL_MOVES


# Enter in a filter box keeps the filter and focuses the table `/` came from; Esc (in the box,
# or in a table once the filter was kept) clears it. The app and the Environments screen each implement both.
KEEP_FILTER = "keep_filter"
CLEAR_FILTER = "clear_filter"


def filter_bindings(namespace: str) -> list[Binding]:
    """A filter box's Enter and Esc, as the footer shows them while the box has the focus,
    running `namespace`'s actions ("app" or "screen")."""
    return [Binding("enter", f"{namespace}.{KEEP_FILTER}", "Keep filter", key_display="Enter"),
            Binding("escape", f"{namespace}.{CLEAR_FILTER}", "Clear filter", key_display="Esc")]
