"""j/k/g/G scroll a text as ↓/↑/Home/End do: the `?` help, History and Details (focused with
5). They move the panes' rows and the jobs; in the help, a lazygit or k9s user's first `j`
did nothing."""

from __future__ import annotations

from pytui.app.screens import HelpScreen, HistoryScreen
from textual.containers import VerticalScroll
from ui_helpers import UiWorld, ready, wait_for

SMALL = (80, 24)


async def _scrolls_with_letters(pilot, body: VerticalScroll) -> None:
    assert body.max_scroll_y > 0 and body.scroll_y == 0
    await pilot.press("j")
    await wait_for(pilot, lambda: body.scroll_y == 1, what="j to scroll one line down")
    await pilot.press("G")
    await wait_for(pilot, lambda: body.scroll_y == body.max_scroll_y, what="G to the end")
    await pilot.press("k")
    await wait_for(pilot, lambda: body.scroll_y == body.max_scroll_y - 1, what="k one line up")
    await pilot.press("g")
    await wait_for(pilot, lambda: body.scroll_y == 0, what="g to the top")


async def test_the_help_scrolls_with_j_k_g_and_G(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        await pilot.pause()
        await _scrolls_with_letters(pilot, app.screen.query_one("#help-body", VerticalScroll))


async def test_history_scrolls_with_j_k_g_and_G(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        for number in range(30):
            app.history.add("note", "pytui", "info", f"note number {number}")
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="History")
        await pilot.pause()
        body = app.screen.query_one("#history-list", VerticalScroll)
        await pilot.press("g")  # it opens at its end, on the newest
        await wait_for(pilot, lambda: body.scroll_y == 0, what="g to the top")
        await _scrolls_with_letters(pilot, body)


async def test_details_scroll_with_j_k_g_and_G(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        await pilot.press("5")
        details = app.query_one("#details", VerticalScroll)
        await wait_for(pilot, lambda: app.focused is details, what="Details focused")
        await pilot.pause()
        await _scrolls_with_letters(pilot, details)
