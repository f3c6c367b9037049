"""The first frame after a resize draws Details at the new width: Textual lays the screen out
and draws it before the Resize event reaches a widget, so that frame drew the Details panel's
text as fitted to the old width (a URL wrapped for 200 columns cut at 80), the next frame
correcting it. The tables had the same (test_ui_resize_first_frame.py); the tmux drive's
`resize` scenario records the same on a real terminal."""

from __future__ import annotations

import pytest
from ui_helpers import UiWorld, first_and_settled_frames


def _details(lines: list[str]) -> list[str]:
    """The Details panel's text, from its title to the Jobs panel's border, without the
    scrollbar's column (whether Textual shows a scrollbar follows one frame late)."""
    start = next(at for at, line in enumerate(lines) if "Details" in line and line.lstrip()[:1] in "╭┏")
    end = next(at for at in range(start + 1, len(lines)) if "Jobs" in lines[at])
    return [line[:-3] for line in lines[start + 1:end - 1]]


@pytest.mark.parametrize(("before", "after"), [((200, 50), (80, 24)), ((80, 24), (200, 50))])
async def test_the_first_frame_after_a_resize_has_the_new_details(
        ui_world: UiWorld, before: tuple[int, int], after: tuple[int, int]) -> None:
    first, settled = await first_and_settled_frames(ui_world, before, after)
    assert "support" in "".join(_details(settled)), settled
    assert _details(first) == _details(settled), "\n".join(_details(first) + ["---"] + _details(settled))
