"""The command palette closes once, however fast keys come: `:` Enter Enter (a bouncing key, a
fast typist) closed it twice, and the second close popped pytui's main screen, which ended the
app (`ScreenStackError: Can't pop screen`, exit 1: found by a key storm in tmux). The keys come
in one burst, as the terminal driver delivers keys typed while the app is busy."""

from __future__ import annotations

import pytest
from pytui.app.keymap import palette_keys
from pytui.app.pytui_app import PytuiApp
from test_ui_typeahead import _burst
from textual import events
from textual.command import CommandPalette
from ui_helpers import SIZE, UiWorld, ready, wait_for

BURSTS = [["enter", "enter"], ["down", "enter", "enter"], ["escape", "escape"], ["down", "enter", "escape"],
          ["enter", "enter", "enter", "enter"]]


@pytest.mark.parametrize("keys", BURSTS, ids=["-".join(keys) for keys in BURSTS])
async def test_keys_queued_behind_the_one_that_closes_the_palette_leave_pytui_running(
        ui_world: UiWorld, keys: list[str]) -> None:
    app = ui_world.make_app()
    commands = {key.action for key in palette_keys()}
    ran: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        run_action = app.run_action

        async def counted(action: str, *args: object, **kwargs: object) -> bool:
            if action in commands:
                ran.append(action)
            return await run_action(action, *args, **kwargs)  # type: ignore[arg-type]

        app.run_action = counted  # type: ignore[method-assign]  # the palette's commands call it
        app.post_message(events.Key("colon", ":"))
        _burst(app, *keys)
        await wait_for(pilot, lambda: not CommandPalette.is_open(app), what="the palette closed")
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app, PytuiApp) and app.is_running and app.return_code is None
        assert app.screen_stack and not any(isinstance(screen, CommandPalette) for screen in app.screen_stack)
        assert len(ran) <= 1, ran  # a command a second Enter picked did not run too
