"""The keys act on what Details shows. A job row dismissed with `c` leaves the focus on the
empty Jobs panel and Details says "Nothing highlighted.": `p` then asked to delete the cached
archive of Available's highlighted row, a row the user was not on (newuser30)."""

from __future__ import annotations

from pytui.app.screens import ConfirmModal
from pytui.widgets.job_list import JobList, JobRow
from pytui.widgets.rows import NOTHING_HIGHLIGHTED
from ui_helpers import SIZE, UiWorld, press_install, ready, toast_texts, wait_for


async def test_p_on_the_empty_jobs_panel_refuses_instead_of_purging_an_unseen_row(
        ui_world: UiWorld) -> None:
    ui_world.seed_cache("3.11.11")
    key = ui_world.build("3.11.11").key
    app = ui_world.make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await press_install(pilot, key)  # Available's cursor is on 3.11.11, which is cached
        await wait_for(pilot, lambda: any(job.key == key and job.phase == "done"
                                          for job in app.state.jobs.values()), what="the install")
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.focused, JobRow), what="the job row")
        await pilot.press("c")  # dismisses the ended job's row
        await wait_for(pilot, lambda: isinstance(app.focused, JobList) and not app.state.jobs,
                       what="the empty panel focused")
        await pilot.pause()
        shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert NOTHING_HIGHLIGHTED in shown, shown
        await pilot.press("p")
        await wait_for(pilot, lambda: any("Nothing is highlighted" in said
                                          for said in toast_texts(app)), what="the refusal")
        assert not isinstance(app.screen, ConfirmModal), app.screen
