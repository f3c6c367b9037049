"""One number for a job's percent in every view of one frame: the Available and Cached rows
rounded it down (43%) while the Jobs row's bar label, Textual's, rounded it (44%). The download
stalls at 43.7% of its bytes (the server sends them, then nothing; no wall clock)."""

from __future__ import annotations

import re

from pytui.widgets.job_list import JobRow
from ui_helpers import UiWorld, stalled_install, wait_for


async def test_every_view_says_the_same_percent(stuck_world: UiWorld) -> None:
    total = stuck_world.archives["3.12.8"].size
    stall_at = total * 437 // 1000  # 43.7%: rounded down 43, rounded 44
    async with stalled_install(stuck_world, stall_at) as (pilot, job):
        app = pilot.app
        row = app.query_one(f"#job-{job().job_id}", JobRow)
        await wait_for(pilot, lambda: row.view.done == stall_at, what="the row's bytes")
        await pilot.pause()
        shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        # (Not the `8%2B` of the URL in Details.)
        percents = set(re.findall(r"(\d+)%(?!\w)", shown))
        assert percents == {"43"}, shown
