"""Enter and Esc in the `/` filter box give the focus back to where `/` was pressed, as k9s
and lazygit do: `/3.11`, Enter on Cached keeps the user on Cached, with its rows filtered.
Esc on a table once the filter was kept clears it and stays on that table."""

from __future__ import annotations

from pytui.app.screens import ConfirmModal
from pytui.app.view_keys import FilterInput
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.details import DetailsPanel
from pytui.widgets.installed_table import InstalledTable
from textual import events
from ui_helpers import SIZE, UiWorld, ready, wait_for


def _burst(app, *keys: str) -> None:
    """Queue the keys at once, as a fast typist's reach the app (app/filter_box.py)."""
    for key in keys:
        char = "/" if key == "slash" else key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


async def test_enter_after_a_filter_typed_on_cached_stays_on_cached(ui_world: UiWorld) -> None:
    ui_world.seed_cache("3.13.1")
    kept = ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        cached.focus()
        await pilot.pause()
        # Typed at once: the `p` after Enter is Cached's purge, of the one archive left shown.
        _burst(app, "slash", *"3.11", "enter", "p")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal),
                       what="the purge question")
        assert app.state.view.filter_text == "3.11"
        assert app.screen_stack[0].focused is cached
        assert cached.row_keys == [cached.highlighted_key]
        assert kept.name in str(cached.highlighted_key)
        await pilot.press("n")
        assert kept.exists()


async def test_esc_in_the_box_goes_back_to_installed(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("3", "slash", *"3.1", "escape")
        await pilot.pause()
        assert app.focused is app.query_one("#installed", InstalledTable)
        assert app.state.view.filter_text == ""
        await pilot.press("5", "slash", *"3.1", "enter")
        await pilot.pause()
        assert app.focused is app.query_one("#details", DetailsPanel)
        assert app.state.view.filter_text == "3.1"


async def test_esc_on_a_table_clears_the_kept_filter_and_stays_there(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"3.11", "enter")
        await pilot.pause()
        assert app.focused is app.query_one("#available")
        await pilot.press("2", "escape")
        await pilot.pause()
        assert app.state.view.filter_text == ""
        assert not app.query_one("#filter", FilterInput).display
        assert app.focused is app.query_one("#cached", CacheTable)


async def test_the_focus_goes_to_available_when_where_slash_was_pressed_is_gone(
        ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("3", "slash", *"3.1")
        await pilot.pause()
        app.query_one("#installed").display = False  # as a row or pane removed meanwhile
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is app.query_one("#available")


async def test_a_pane_key_typed_right_before_slash_is_where_enter_goes_back_to(
        ui_world: UiWorld) -> None:
    """`5`, then `3/3.1` Enter typed fast: the `3` was handed to the focused Details as `/` (a
    priority key) was handled, so it reached the app's bindings once the box had the focus, and
    was dropped as a key the box types; Enter went back to Details, not to Installed where the
    user had asked to be. Digits typed in the box stay text."""
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("5")
        await pilot.pause()
        assert app.focused is app.query_one("#details", DetailsPanel)
        _burst(app, "3", "slash", *"3.1", "enter")
        await wait_for(pilot, lambda: app.state.view.filter_text == "3.1"
                       and not isinstance(app.focused, FilterInput), what="the filter kept")
        await pilot.pause()
        assert app.focused is app.query_one("#installed", InstalledTable)
        # `2` typed before `/` while the box is already open from an earlier `/`: the same.
        await pilot.press("5")
        await pilot.pause()
        _burst(app, "2", "slash", *"3.12", "escape")
        await wait_for(pilot, lambda: app.state.view.filter_text == ""
                       and not isinstance(app.focused, FilterInput), what="the filter cleared")
        await pilot.pause()
        assert app.focused is app.query_one("#cached", CacheTable)
