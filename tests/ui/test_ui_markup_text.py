"""Text typed or found is never read as Textual markup: a filter such as `[/]x[b]` (typed, or
pasted from somewhere) shows as typed in the pane subtitles; it used to end the app with a
MarkupError traceback (`auto closing tag ('[/]') has nothing to close`), as the subtitle was
set as a markup string."""

from __future__ import annotations

import pytest
from ui_helpers import UiWorld, ready, wait_for


def _plain_subtitle(app, pane: str) -> str:
    return app.query_one(pane)._border_subtitle.plain


@pytest.mark.parametrize("text", ["[/]x[b]", "[red]3.12", "[@click=app.quit]q", "3.1[", "\\[/]"])
async def test_a_filter_that_looks_like_markup_shows_as_typed(ui_world: UiWorld, text: str) -> None:
    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *text)
        await wait_for(pilot, lambda: app.state.view.filter_text == text, what="the filter")
        await pilot.press("enter")
        await pilot.pause()
        # (Cached and Installed, half the width, may show a form without the filter.)
        await wait_for(pilot, lambda: text in _plain_subtitle(app, "#available-pane"),
                       what="the filter as typed in the Available subtitle")
        await pilot.resize_terminal(200, 50)
        for pane in ("#cached-pane", "#installed-pane"):
            await wait_for(pilot, lambda pane=pane: text in _plain_subtitle(app, pane),
                           what=f"the filter as typed in {pane}'s subtitle at 200 columns")
        assert app.is_running
