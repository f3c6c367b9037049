"""The first frame after a resize has the new size's columns: Textual lays the screen out and
draws it before the Resize event reaches a table, so that frame drew Available and Installed
with the old size's column widths (at 80 columns, 200's Support whole and Variant cut at the
edge), the next one correcting them (widgets/keyed_table.py `render_lines` fits them first).
The tmux drive's `resize` scenario checks the same on a real terminal."""

from __future__ import annotations

import pytest
from ui_helpers import UiWorld, first_and_settled_frames


def _column_headers(lines: list[str]) -> list[str]:
    """The Available and the Cached/Installed panes' column names lines."""
    return [lines[at + 1] for at, line in enumerate(lines[:-1])
            if line.startswith(("┏━ Available ", "╭─ Available ")) or "─ Installed " in line
            or "━ Installed " in line]


@pytest.mark.parametrize(("before", "after"), [((200, 50), (80, 24)), ((80, 24), (200, 50)),
                                                ((120, 36), (80, 24))])
async def test_the_first_frame_after_a_resize_has_the_new_columns(
        ui_world: UiWorld, before: tuple[int, int], after: tuple[int, int]) -> None:
    first, settled = await first_and_settled_frames(ui_world, before, after)
    assert _column_headers(first) == _column_headers(settled), (first, settled)
    assert len(_column_headers(settled)) == 2, settled
