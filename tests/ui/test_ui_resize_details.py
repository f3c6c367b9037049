"""The first frame after a resize draws Details at the new width: Textual lays the screen out
and draws it before the Resize event reaches a widget, so that frame drew the Details panel's
text as fitted to the old width (a URL wrapped for 200 columns cut at 80), the next frame
correcting it. The tables had the same (test_ui_resize_first_frame.py); the tmux drive's
`resize` scenario records the same on a real terminal."""

from __future__ import annotations

import pytest
from ui_helpers import UiWorld, ready, wait_for


def _details(lines: list[str]) -> list[str]:
    """The Details panel's text, from its title to the Jobs panel's border, without the
    scrollbar's column (whether Textual shows a scrollbar follows one frame late)."""
    start = next(at for at, line in enumerate(lines) if "Details" in line and line.lstrip()[:1] in "╭┏")
    end = next(at for at in range(start + 1, len(lines)) if "Jobs" in lines[at])
    return [line[:-3] for line in lines[start + 1:end - 1]]


@pytest.mark.parametrize(("before", "after"), [((200, 50), (80, 24)), ((80, 24), (200, 50))])
async def test_the_first_frame_after_a_resize_has_the_new_details(
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
        assert "support" in "".join(_details(settled)), settled
        assert _details(first) == _details(settled), "\n".join(_details(first) + ["---"] + _details(settled))
