"""A key pressed on the Jobs panel acts on the highlighted job's build, the one Details shows.
`4` onto a cancelled install's row, then `i` to retry it, installed Available's highlighted
row instead, another build, with no question (and `y` copied that row's URL)."""

from __future__ import annotations

from pytui.widgets.available_table import AvailableTable
from pytui.widgets.job_list import JobRow
from ui_helpers import SIZE, UiWorld, crawl, press_install, quit_answering_yes, ready, wait_for


async def test_keys_on_a_job_row_act_on_its_build(ui_world: UiWorld) -> None:
    slow, other = ui_world.build("3.12.8"), ui_world.build("3.11.11")
    # The retry resumes the download: at the world's ~6 s it could end while the quit
    # question was open, and the `y` to the changed question was refused (a loaded machine).
    crawl(ui_world, "3.12.8")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await press_install(pilot, slow.key)
        [job] = app.state.jobs.values()
        await wait_for(pilot, lambda: job.phase == "download", what="the download")
        await pilot.press("c")
        await wait_for(pilot, lambda: job.phase == "cancelled", what="the job cancelled")
        available = app.query_one("#available", AvailableTable)
        assert available.select_key(other.key)
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.focused, JobRow), what="the job row focused")
        await pilot.press("y")
        await pilot.pause()
        copied = [entry.message for entry in app.history.entries if entry.kind == "copy"]
        assert copied and slow.url.rsplit("/", 1)[1] in copied[-1], copied
        await pilot.press("i")
        # The retry takes the cancelled job's place in the panel.
        await wait_for(pilot, lambda: any(j.key == slow.key and j.running
                                          for j in app.state.jobs.values()),
                       what="the cancelled build's install again")
        assert not any(j.key == other.key for j in app.state.jobs.values())
        await quit_answering_yes(pilot)


async def test_c_reads_dismiss_on_an_ended_job_row(ui_world: UiWorld) -> None:
    """`c` on an ended job's row dismisses it; the footer said `c Cancel` there."""
    from pytui.widgets.key_bar import KeyBar

    slow = ui_world.build("3.12.8")
    crawl(ui_world, "3.12.8")  # still downloading when `c` lands, however busy the machine
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        bar = app.query_one("#footer", KeyBar)

        def label() -> str:
            return next(item.label for item in bar.shown() if item.action == "cancel_job")

        await press_install(pilot, slow.key)
        [job] = app.state.jobs.values()
        await wait_for(pilot, lambda: job.phase == "download", what="the download")
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.focused, JobRow), what="the job row focused")
        assert label() == "Cancel"
        await pilot.press("c")  # the job ends while its row has the focus
        await wait_for(pilot, lambda: label() == "Dismiss", what="c Dismiss")
        await pilot.press("3")
        await wait_for(pilot, lambda: label() == "Cancel", what="c Cancel off the Jobs panel")
        await pilot.press("4")
        await wait_for(pilot, lambda: label() == "Dismiss", what="c Dismiss on the row again")
        await pilot.press("c")
        await wait_for(pilot, lambda: not app.state.jobs, what="the row dismissed")
