"""`p` on a stopped download's row (a `.part`): the question and the answer call it a partial
download. They said "Delete this cached archive?" and "Purged 1 archive", though the Cached
pane counts it apart from the archives and `i` resumes it."""

from __future__ import annotations

from pytui.app.screens import ConfirmModal
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
