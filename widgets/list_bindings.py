"""The movement keys every list-like widget shares (pane tables, the jobs list): j/k as ↓/↑,
g/G as Home/End. app/keymap.py lists them for the help and the README; a test checks the two
agree (widgets import nothing from app/)."""

from __future__ import annotations

from textual.binding import Binding

LIST_MOVES = [Binding("j", "cursor_down", "Down", show=False),
              Binding("k", "cursor_up", "Up", show=False),
              Binding("g,home", "scroll_top", "First", show=False),
              Binding("G,end", "scroll_bottom", "Last", show=False)]
