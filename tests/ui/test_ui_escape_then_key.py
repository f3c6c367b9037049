"""Esc then a key typed quickly reaches the app as one key (Textual's parser joins an ESC with
the byte after it: `alt+q`, `£` for ESC 3, `shift+tab` for ESC Tab; seen in tmux with
`send-keys Escape q`): an uninstall question stayed open after Esc `q`, and the next `y`
uninstalled. A screen that closes with Esc takes it as Esc, then the key (app/alt_keys.py).
The key events are the ones pytui's own parser (app/terminal_driver.py) makes of the bytes a
terminal sends."""

from __future__ import annotations

from pytui.app.alt_keys import EscapeThen
from pytui.app.screens import ConfirmModal, HelpScreen
from pytui.app.terminal_driver import PasteSafeParser
from pytui.widgets.installed_table import InstalledTable
from textual import events
from textual.command import CommandPalette
from textual.widgets import Input
from ui_helpers import SIZE, UiWorld, press_install, ready, wait_for


def parsed(data: str) -> list[events.Key]:
    """The keys the app's parser makes of `data` read at once (then the input's end, which
    ends the wait after a lone ESC as its timeout would)."""
    parser = PasteSafeParser()
    keys = list(parser.feed(data)) + list(parser.feed(""))
    assert all(isinstance(key, events.Key) for key in keys), keys
    return keys  # type: ignore[return-value]


def typed_quickly(app, data: str) -> None:
    for key in parsed(data):
        app.post_message(key)


async def handled_before(pilot) -> None:
    """The keys pressed before are handled: `a` (All versions), pressed after them on the main
    screen, has toggled (keys are handled in order; under a question it would do nothing). A
    fixed pause before asserting that a key did nothing passed whether or not it had run."""
    app = pilot.app
    shown = app.state.view.all_versions
    await pilot.press("a")
    await wait_for(pilot, lambda: app.state.view.all_versions is not shown,
                   what="a pressed after the keys, toggled")


def test_the_parser_says_the_key_typed_after_an_escape() -> None:
    for data, joined, typed in (("\x1bq", "alt+q", "q"), ("\x1by", "alt+y", "y"),
                                ("\x1bH", "alt+shift+h", "H"), ("\x1b3", "pound_sign", "3"),
                                ("\x1b\t", "shift+tab", "tab"), ("\x1bf", "ctrl+right", "f"),
                                ("\x1b?", "question_mark", "question_mark"),
                                ("\x1b\r", "enter", "enter")):
        (key,) = parsed(data)
        assert isinstance(key, EscapeThen) and key.key == joined, (data, key)
        assert key.typed.key == typed, (data, key.typed)
    # Not an Esc and a key: left as Textual reads them.
    for data, keys in (("\x1b[A", ["up"]), ("\x1b[Z", ["shift+tab"]), ("q", ["q"]),
                       ("\x1b", ["escape"]), ("\x1b\x1b", ["escape", "escape"])):
        got = parsed(data)
        assert [k.key for k in got] == keys and not any(isinstance(k, EscapeThen) for k in got)


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


async def test_escape_then_y_or_tab_typed_quickly_closes_the_question_and_uninstalls_nothing(
        ui_world: UiWorld) -> None:
    ui_world.seed_cache("3.11.11")
    key = ui_world.build("3.11.11").key
    app = ui_world.make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        question = await _installed_and_asked(pilot, ui_world, key)
        jobs = set(app.state.jobs)  # ids: an uninstall's job replaces the ended install's
        typed_quickly(app, "\x1by")
        await wait_for(pilot, lambda: app.screen is not question, what="the question closed")
        await pilot.press("y")  # a y after it answers nothing either
        await handled_before(pilot)
        assert not isinstance(app.screen, ConfirmModal), app.screen
        assert set(app.state.jobs) == jobs, app.state.jobs
        # Esc Tab (read as Shift+Tab) moved the focus to Yes, the question still open.
        app.query_one("#installed", InstalledTable).focus()
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="asked again")
        typed_quickly(app, "\x1b\t")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal),
                       what="closed by Esc Tab")
        await pilot.press("enter")
        await handled_before(pilot)
        assert not isinstance(app.screen, ConfirmModal), app.screen
        assert set(app.state.jobs) == jobs, app.state.jobs
        assert ui_world.installed_dir("3.11.11").is_dir()


async def test_escape_then_q_typed_quickly_closes_the_question_then_quits(
        ui_world: UiWorld) -> None:
    ui_world.seed_cache("3.11.11")
    key = ui_world.build("3.11.11").key
    app = ui_world.make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _installed_and_asked(pilot, ui_world, key)
        typed_quickly(app, "\x1bq")
        await wait_for(pilot, lambda: app._exit, what="the app quitting")
    assert ui_world.installed_dir("3.11.11").is_dir()


async def test_escape_then_a_digit_closes_the_help_and_the_palette_and_the_digit_acts(
        ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        for opener, screen in (("question_mark", HelpScreen), ("colon", CommandPalette)):
            await pilot.press("1", opener)
            await wait_for(pilot, lambda s=screen: isinstance(app.screen, s), what=opener)
            typed_quickly(app, "\x1b3")  # read as `£`: Esc, then 3 (the Installed pane)
            await wait_for(pilot, lambda s=screen: not isinstance(app.screen, s),
                           what=f"{opener} closed")
            await wait_for(pilot, lambda: isinstance(app.focused, InstalledTable),
                           what="3 acted")


async def test_outside_a_dialog_the_joined_key_is_textuals_as_before(ui_world: UiWorld) -> None:
    # Option+Left (ESC b in macOS terminals) moves a word back in the filter box.
    app = ui_world.make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"3.12 abc")
        box = app.focused
        assert isinstance(box, Input) and box.cursor_position == 8
        typed_quickly(app, "\x1bb")
        await wait_for(pilot, lambda: box.cursor_position == 5, what="a word back")
        assert app.focused is box and box.value == "3.12 abc"


async def test_in_a_dialogs_text_box_option_left_still_moves_a_word(ui_world: UiWorld) -> None:
    # The palette's search box: ESC b is Option+Left there, not Esc then b.
    app = ui_world.make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("colon", *"all ver")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette)
                       and isinstance(app.focused, Input) and app.focused.value == "all ver",
                       what="the palette's search typed")
        box = app.focused
        assert isinstance(box, Input)
        typed_quickly(app, "\x1bb")
        await wait_for(pilot, lambda: box.cursor_position == 4, what="a word back")
        assert isinstance(app.screen, CommandPalette)
