"""An app that ends without `q` (an error, or a test's app leaving `run_test`) stops its jobs:
an install whose download is blocked in a read is cancelled when the app unmounts, its thread
ends and it sends no further request. Before, the thread went on reading (and, once the server
went away, retrying against it) for an app that was gone: a later test in the same process
saw its connections."""

from __future__ import annotations

import threading

from ui_helpers import SIZE, UiWorld, press_install, ready, wait_for


async def test_an_app_ended_without_q_stops_its_running_install(ui_world: UiWorld) -> None:
    build = ui_world.build("3.12.8")
    path = build.url.split(ui_world.server.base_url, 1)[1]
    held = threading.Event()  # never set: the stall lasts until the server stops
    ui_world.server.set_faults(path, rate=None, stall_at=4096, stall_seconds=3600,
                               stall_resume=held)
    app = ui_world.make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await press_install(pilot, build.key)
            job = next(j for j in app.state.jobs.values() if j.key == build.key)
            await wait_for(pilot, lambda: job.done == 4096, what="the bytes before the stall")
            stopped = app.runner._stopped[job.job_id]
            assert not stopped.is_set()
        # The app has unmounted; the server still holds the response open.
        assert stopped.wait(60), "the install's thread still runs after its app ended"
        assert ui_world.server.count(path) == 1, ui_world.server.requests_for(path)
    finally:
        ui_world.server.stop()
