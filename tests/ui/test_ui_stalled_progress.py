"""A download that stalls right after a burst: the server sends 300,000 bytes at once and then
nothing (read timeout of an hour, no speed floor). Before, the report of the burst's last chunk
was dropped by the throttles (it came within 0.1 s of the first) and no later one came, so the
job's row, its Cached row and the header said the first chunk's bytes (often 0) until the stall
ended; and a stalled row kept the speed of its last bytes. Waits on the app's state, never on
time (the second test moves the app's own clock)."""

from __future__ import annotations

from pytui.core.stalls import STALL_NOTE, STALL_SAID_AFTER
from pytui.widgets.job_list import JobRow
from ui_helpers import UiWorld, stalled_install, wait_for

STALL_AT = 300_000


async def test_a_stalled_download_shows_the_bytes_that_came_before_the_stall(stuck_world: UiWorld) -> None:
    async with stalled_install(stuck_world, STALL_AT) as (_pilot, job):
        assert job().running and job().phase == "download"


async def test_a_stalled_download_says_it_has_no_data_and_shows_no_speed(stuck_world: UiWorld) -> None:
    """Moved on past STALL_SAID_AFTER once the bytes are in, the row says `no data for …` at
    the next tick (app/stalls.py), its frozen speed gone."""
    now = [1_755_600_000.0]
    async with stalled_install(stuck_world, STALL_AT, clock=lambda: now[0]) as (pilot, job):
        now[0] += STALL_SAID_AFTER + 7
        await wait_for(pilot, lambda: job().note.startswith(STALL_NOTE),
                       what=f"the stall said: {job().note!r}")
        assert job().speed is None and job().running
        row = pilot.app.query_one(f"#job-{job().job_id}", JobRow)
        await wait_for(pilot, lambda: row.view.note.startswith(f"{STALL_NOTE}12 s"),
                       what=f"the row's note: {row.view.note!r}")
