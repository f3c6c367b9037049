"""A queued install (every `-j` slot taken) cancelled before it ever ran: its row says so, and
so does History (H), where every job of the session is kept with its outcome. The runner ended
it in the state directly, past the app's handler of job endings: History had no entry for it,
as if the job had never been."""

from __future__ import annotations

from test_ui_cancel_stuck import FAST, OTHER, _released, _silent
from ui_helpers import SIZE, UiWorld, ready, wait_for


async def test_a_queued_install_cancelled_is_in_history(stuck_world: UiWorld) -> None:
    world = stuck_world
    world.settings.jobs = 1
    path = _silent(world, FAST)
    app = world.make_app()
    with _released(world):
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            running = app.runner.start_install(world.build(FAST))
            await wait_for(pilot, lambda: world.server.count(path) >= 1,
                           what="the first install's request at the server")
            queued = app.runner.start_install(world.build(OTHER))
            assert not queued.launched  # the one slot is the first's
            from pytui.app.decisions import CancelJob

            app.carry_out(CancelJob(queued.job_id))
            await wait_for(pilot, lambda: queued.phase == "cancelled", what="the queued row cancelled")
            entries = [(e.title, e.outcome, e.message) for e in app.history.entries]
            assert (queued.title, "cancelled", f"{queued.title} cancelled before it started") in entries, entries
            assert not running.ended
            app.carry_out(CancelJob(running.job_id))
            await wait_for(pilot, lambda: app.runner.stopped(running.job_id), what="the first stopped")
            assert not world.installed_dir(OTHER).exists()
