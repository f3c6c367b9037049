"""Keys typed right after `/` reach the filter box, however fast they come (a paste, a fast
typist, keys queued while the app is busy): none of them runs as a main-screen command."""

from __future__ import annotations

import hashlib

from pytui.app.envs_screen import EnvFilter, EnvironmentsScreen
from pytui.app.view_keys import FilterInput
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.installed_table import InstalledTable
from textual import events
from ui_helpers import SIZE, UiWorld, ready, wait_for


def _burst(app, *keys: str) -> None:
    """Queue every key at once, as the terminal driver does for a paste or keys typed while
    the app is busy (Pilot's `press` waits for the app to be idle after each key)."""
    for key in keys:
        char = "/" if key == "slash" else key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _box(app) -> FilterInput:
    return app.query_one("#filter", FilterInput)


async def _open_environments(pilot, app) -> EnvironmentsScreen:
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen),
                   what="environments screen")
    return app.screen


async def _typed(pilot, app, text: str) -> None:
    await wait_for(pilot, lambda: bool(app.query("#filter")) and _box(app).value == text,
                   what=f"the filter box holding {text!r}")
    await pilot.pause()


async def test_keys_after_the_first_slash_reach_the_box_not_the_cache(ui_world: UiWorld) -> None:
    archive = ui_world.seed_cache("3.11.11")
    before = _digest(archive)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        cached.focus()
        await pilot.pause()
        assert not app.query("#filter")  # the box is mounted on the first `/`
        # `p` purges the highlighted archive and `y` says yes: typed as commands, they would
        # remove it.
        _burst(app, "slash", *"pypy")
        await _typed(pilot, app, "pypy")
        assert app.focused is _box(app)
        assert app.screen is app.screen_stack[0] and not app.state.jobs
        assert _digest(archive) == before


async def test_keys_after_a_later_slash_reach_the_box(ui_world: UiWorld) -> None:
    archive = ui_world.seed_cache("3.11.11")
    before = _digest(archive)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"3.1", "escape")
        await pilot.pause()
        app.query_one("#cached", CacheTable).focus()
        await pilot.pause()
        _burst(app, "slash", *"pypy")
        await _typed(pilot, app, "pypy")
        assert app.screen is app.screen_stack[0] and not app.state.jobs
        assert _digest(archive) == before
        # Digits and letters that are pane jumps and uninstall: typed into the box too.
        await pilot.press("escape")
        app.query_one("#installed", InstalledTable).focus()
        await pilot.pause()
        _burst(app, "slash", *"3musl")
        await _typed(pilot, app, "3musl")
        assert app.screen is app.screen_stack[0]
        # A `/` typed in the box is text, not the filter key again.
        _burst(app, "slash")
        await _typed(pilot, app, "3musl/")


async def test_keys_after_slash_reach_the_environments_filter(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await _open_environments(pilot, app)
        # `e` closes the screen, `r` rescans, `c` stops the scan: here they are text.
        _burst(app, "slash", *"rec")
        box = screen.query_one("#envs-filter", EnvFilter)
        await wait_for(pilot, lambda: box.value == "rec", what="the box holding 'rec'")
        assert app.screen is screen and app.focused is box


async def test_a_key_right_after_enter_in_the_box_reaches_the_table(ui_world: UiWorld) -> None:
    """`/3.11`, Enter and `i` typed at once: the filter is kept, the `i` installs the
    highlighted 3.11 build rather than landing in the box or acting on the rows shown before
    the filter (app/filter_box.py)."""
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        _burst(app, "slash", *"3.11", "enter", "i")
        await wait_for(pilot, lambda: bool(app.state.jobs), what="an install started by the `i`")
        assert _box(app).value == "3.11"
        assert app.state.view.filter_text == "3.11"
        assert app.focused is app.query_one("#available")
        assert all(job.key.startswith("cpython-3.11") for job in app.state.jobs.values())


async def test_a_key_right_after_enter_in_the_environments_filter_reaches_the_table(
        ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await _open_environments(pilot, app)
        _burst(app, "slash", "x")
        await wait_for(pilot, lambda: bool(screen.query("#envs-filter")), what="the filter box")
        box = screen.query_one("#envs-filter", EnvFilter)
        # `e` after Enter closes the screen: it must not be typed into the box.
        _burst(app, "y", "enter", "e")
        await wait_for(pilot, lambda: app.screen is not screen, what="the `e` closing the screen")
        assert box.value == "xy"
