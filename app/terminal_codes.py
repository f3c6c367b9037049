"""Escape sequences pytui writes to the terminal itself, outside Textual's drawing."""

from __future__ import annotations

# Cursor home and erase the screen: written before pytui leaves the alternate screen (quitting)
# and before it hands the terminal to another program (x / !), as lazygit does.
CLEAR_SCREEN = "\x1b[H\x1b[2J"
