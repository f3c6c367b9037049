"""Keys handed back by a filter box (app/filter_box.py: the keys queued behind its Enter) keep
their place among the keys typed: a key the terminal delivers while the box is still applying
the filter comes after them, as typed."""

from __future__ import annotations

import pytest
from test_ui_typeahead import _burst
from textual import events
from ui_helpers import SIZE, UiWorld, ready, wait_for


def _row_keys(table) -> list[str]:
    return [table.coordinate_to_cell_key((row, 0)).row_key.value for row in range(table.row_count)]


async def test_a_key_delivered_while_the_filter_applies_comes_after_the_keys_queued(
        ui_world: UiWorld) -> None:
    """`/3 Enter Down i`: Enter and Down reach the box's queue; `i` reaches the app's queue
    while the box applies the filter (the driver thread posts keys at any time; here it is
    posted from inside the filter's action, the same place in the queues every time). Down
    must move the cursor before `i` installs the highlighted row, as when typed slowly."""
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        keep_filter = app.action_keep_filter

        def keep_filter_while_a_key_arrives() -> None:
            keep_filter()
            app.post_message(events.Key("i", "i"))

        app.action_keep_filter = keep_filter_while_a_key_arrives  # type: ignore[method-assign]
        table = app.query_one("#available")
        _burst(app, "slash", "3", "enter", "down")
        await wait_for(pilot, lambda: bool(app.state.jobs), what="an install started by the `i`")
        await pilot.pause()
        rows = _row_keys(table)
        assert len(rows) >= 2 and table.cursor_coordinate.row == 1
        assert [job.key for job in app.state.jobs.values()] == [rows[1]]


async def test_a_paste_right_after_enter_does_not_change_the_kept_filter(ui_world: UiWorld) -> None:
    """`/3 Enter` and a paste at once: the paste comes after Enter, so it is not typed into
    the box whose filter Enter kept (slowly, it would reach the table, which takes no text)."""
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        _burst(app, "slash", "3", "enter")
        app.post_message(events.Paste("pypy"))
        _burst(app, "down")
        table = app.query_one("#available")
        await wait_for(pilot, lambda: bool(app.query("#filter")) and app.focused is table
                       and table.cursor_coordinate.row == 1, what="the Down after it")
        await pilot.pause()
        assert app.query_one("#filter").value == "3"
        assert app.state.view.filter_text == "3"


async def test_a_paste_into_the_focused_box_is_typed_once(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        _burst(app, "slash")
        app.post_message(events.Paste("3.12\nx"))
        await wait_for(pilot, lambda: bool(app.query("#filter")) and app.query_one("#filter").value,
                       what="the pasted text in the box")
        await pilot.pause()
        assert app.query_one("#filter").value == "3.12"


async def _final_state(ui_world: UiWorld, keys: list[str], *, slowly: bool) -> tuple:
    """The box, the filter, the focus, the highlighted row and the screen after `keys`
    (no installs: a job's progress would differ with time)."""
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        if slowly:
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
        else:
            _burst(app, *keys)
        # Every key has been read when its last consequence shows: wait for the app to settle.
        for _ in range(len(keys) + 10):
            await pilot.pause()
        table = app.query_one("#available")
        boxes = app.query("#filter")
        return (boxes.first().value if boxes else None, bool(boxes) and boxes.first().display,
                app.state.view.filter_text, getattr(app.focused, "id", None),
                table.cursor_coordinate.row, type(app.screen).__name__)


@pytest.mark.parametrize("keys", [
    "slash 3 enter slash 1 2",  # `/` again: the box takes the focus and selects its text first
    "slash 3 escape down down",  # Esc clears and focuses the table before the Downs
    "slash 3 enter down slash escape down down",
    "slash 3 enter escape down",
    "slash enter down",
    "slash 3 enter enter",  # Enter on the table: a confirmation opens
])
async def test_keys_typed_at_once_end_as_typed_slowly(ui_world: UiWorld, keys: str) -> None:
    typed = keys.split()
    assert await _final_state(ui_world, typed, slowly=False) == \
        await _final_state(ui_world, typed, slowly=True)
