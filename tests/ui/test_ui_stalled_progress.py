"""A download that stalls right after a burst: the server sends 300,000 bytes at once and then
nothing (read timeout of an hour, no speed floor). Before, the report of the burst's last chunk
was dropped by the throttles (it came within 0.1 s of the first) and no later one came, so the
job's row, its Cached row and the header said the first chunk's bytes (often 0) until the stall
ended; and a stalled row kept the speed of its last bytes. Waits on the app's state, never on
time (the second test moves the app's own clock)."""

from __future__ import annotations

import threading

from pytui.core.stalls import STALL_NOTE, STALL_SAID_AFTER
from pytui.widgets.job_list import JobRow
from ui_helpers import UiWorld, make_world, stalled_install, wait_for

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


async def test_a_retry_that_stalls_at_once_counts_its_stall_from_its_answer(
        tmp_path, http_server, world_archives, monkeypatch) -> None:
    """Counted from the bytes before the retry, a server that stalled again at once read `no
    data for 36 s` on the row as soon as the retry's answer came: the read timeout and the
    retry's wait included (core/stalls.py's clock now starts again with the answer)."""
    monkeypatch.setenv("UV_HTTP_TIMEOUT", "3600")
    monkeypatch.setenv("PYTUI_HTTP_SPEED_LIMIT", "0")
    monkeypatch.setenv("PYTUI_HTTP_BACKOFF", "0.001")
    world = make_world(tmp_path, http_server, world_archives)
    path = world.build("3.12.8").url.split(http_server.base_url, 1)[1]
    # The first answer stalls after fewer bytes than a free retry needs (MIN_PROGRESS) and
    # fails when the test says: a retry with a note and a wait.
    first_fails = threading.Event()
    now = [1_755_600_000.0]
    async with stalled_install(world, 30_000, faults={"stall_release": first_fails},
                               clock=lambda: now[0]) as (pilot, job):
        app = pilot.app
        now[0] += 30  # the read that timed out and the retry's wait
        http_server.set_faults(path, stall_at=0, stall_times=-1, stall_release=None)
        first_fails.set()

        def answered() -> bool:
            retried = any("retrying in" in entry.message for entry in app.history.entries)
            # After the retry's note, only a progress report (its answer) clears the note.
            return retried and http_server.count(path) == 2 and job().note == ""

        await wait_for(pilot, answered, what=f"the retry's answer: {job().note!r}")
        now[0] += STALL_SAID_AFTER + 1
        row = app.query_one(f"#job-{job().job_id}", JobRow)
        await wait_for(pilot, lambda: row.view.note.startswith(STALL_NOTE),
                       what=f"the row's note: {row.view.note!r}")
        assert row.view.note.startswith(f"{STALL_NOTE}6 s: "), row.view.note
        assert job().running and job().done == 30_000
