"""`p` on a stopped download's row (a `.part`): the question and the answer call it a partial
download. They said "Delete this cached archive?" and "Purged 1 archive", though the Cached
pane counts it apart from the archives and `i` resumes it."""

from __future__ import annotations

import pytest
from pytui.app.screens import ConfirmModal
from test_ui_dialog_fit import assert_answers_in_view, dialog_rows
from ui_helpers import UiWorld, ready, wait_for


async def test_purging_a_partial_download_says_so(ui_world: UiWorld) -> None:
    made = ui_world.archives["3.11.11"]
    cache = ui_world.settings.cache_dir
    cache.mkdir(parents=True, exist_ok=True)
    part = cache / (made.build.cache_filename + ".part")
    part.write_bytes(made.path.read_bytes()[: made.size // 2])
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("2", "p")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        assert app.screen.question[0] == "Delete this partial download?"
        await pilot.press("y")
        await wait_for(pilot, lambda: not part.exists(), what="the .part removed")
        await wait_for(pilot, lambda: any(n.message.startswith("Purged 1 partial download, freed")
                                          for n in app._notifications), what="the answer")


@pytest.mark.parametrize(("size", "whole"), [((20, 8), False), ((40, 12), False), ((80, 24), True)])
@pytest.mark.parametrize("partial", [False, True])
async def test_the_purge_question_title_is_whole_on_a_small_screen(
        ui_world: UiWorld, size: tuple[int, int], whole: bool, partial: bool) -> None:
    """At 20x8 the title read `Delete this c…`: a narrow dialog shows a shorter whole form
    (`Delete archive?`, `Delete partial?`), both choices below it; 80x24 keeps the full one."""
    made = ui_world.archives["3.11.11"]
    cache = ui_world.settings.cache_dir
    cache.mkdir(parents=True, exist_ok=True)
    name = made.build.cache_filename + (".part" if partial else "")
    (cache / name).write_bytes(made.path.read_bytes()[: made.size // 2] if partial else made.path.read_bytes())
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.query_one("#cached").row_count > 0, what="the archive listed")
        await pilot.press("2", "p")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.pause()
        rows = dialog_rows(app)
        full = "Delete this partial download?" if partial else "Delete this cached archive?"
        shown = [row for row in rows if row.startswith("Delete")]
        assert shown, rows
        if whole:
            assert shown[0] == full, rows
        else:
            assert shown[0].endswith("?") and "…" not in shown[0], rows
        assert_answers_in_view(app.screen, size[1])
