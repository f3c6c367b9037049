"""The main screen on a terminal too short for its panes (40x12): the pane with the focus is
drawn whole and the others fold to their title row, as lazygit's side panels do, instead of
the whole screen scrolling with Details and Jobs below its edge and nothing saying so. The
keys that move the focus (1-5, Tab) open the pane they move to (app.tcss `-folded`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.widget import Widget

# The panes need this many rows at least (header 2, Available 6, Cached and Installed 5,
# Details 4, Jobs 4, footer 1); under it they fold (the `-folded` breakpoint).
FOLDED_BELOW = 22
# Under this many rows even that does not fit (header 2, three title rows, the open pane's
# title, column names, a row and bottom edge, footer 1): the `-tiny` breakpoint draws it tighter.
TINY_BELOW = 10
# The areas that fold; the one holding the focus is `-open`.
FOLDING_AREAS = ("available-pane", "lower", "details", "jobs")
# The panes' tables, whose column names give way under TINY_BELOW rows.
PANE_TABLES = ("available", "cached", "installed")


def open_area(screen: Screen, focused: Widget) -> None:
    """Mark the folding area that holds `focused` open; a widget in none of them (a dialog's)
    leaves the marks as they are."""
    area = next((node for node in focused.ancestors_with_self if node.id in FOLDING_AREAS), None)
    if area is None:
        return
    for node in screen.query(",".join(f"#{area_id}" for area_id in FOLDING_AREAS)):
        node.set_class(node is area, "-open")


def show_column_names(app: App, height: int) -> None:
    """The panes' column names under TINY_BELOW rows give way: at 20x8 with the `/` filter
    open, Available's rows were its title, the filter and its column names, and no row."""
    from textual.widgets import DataTable

    shown = height >= TINY_BELOW
    for table_id in PANE_TABLES:
        for table in app.query(f"#{table_id}").results(DataTable):
            if table.show_header != shown:
                table.show_header = shown
