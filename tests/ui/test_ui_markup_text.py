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


async def test_a_purge_preview_error_naming_a_bracketed_path_shows_as_text(ui_world: UiWorld) -> None:
    """The purge preview's `Could not list the cache: <error>` names the cache dir, which may
    hold `[/]` (directories `x[` and `]y`): shown as text, not read as markup (a traceback)."""
    from pytui.app.purge_screen import PurgeRulesModal
    from textual.widgets import Static

    cache = ui_world.home / "x[" / "]y" / "cache"

    def planner(rule: str):
        raise NotADirectoryError(20, "Not a directory", str(cache))

    app = ui_world.make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await app.push_screen(PurgeRulesModal(planner, rule="all", id="purge-rules"))
        await pilot.pause()
        await wait_for(pilot, lambda: str(cache) in str(
            app.screen.query_one("#purge-total", Static).render()), what="the error in the preview")
        assert app.is_running


async def test_a_cached_file_name_that_looks_like_markup_shows_as_named_in_the_purge_preview(
        ui_world: UiWorld) -> None:
    """A file in the cache dir named with `[b]` (any name uv's pattern lets through) is listed as
    it is named in the purge preview, its brackets kept (a str cell was read as markup)."""
    from rich.text import Text
    from textual.widgets import DataTable

    seeded = ui_world.seed_cache("3.11.11")
    odd = seeded.with_name("abcdef012-[b]x[@click=app.quit]-install_only.tar.gz")
    seeded.rename(odd)
    app = ui_world.make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        await pilot.press("P")

        def labels() -> list[str]:
            try:
                table = app.screen.query_one("#purge-preview", DataTable)
            except Exception:  # noqa: BLE001 - not mounted yet
                return []
            # As DataTable draws a cell: a str as markup, a Text as it is.
            cells = [table.get_row_at(i)[1] for i in range(table.row_count)]
            return [c.plain if isinstance(c, Text) else Text.from_markup(c).plain for c in cells]

        # The rule with every archive.
        await pilot.press("right", "right", "enter")
        await wait_for(pilot, lambda: any(odd.name in label for label in labels()),
                       what="the odd name whole in the preview")
        assert app.is_running


async def test_a_huge_paste_into_the_filter_is_cut_to_the_boxs_bound(ui_world: UiWorld) -> None:
    """A pasted line is text from anywhere (a log, minified JSON): 350 KB of words made one
    filtering of the catalog cost 6.6 s of the UI thread's CPU (each word a term, each term
    matched against every key part), again at each key typed after it. The box keeps its
    first MAX_FILTER_CHARS characters, as a terminal's line editor keeps what fits."""
    from pytui.app.filter_box import MAX_FILTER_CHARS
    from textual import events

    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    pasted = " ".join(f"w{n}" for n in range(60_000))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", "3")
        await wait_for(pilot, lambda: app.state.view.filter_text == "3", what="the filter")
        box = app.query_one("#filter")
        box.post_message(events.Paste(pasted + "\nsecond line"))
        want = ("3" + pasted)[:MAX_FILTER_CHARS].strip()
        await wait_for(pilot, lambda: app.state.view.filter_text == want, what="the pasted filter, cut")
        assert len(box.value) == MAX_FILTER_CHARS
        assert app.is_running
