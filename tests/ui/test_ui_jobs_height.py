"""The Jobs panel takes the rows its jobs need, not a fixed block: empty, it is one line ("No
jobs.") between its borders, and the lists above get the rest (an empty panel kept 5 rows at
120x36 while Available showed 7 of its rows). It grows a row a job up to its old height and
keeps that height while a job runs (progress changes no row count: no jump every frame)."""

from __future__ import annotations

import pytest
from pytui.widgets.job_list import JobList
from ui_helpers import UiWorld, ready, wait_for

# (size, the panel's most rows: borders included)
SIZES = [((80, 24), 4), ((120, 36), 7)]


def _jobs_height(app) -> int:
    return app.query_one("#jobs", JobList).outer_size.height


@pytest.mark.parametrize(("size", "most"), SIZES, ids=["80x24", "120x36"])
async def test_the_jobs_panel_is_as_tall_as_its_jobs(ui_world: UiWorld, size: tuple[int, int],
                                                     most: int) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        # Empty: its hint line and two borders.
        assert _jobs_height(app) == 3
        available = app.query_one("#available-pane").outer_size.height
        state = app.state
        build = ui_world.build("3.12.8")
        running = state.add_job("install", build.key, build=build)
        state.progress(running.job_id, "download", 1_000_000, 9_000_000, 250_000.0)
        app.renderer.job(running)
        await wait_for(pilot, lambda: _jobs_height(app) == 3, what="one job: one row")
        # Progress keeps the height (and the panes above theirs).
        for done in range(2_000_000, 9_000_000, 1_000_000):
            state.progress(running.job_id, "download", done, 9_000_000, 250_000.0)
            app.renderer.job(running)
            await pilot.pause()
            assert _jobs_height(app) == 3
        assert app.query_one("#available-pane").outer_size.height == available
        for version in ("3.13.1", "3.11.11"):
            other = ui_world.build(version)
            app.renderer.job(state.add_job("install", other.key, build=other))
        for queued in range(3):
            app.renderer.job(state.add_job("install", f"{build.key}-{queued}", build=None))
        # Many jobs: the old height at most, and the rest scrolls.
        await wait_for(pilot, lambda: _jobs_height(app) == most, what="the most rows")


async def test_a_running_jobs_note_line_stays_until_it_ends(ui_world: UiWorld) -> None:
    """A stall note is a second line; when the transfer moved again the line went and the
    panel shrank, and grew again at the next stall: the panes above jumped each time."""
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        state = app.state
        build = ui_world.build("3.12.8")
        job = state.add_job("install", build.key, build=build)
        # A note before the first byte (every download waits for its mirror) goes with its line.
        state.note(job.job_id, "waiting for 127.0.0.1", phase="download")
        app.renderer.job(job)
        await wait_for(pilot, lambda: _jobs_height(app) == 4, what="the wait's line")
        state.progress(job.job_id, "download", 1_000_000, 9_000_000, 250_000.0)
        app.renderer.job(job)
        await wait_for(pilot, lambda: _jobs_height(app) == 3, what="one job: one row")
        state.note(job.job_id, "no data for 30 s; still waiting (c cancels)")
        app.renderer.job(job)
        await wait_for(pilot, lambda: _jobs_height(app) == 4, what="the note's line")
        available = app.query_one("#available-pane").outer_size.height
        # Moving again: the note is over, its line stays (blank) while the job runs.
        state.progress(job.job_id, "download", 2_000_000, 9_000_000, 250_000.0)
        app.renderer.job(job)
        await pilot.pause()
        assert not job.note
        assert _jobs_height(app) == 4
        assert app.query_one("#available-pane").outer_size.height == available
        # Ended: one line again.
        state.end_job(job.job_id, "done")
        app.renderer.job(job)
        await wait_for(pilot, lambda: _jobs_height(app) == 3, what="the ended job's one line")
