"""Esc then a key typed quickly reaches the app as one `alt+<key>` (Textual's parser joins an
ESC with the byte after it; seen in tmux with `send-keys Escape q`): an uninstall question
stayed open after Esc `q`, and the next `y` uninstalled. A screen that closes with Esc takes
`alt+<key>` as Esc, then `<key>` (app/alt_keys.py). The keys are sent as Textual produces them
(`alt+q`, character `q`)."""

from __future__ import annotations

from pytui.app.alt_keys import typed_after_escape
from pytui.app.screens import ConfirmModal, HelpScreen
from pytui.widgets.installed_table import InstalledTable
from textual import events
from ui_helpers import SIZE, UiWorld, press_install, ready, wait_for


def test_the_key_typed_after_an_escape_is_read_back_from_the_joined_key() -> None:
    assert typed_after_escape("alt+q", "q") == "q"
    assert typed_after_escape("alt+y", "y") == "y"
    assert typed_after_escape("alt+shift+h", "H") == "H"
    assert typed_after_escape("alt+1", "1") == "1"
    assert typed_after_escape("q", "q") is None  # no Esc before it
    assert typed_after_escape("alt+up", None) is None  # a real modified key
    assert typed_after_escape("escape", "\x1b") is None


async def _installed_and_asked(pilot, ui_world: UiWorld, key: str) -> ConfirmModal:
    app = pilot.app
    await ready(pilot)
    await press_install(pilot, key)
    await wait_for(pilot, lambda: ui_world.installed_dir("3.11.11").is_dir()
                   and any(j.phase == "done" for j in app.state.jobs.values()), what="the install")
    table = app.query_one("#installed", InstalledTable)
    await wait_for(pilot, lambda: table.row_count > 0, what="the Installed row")
    table.focus()
    await pilot.pause()
    await pilot.press("u")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
    assert isinstance(app.screen, ConfirmModal)
    return app.screen


async def test_escape_then_y_typed_quickly_closes_the_question_and_uninstalls_nothing(
        ui_world: UiWorld) -> None:
    ui_world.seed_cache("3.11.11")
    key = ui_world.build("3.11.11").key
    app = ui_world.make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        question = await _installed_and_asked(pilot, ui_world, key)
        jobs = len(app.state.jobs)
        app.post_message(events.Key("alt+y", "y"))  # Esc then y, as the parser delivers them
        await wait_for(pilot, lambda: app.screen is not question, what="the question closed")
        await pilot.press("y")  # a y after it answers nothing either
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal), app.screen
        assert len(app.state.jobs) == jobs, app.state.jobs
        assert ui_world.installed_dir("3.11.11").is_dir()


async def test_escape_then_q_typed_quickly_closes_the_question_then_quits(
        ui_world: UiWorld) -> None:
    ui_world.seed_cache("3.11.11")
    key = ui_world.build("3.11.11").key
    app = ui_world.make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _installed_and_asked(pilot, ui_world, key)
        app.post_message(events.Key("alt+q", "q"))
        await wait_for(pilot, lambda: app._exit, what="the app quitting")
    assert ui_world.installed_dir("3.11.11").is_dir()


async def test_escape_then_a_key_closes_the_help_and_the_key_acts_on_the_main_screen(
        ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        app.post_message(events.Key("alt+3", "3"))  # Esc, then 3: the Installed pane
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), what="help closed")
        await wait_for(pilot, lambda: isinstance(app.focused, InstalledTable), what="3 acted")


async def test_escape_then_a_key_closes_the_palette_instead_of_typing_the_key_into_it(
        ui_world: UiWorld) -> None:
    from textual.command import CommandPalette

    app = ui_world.make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("colon")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        app.post_message(events.Key("alt+3", "3"))
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette),
                       what="the palette closed")
        await wait_for(pilot, lambda: isinstance(app.focused, InstalledTable), what="3 acted")
