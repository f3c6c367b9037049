"""A terminal too short for the panes (under 22 rows: 40x12, 60x14): the whole screen scrolled,
a scrollbar at its edge, Details and Jobs below it and nothing said so. Now the pane with the
focus is drawn whole and the others fold to their title row; 1-5 and Tab open the pane they
move to. From 22 rows on (80x24) nothing folds."""

from __future__ import annotations

import pytest
from pytui.app.folding import FOLDING_AREAS
from textual.widgets import DataTable
from ui_helpers import UiWorld, ready, wait_for


def _rows(app, area_id: str) -> int:
    return app.query_one(f"#{area_id}").region.height


@pytest.mark.parametrize("size", [(40, 12), (60, 14), (30, 10)])
async def test_a_short_screen_folds_all_but_the_focused_pane(ui_world: UiWorld,
                                                              size: tuple[int, int]) -> None:
    ui_world.seed_cache("3.13.1")
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        screen = app.screen
        assert screen.max_scroll_y == 0  # nothing below the edge
        shown = "\n".join(strip.text for strip in screen._compositor.render_strips())
        for title in ("Available", "Cached", "Details", "Jobs"):
            assert title in shown or size[0] < 40, (title, shown)
        for key, area_id in (("2", "lower"), ("5", "details"), ("1", "available-pane")):
            await pilot.press(key)
            await wait_for(pilot, lambda area_id=area_id: _rows(app, area_id) > 2,
                           what=f"{area_id} open")
            others = [other for other in FOLDING_AREAS if other != area_id]
            assert [_rows(app, other) for other in others] == [1, 1, 1], others
            assert screen.max_scroll_y == 0
        # Tab moves into a folded pane and opens it.
        await pilot.press("tab")
        await wait_for(pilot, lambda: _rows(app, "lower") > 2, what="Cached open after Tab")


async def test_nothing_folds_at_80x24(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert all(_rows(app, area_id) > 2 for area_id in FOLDING_AREAS)
        await pilot.resize_terminal(40, 12)
        await wait_for(pilot, lambda: _rows(app, "details") == 1, what="folded at 40x12")
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: all(_rows(app, a) > 2 for a in FOLDING_AREAS),
                       what="unfolded again")


@pytest.mark.parametrize("size", [(20, 8), (40, 9), (30, 6)])
async def test_a_tiny_screen_keeps_a_row_of_the_open_pane_and_never_scrolls(
        ui_world: UiWorld, size: tuple[int, int]) -> None:
    """Under 10 rows (20x8) the folded panes did not fit either: the whole screen scrolled (a
    scrollbar at its edge, Jobs below it) and the open Available showed its column names and
    no row. Now the header keeps its first line and the open pane its rows; at 6 rows nothing
    is below the edge, though the pane has no row left to show."""
    ui_world.seed_cache("3.13.1")
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        screen = app.screen
        for key, area_id, shown_id, beside in (("1", "available-pane", "available", 1),
                                               ("2", "lower", "cached", 1),
                                               ("5", "details", "details", 0)):
            await pilot.press(key)
            await wait_for(pilot, lambda area_id=area_id: "-open" in app.query_one(
                f"#{area_id}").classes, what=f"{area_id} open")
            await pilot.pause()
            assert screen.max_scroll_y == 0, (key, screen.virtual_size)
            header, footer = app.query_one("#header").region, app.query_one("#footer").region
            assert (header.y, header.height) == (0, 1)
            assert footer.y == size[1] - 1  # the footer on the last row
            shown = app.query_one(f"#{shown_id}").region
            if size[1] >= 8:  # a row of the table (under its column names) or of Details
                assert shown.height >= beside + 1, (key, shown)
            assert shown.bottom <= footer.y
            others = [other for other in FOLDING_AREAS if other != area_id]
            assert [_rows(app, other) for other in others] == [1, 1, 1], others


async def test_a_tiny_screen_shows_a_row_under_the_filter(ui_world: UiWorld) -> None:
    """At 20x8 with `/` open Available's rows were its title, the filter box and its column
    names: no row. Under 10 rows the panes' column names give way (back from 10 on)."""
    app = ui_world.make_app()
    async with app.run_test(size=(20, 8)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"3.12")
        await wait_for(pilot, lambda: app.query("#filter") and app.query_one("#filter").has_focus,
                       what="the filter box")
        table = app.query_one("#available", DataTable)
        await wait_for(pilot, lambda: table.row_count >= 1, what="rows matching the filter")
        await pilot.pause()
        assert not table.show_header
        assert table.region.height >= 1 and app.screen.max_scroll_y == 0, table.region
        shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        # The row (its version: at 20 columns the key cannot keep it, Version stands in).
        assert "—      3.12.8" in shown, shown
        await pilot.resize_terminal(40, 12)
        await wait_for(pilot, lambda: table.show_header, what="the column names back")


async def test_a_focus_move_read_under_a_dialog_opens_its_pane(ui_world: UiWorld) -> None:
    """At 40x16, `4` (Jobs open), then `3`, `k`, `u` typed at once: the focus moved to
    Installed, but its move was read once the uninstall question was the screen, and the
    area was opened on that screen, not the main one. Answered, the question left Installed
    focused and folded to its title, the Jobs panel open below it."""
    from pytui.app.screens import ConfirmModal
    from pytui.core.jobs import InstallJob

    ui_world.seed_cache("3.13.1")
    InstallJob(ui_world.build("3.13.1"), settings=ui_world.settings).run()
    app = ui_world.make_app()
    async with app.run_test(size=(40, 16)) as pilot:
        await ready(pilot)
        await pilot.press("4")
        await wait_for(pilot, lambda: _rows(app, "jobs") > 2, what="Jobs open")
        main = app.screen
        installed = app.query_one("#installed", DataTable)
        installed.focus()
        # The question opens before the focus move is read, as when the keys come at once.
        app.push_screen(ConfirmModal("Uninstall?", ["It goes."], confirm="Uninstall"))
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is main, what="the question closed")
        await pilot.pause()
        assert main.focused is installed
        assert _rows(app, "lower") > 2 and _rows(app, "jobs") == 1, (_rows(app, "lower"), _rows(app, "jobs"))
