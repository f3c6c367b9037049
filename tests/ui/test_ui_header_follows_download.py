"""The header's cache total follows a download in the running app: a download that trickles
(250 kB/s) and then stops (the server stalls, with a read timeout of an hour) is counted in
the header while its job still runs, as its Cached row counts it; before, the header kept the size
measured before the download until the job ended. Waits on the app's state, never on time."""

from __future__ import annotations

from pytui.app.header_view import cache_total
from pytui.widgets.format import human_size
from pytui.widgets.header import HeaderBar
from ui_helpers import SIZE, UiWorld, press_install, ready, wait_for

STALL_AT = 600_000


async def test_the_header_counts_the_bytes_of_a_running_download(stuck_world: UiWorld) -> None:
    world = stuck_world
    world.seed_cache("3.11.11")
    build = world.build("3.12.8")
    path = build.url.split(world.server.base_url, 1)[1]
    world.server.set_faults(path, stall_at=STALL_AT, stall_seconds=3600)  # and its trickle
    app = world.make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await wait_for(pilot, lambda: app.state.cache_usage is not None, what="cache measured")
            before = app.state.cache_usage
            assert before is not None
            await press_install(pilot, build.key)

            def job():
                return next((j for j in app.state.jobs.values() if j.key == build.key), None)

            def header() -> str:
                return str(app.query_one(HeaderBar).render())

            await wait_for(pilot, lambda: job() is not None and job().phase == "download"
                           and job().done >= STALL_AT // 4, what=f"the download under way: {job() and (job().phase, job().done, job().note)}")
            total = cache_total(app.state)
            assert total is not None and total >= before + STALL_AT // 4
            await wait_for(pilot, lambda: f"({human_size(cache_total(app.state) or 0)}" in header(),
                           what=f"the header's total with the download's bytes: {header()}")
            assert job().running and f"({human_size(before)}" not in header()
    finally:
        world.server.stop()  # wakes the stalled handler
