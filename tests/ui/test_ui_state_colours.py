"""State cells and marks are drawn in the theme's status colours (widgets/state_styles.py),
which app/contrast.py makes reach 4.5:1 on the panes' grounds: in Rich's fixed `green` and
`yellow` the light theme's `ok` read at 2.9-3.2:1 and `↓ 40%` at 2.0-2.2:1 (tui37's
measurement of the light-theme snapshot)."""

from __future__ import annotations

import pytest
from pytui.app.contrast import TEXT_MIN, contrast
from pytui.widgets.keyed_table import KeyedTable
from pytui.widgets.rows import CACHED
from rich.style import Style
from textual.color import Color
from ui_helpers import UiWorld, ready, wait_for


def _style_of(table: KeyedTable, text: str) -> Style:
    """The style of the first segment below the header that is `text` (spaces aside)."""
    for y in range(1, table.size.height):
        for segment in table.render_line(y):
            if segment.text.strip() == text:
                return segment.style or Style()
    raise AssertionError(f"{text!r} is not drawn in #{table.id}")


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_state_cells_are_drawn_in_the_themes_status_colours(ui_world: UiWorld, theme: str) -> None:
    ui_world.seed_cache("3.13.1")
    tree = ui_world.seed_loose_tree(manifest=False)
    assert tree.is_dir()
    app = ui_world.make_app()
    app.theme = theme
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", KeyedTable)
        available = app.query_one("#available", KeyedTable)
        await wait_for(pilot, lambda: cached.row_count == 2, what="the archive and the tree")
        colours = app.get_css_variables()
        background = Color.parse(colours["surface"]).rich_color.triplet
        assert background is not None

        async def drawn(table: KeyedTable, row: int, text: str, variable: str) -> Style:
            """`text`'s style, the cursor moved off its row (the cursor has its own colours)."""
            table.move_cursor(row=row)
            await pilot.pause()
            style = _style_of(table, text)
            assert style.color == Color.parse(colours[variable]).rich_color, (text, style)
            assert style.color is not None
            assert contrast(style.color.get_truecolor(), background) >= TEXT_MIN, (text, style)
            return style

        await drawn(cached, 1, "ok", "status-ok")
        await drawn(cached, 0, "manifest unreadable", "status-bad")
        # Available's mark of a cached build, bold as before.
        assert (await drawn(available, 1, CACHED, "status-busy")).bold
