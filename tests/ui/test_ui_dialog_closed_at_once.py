"""A scrolling dialog (the `?` help, the History) closed as it opened, or while the terminal is
resized, leaves nothing behind that runs against it: its fitting and its scroll hint are
scheduled after the next refresh, and ran once it had gone, on a screen with no body
(`NoMatches: No nodes match '#help-body'`, and pytui exited 1: found by resizing a tmux window
while typing `?`, `H`, Esc and scroll keys). The keys and sizes come in bursts, as the terminal
driver delivers them when the app is busy; the same ones every run (a seeded generator)."""

from __future__ import annotations

import random

import pytest
from test_ui_typeahead import _burst
from textual import events
from ui_helpers import SIZE, UiWorld, ready, wait_for

KEYS = ["H", "escape", "question_mark", "H", "j", "k", "e", "1", "2", "3", "G", "g", "pagedown"]
SIZES = [(120, 36), (200, 50), (130, 40), (80, 24), (40, 12)]


@pytest.mark.parametrize("seed", [0, 1])
async def test_dialogs_opened_and_closed_in_bursts_of_keys_and_resizes(ui_world: UiWorld, seed: int) -> None:
    app = ui_world.make_app()
    pick = random.Random(seed)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for burst in range(30):
            for _ in range(8):
                if pick.random() < 0.4:
                    app.post_message(events.Resize.from_dimensions(pick.choice(SIZES), None))
                _burst(app, pick.choice(KEYS))
            await pilot.pause()
            assert app.is_running and app.return_code is None, f"pytui ended in burst {burst}"


async def test_a_focus_message_read_after_the_screens_are_gone_is_passed_over(ui_world: UiWorld) -> None:
    """At exit the app empties its screen stack before its queue: a focus move read then (a
    burst of keys and resizes under load, on Python 3.10) ended the run with ScreenStackError."""
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.query_one("#available")
    assert not app.screen_stack
    app._focus_moved(events.DescendantFocus(table))  # raised ScreenStackError before


async def test_a_screen_change_read_after_the_app_stopped_is_passed_over(ui_world: UiWorld) -> None:
    """At exit the screens go and each change is read after the app stopped running: the toast
    shelf then followed the new screen's layout, which Textual refuses for a node that is not
    running (`SignalError: Node must be running to subscribe to a signal`, the run's exception:
    in a fresh clone's suite at load 13-16, both of the bursts above, newuser37)."""
    from textual.screen import Screen

    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
    assert not app.is_running
    app._watch_screen(Screen())  # raised SignalError before


async def test_a_key_read_after_the_screens_are_gone_is_passed_over(ui_world: UiWorld) -> None:
    """At exit the screens go before the queue: a key of a burst read then (bubbled back to the
    app from the screen it was sent to) asked Textual's bindings for the screen and ended the run
    with ScreenStackError (`[1]` above, in a fresh clone's suite at load 15-19, review38)."""
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
    assert not app.screen_stack
    key = events.Key("j", "j")
    key._forwarded = True  # as one bubbled back to the app from a screen
    await app.on_event(key)  # raised ScreenStackError before
    await app.on_event(events.Key("q", "q"))


async def _closed_before_mount(pilot, screen) -> None:
    """Let `screen`, pushed and popped before it read any message, read its Mount (Textual
    marks it mounted whether or not its handlers raised)."""
    await wait_for(pilot, lambda: screen.is_mounted, what=f"{screen!r} to read its Mount")
    await pilot.pause()
    assert pilot.app.is_running and pilot.app.return_code is None


async def test_a_dialog_closed_by_the_one_below_before_its_first_message_is_passed_over(
        ui_world: UiWorld) -> None:
    """The help reads `H` and then Esc, both handed to it before it read the first: `H` (the
    app's key) opens History over it, and Esc's dismiss pops the top screen, which Textual's
    `dismiss` does whichever screen that is: History, before it read its Mount, which found its
    list gone (`NoMatches: No nodes match '#history-list'`, the run's exception: `[1]` above
    once in 11 runs beside a CPU hog per core, flaky42). Esc on History read behind its `?`
    closes the help so."""
    from pytui.app.screens import HelpScreen, HistoryScreen

    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen.is_mounted,
                       what="the help")
        help_screen = app.screen
        app.action_history()  # its `H`
        history = app.screen
        assert isinstance(history, HistoryScreen)
        help_screen.action_dismiss_help()  # its Esc, read before History read anything
        await _closed_before_mount(pilot, history)
        assert app.screen_stack[1:] == [help_screen]


@pytest.mark.parametrize("action", ["history", "help", "environments", "purge_rules", "purge"])
async def test_each_screen_closed_before_its_first_message_is_passed_over(
        ui_world: UiWorld, action: str) -> None:
    """Each of pytui's screens (History, the help, Environments, Purge by rule, a question)
    pushed and popped before it read its Mount: its `on_mount` found its widgets gone."""
    ui_world.seed_cache("3.13.1")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.query_one("#cached").focus()  # `p` (purge) asks about the cached archive
        await wait_for(pilot, lambda: app.focused is app.query_one("#cached"), what="Cached focused")
        getattr(app, f"action_{action}")()
        opened = app.screen
        assert len(app.screen_stack) == 2, f"{action} opened no screen"
        app.pop_screen()
        await _closed_before_mount(pilot, opened)
        assert len(app.screen_stack) == 1
