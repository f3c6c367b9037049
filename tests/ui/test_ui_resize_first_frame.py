"""The first frame after a resize has the new size's columns: Textual lays the screen out and
draws it before the Resize event reaches a table, so that frame drew Available and Installed
with the old size's column widths (at 80 columns, 200's Support whole and Variant cut at the
edge), the next one correcting them (widgets/keyed_table.py `render_lines` fits them first).
The tmux drive's `resize` scenario checks the same on a real terminal."""

from __future__ import annotations

import pytest
from ui_helpers import UiWorld, ready, wait_for


def _column_headers(lines: list[str]) -> list[str]:
    """The Available and the Cached/Installed panes' column names lines."""
    return [lines[at + 1] for at, line in enumerate(lines[:-1])
            if line.startswith(("┏━ Available ", "╭─ Available ")) or "─ Installed " in line
            or "━ Installed " in line]


@pytest.mark.parametrize(("before", "after"), [((200, 50), (80, 24)), ((80, 24), (200, 50)),
                                                ((120, 36), (80, 24))])
async def test_the_first_frame_after_a_resize_has_the_new_columns(
        ui_world: UiWorld, before: tuple[int, int], after: tuple[int, int]) -> None:
    ui_world.seed_cache("3.13.1")
    app = ui_world.make_app()
    async with app.run_test(size=before) as pilot:
        await ready(pilot)
        await pilot.pause()
        frames: list[list[str]] = []
        display = app._display

        def spy(screen, update) -> None:  # each frame as the terminal gets it
            frames.append([strip.text for strip in screen._compositor.render_strips()])
            display(screen, update)

        app._display = spy  # type: ignore[method-assign]
        await pilot.resize_terminal(*after)
        await wait_for(pilot, lambda: frames and len(frames[0]) == after[1],
                       what="a frame at the new size")
        await pilot.pause()
        await pilot.pause()
        first = next(frame for frame in frames if len(frame) == after[1])
        settled = [strip.text for strip in app.screen._compositor.render_strips()]
        assert _column_headers(first) == _column_headers(settled), (first, settled)
        assert len(_column_headers(settled)) == 2, settled
