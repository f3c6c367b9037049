"""Quitting while a purge runs (`p`, Purge by rule: a thread, not a job) asks, naming the purge
and what quitting leaves, as it does for install jobs; before, `q` quit at once and said
nothing, the purge's thread dying with the process wherever it was (a kept tree half removed,
archives left that the next purge finished). Quitting lets the purge end within the cancel
grace; one still running then is named on the terminal. The rule is tested without Textual;
the Pilot tests hold a real purge at its start (a gateway whose removal waits for an event)."""

from __future__ import annotations

import threading
from pathlib import Path

from pytui.app import decisions as d
from pytui.app.gateway import CoreGateway
from pytui.app.job_view import PURGE_STOPPED, purge_what, quit_note
from pytui.app.screens import ConfirmModal
from pytui.core.models import CachedArchive
from pytui.core.settings import Settings
from pytui.widgets.cache_table import CacheTable
from ui_helpers import SIZE, UiWorld, ready, wait_for
from view_state import NEW, a_cached_archive, a_state

NAMED = "A purge is still running (1 archive)."
LEAVES = f"Quitting lets it end for a few seconds; stopped then, {PURGE_STOPPED}."


def test_what_a_purge_removes_is_said() -> None:
    one = [CachedArchive(Path("a.tar.gz"), 1)]
    assert purge_what(one, leftovers=False) == "1 archive"
    assert purge_what(one * 2, leftovers=True) == "2 archives and what killed runs left"
    assert purge_what([], leftovers=True) == "what killed runs left"


def test_quit_asks_while_a_purge_runs(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    assert d.decide_quit(state) == d.Quit()
    state.purging[1] = "1 archive"
    asked = d.decide_quit(state)
    assert isinstance(asked, d.Confirm) and asked.then == d.Quit()
    assert [line.text for line in asked.lines] == [NAMED, LEAVES]
    # With a job too: both said.
    a_cached_archive(state, builds[NEW])
    state.add_job("install", builds[NEW].key, build=builds[NEW])
    both = [line.text for line in d.decide_quit(state).lines]
    assert both[0] == f"1 job is still running (install {builds[NEW].key})." and \
        both[-2:] == [NAMED, LEAVES]
    state.jobs.clear()
    # Ended while the question was open: asked again, saying nothing runs.
    del state.purging[1]
    assert asked.recheck is not None
    again = asked.recheck(state)
    assert isinstance(again, d.Confirm)
    assert again.lines[0].text.startswith("No job is running now, nor a purge")
    assert d.decide_quit(state) == d.Quit()


def test_the_quit_note_names_a_purge_stopped() -> None:
    assert quit_note([], []) == ""
    assert quit_note([], ["2 archives"]) == ("pytui: quit with a purge running: stopped the "
                                             f"purge of 2 archives before its end: {PURGE_STOPPED}")


class HeldPurge(CoreGateway):
    """A purge that waits at its start until released (a big kept tree on a slow disk)."""

    def __init__(self) -> None:
        self.holding = threading.Event()
        self.release = threading.Event()

    def remove_archives(self, settings: Settings, archives: list[CachedArchive],
                        **kwargs: object) -> int:
        self.holding.set()
        self.release.wait(30)
        return super().remove_archives(settings, archives, **kwargs)  # type: ignore[arg-type]


async def _purge_held(pilot, world: UiWorld, gateway: HeldPurge) -> None:
    app = pilot.app
    await ready(pilot)
    cached = app.query_one("#cached", CacheTable)
    await wait_for(pilot, lambda: cached.row_keys, what="the cached row")
    cached.focus()
    await pilot.press("p")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the purge question")
    await pilot.press("y")
    await wait_for(pilot, gateway.holding.is_set, what="the purge under way")


def _question(app) -> list[str]:
    return list(app.screen.question[1]) if isinstance(app.screen, ConfirmModal) \
        else []


async def test_q_during_a_purge_names_it_and_asks_again_when_it_ends(ui_world: UiWorld) -> None:
    archive = ui_world.seed_cache("3.11.11")
    gateway = HeldPurge()
    app = ui_world.make_app(gateway=gateway)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await _purge_held(pilot, ui_world, gateway)
            await pilot.press("q")
            await wait_for(pilot, lambda: NAMED in _question(app),
                           what=f"the quit question naming the purge: {_question(app)}")
            assert LEAVES in _question(app)
            gateway.release.set()
            await wait_for(pilot, lambda: any(line.startswith("No job is running now, nor a purge")
                                              for line in _question(app)),
                           what=f"the question asked again: {_question(app)}")
            assert not archive.exists()
            # A `y` typed before the changed question is drawn is not taken for a yes to it (it
            # says the question changed): on a busy machine the key came first and no quit.
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal) and app.screen.drawn,
                           what="the changed question drawn")
            await pilot.press("y")
            await wait_for(pilot, lambda: not app.is_running, what="the app's exit")
        finally:
            gateway.release.set()
    assert app.quit_note == ""


async def test_quitting_during_a_purge_names_it_stopped(ui_world: UiWorld) -> None:
    archive = ui_world.seed_cache("3.11.11")
    gateway = HeldPurge()
    app = ui_world.make_app(gateway=gateway)
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.runner.cancel_grace = 0.05  # the grace's length is not what is tested
            await _purge_held(pilot, ui_world, gateway)
            await pilot.press("q")
            await wait_for(pilot, lambda: NAMED in _question(app), what="the quit question")
            await pilot.press("y")
            await wait_for(pilot, lambda: not app.is_running, what="the app's exit")
        assert app.quit_note == ("pytui: quit with a purge running: stopped the purge of 1 "
                                 f"archive before its end: {PURGE_STOPPED}")
        # Nothing was removed yet: looked at before the held thread is let go (the test's
        # process lives on, so the purge's daemon thread would then remove it).
        assert archive.exists()
    finally:
        gateway.release.set()
