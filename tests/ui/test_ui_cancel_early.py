"""A cancel that reaches a job before its thread took it (`i` or `u`/`y` and `c` typed in one
burst: tmux delivers them together) ends the job at once: the row says cancelled before it
started, nothing is done (an uninstall's first step checks no token), and the job counts as
stopped, so quitting does not wait for it.

Before, the runner also called Textual's `worker.cancel()`, which on a task that has not run
yet cancels it before its first line: the worker never reported CANCELLED (state RUNNING), the
body never ran, and the row stayed "cancelling" (then, with the cancel grace, "did not stop
within 5 s (no answer from the mirror)") while quitting waited for a thread that never was."""

from __future__ import annotations

from test_ui_cancel_stuck import FAST, OTHER, _installed_before, _job, _released, _silent
from ui_helpers import SIZE, UiWorld, ready, wait_for


async def test_an_install_cancelled_before_its_thread_ran_ends_at_once(stuck_world: UiWorld) -> None:
    world = stuck_world
    path = _silent(world, FAST)
    build = world.build(FAST)
    app = world.make_app()
    with _released(world):
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            # Both in one step of the event loop, as two keys of one burst can be handled.
            job = app.runner.start_install(build)
            app.runner.cancel(job.job_id)
            await wait_for(pilot, lambda: _job(app, build.key).phase == "cancelled",
                           what="the row cancelled")
            await wait_for(pilot, lambda: app.runner.stopped(job.job_id),
                           what="the job counted as stopped")
            assert "cancelled before it started" in (_job(app, build.key).error or "")
            assert world.server.count(path) == 0
            assert not world.installed_dir(FAST).exists()


async def test_an_uninstall_cancelled_before_its_thread_ran_removes_nothing(stuck_world: UiWorld) -> None:
    world = stuck_world
    app = world.make_app()
    with _released(world):
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await _installed_before(pilot, world, OTHER)
            key = world.build(OTHER).key
            await wait_for(pilot, lambda: any(i.key == key for i in app.state.installations),
                           what="the install listed")
            installation = next(i for i in app.state.installations if i.key == key)
            job = app.runner.start_uninstall(installation)
            app.runner.cancel(job.job_id)
            await wait_for(pilot, lambda: app.state.jobs[job.job_id].phase == "cancelled",
                           what="the uninstall row cancelled")
            await wait_for(pilot, lambda: app.runner.stopped(job.job_id),
                           what="the job counted as stopped")
            assert world.installed_dir(OTHER).is_dir()
