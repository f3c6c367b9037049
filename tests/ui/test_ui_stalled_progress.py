"""A download that stalls right after a burst: the server sends 300,000 bytes at once and then
nothing (read timeout of an hour, no speed floor). Before, the report of the burst's last chunk
was dropped by the throttles (it came within 0.1 s of the first) and no later one came, so the
job's row, its Cached row and the header said the first chunk's bytes (often 0) until the stall
ended; and a stalled row kept the speed of its last bytes. Waits on the app's state, never on
time (the second test moves the app's own clock)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from pytui.app.state import Job
from pytui.core.stalls import STALL_NOTE, STALL_SAID_AFTER
from pytui.widgets.job_list import JobRow
from ui_helpers import SIZE, UiWorld, press_install, ready, wait_for

STALL_AT = 300_000


@asynccontextmanager
async def _stalled(world: UiWorld, **app_options: object) -> AsyncIterator[tuple[object, Callable[[], Job]]]:
    """The app with 3.12.8's download stalled after its first STALL_AT bytes, all of them in:
    (pilot, the job)."""
    build = world.build("3.12.8")
    path = build.url.split(world.server.base_url, 1)[1]
    world.server.set_faults(path, rate=None, stall_at=STALL_AT, stall_seconds=3600)
    app = world.make_app(**app_options)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await press_install(pilot, build.key)

            def job():
                return next((j for j in app.state.jobs.values() if j.key == build.key), None)

            await wait_for(pilot, lambda: job() is not None and job().done == STALL_AT,
                           what=f"the bytes before the stall: {job() and (job().phase, job().done)}")
            yield pilot, job
    finally:
        world.server.stop()  # wakes the stalled handler


async def test_a_stalled_download_shows_the_bytes_that_came_before_the_stall(stuck_world: UiWorld) -> None:
    async with _stalled(stuck_world) as (_pilot, job):
        assert job().running and job().phase == "download"


async def test_a_stalled_download_says_it_has_no_data_and_shows_no_speed(stuck_world: UiWorld) -> None:
    """Moved on past STALL_SAID_AFTER once the bytes are in, the row says `no data for …` at
    the next tick (app/stalls.py), its frozen speed gone."""
    now = [1_755_600_000.0]
    async with _stalled(stuck_world, clock=lambda: now[0]) as (pilot, job):
        now[0] += STALL_SAID_AFTER + 7
        await wait_for(pilot, lambda: job().note.startswith(STALL_NOTE),
                       what=f"the stall said: {job().note!r}")
        assert job().speed is None and job().running
        row = pilot.app.query_one(f"#job-{job().job_id}", JobRow)
        await wait_for(pilot, lambda: row.view.note.startswith(f"{STALL_NOTE}12 s"),
                       what=f"the row's note: {row.view.note!r}")
