"""A question asked again (ConfirmModal.ask_again: a rescan's status line came or went, or what
it asks changed) changes its lines where they stand. It removed every line and mounted new
ones, and on a busy machine a frame was drawn between the two: the uninstall question with
its title and buttons and nothing between them (tmux caught it in
test_ui_control_path_tmux's `capture-pane -e`, one run of the whole suite)."""

from __future__ import annotations

import pytest
from pytui.app.screens import ConfirmModal
from textual.widgets import Static
from ui_helpers import UiWorld, ready, wait_for


def _lines(modal: ConfirmModal) -> list[Static]:
    return list(modal.query(".dialog-line").results(Static))


@pytest.mark.parametrize("changed", [False, True], ids=["status-line", "changed"])
async def test_lines_asked_again_change_where_they_stand(ui_world: UiWorld, changed: bool) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        modal = ConfirmModal("Uninstall cpython-3.12.8?", ["Removes ~/r/x (1.0 MiB)",
                                                          "Breaks 1 environment:", "  ~/code/.venv"])
        app.push_screen(modal)
        await wait_for(pilot, lambda: app.screen is modal and len(_lines(modal)) == 3,
                       what="the question")
        first = _lines(modal)

        modal.ask_again("Uninstall cpython-3.12.8?", ["Removes ~/r/x (1.0 MiB)", "Breaks 2 environments:",
                                                      "  ~/code/.venv", "  ~/other/.venv"], changed=changed)
        # At once, before any frame: the lines shown are the same widgets, with the new text.
        assert _lines(modal)[:3] == first
        assert [str(line.content) for line in first][1] == "Breaks 2 environments:"
        await wait_for(pilot, lambda: len(_lines(modal)) == 4, what="the added line")
        assert modal.question[1][-1] == "  ~/other/.venv"
        assert str(_lines(modal)[-1].content) == "  ~/other/.venv"

        modal.ask_again("Uninstall cpython-3.12.8?", ["Removes ~/r/x (1.0 MiB)"], changed=changed)
        assert _lines(modal)[0] is first[0]
        await wait_for(pilot, lambda: len(_lines(modal)) == 1, what="the lines no longer asked gone")
        order = [child.id or ("line" if child.has_class("dialog-line") else "")
                 for child in modal.query_one(".confirm-dialog").children]
        assert order.index("dialog-news") > order.index("line")  # the news stays below the lines
        await pilot.press("n")
