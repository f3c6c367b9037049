"""Tab stops once on the Jobs panel: on a job's row when it lists one (it stopped on the panel,
then on its first row: two stops for one pane), on the panel itself (its hint) when empty."""

from __future__ import annotations

from pytui.widgets.job_list import JobList, JobRow
from ui_helpers import UiWorld, envs_keys_handled, ready, wait_for


async def test_tab_stops_once_on_the_jobs_panel(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("v")  # a verify job: the panel lists one row
        await wait_for(pilot, lambda: app.query(JobRow) and all(
            job.ended for job in app.state.jobs.values()), what="the verify job's row, ended")
        stops = []
        for _ in range(7):
            await pilot.press("tab")
            await pilot.pause()
            stops.append(app.focused)
        assert any(isinstance(stop, JobRow) for stop in stops), stops
        assert not any(isinstance(stop, JobList) for stop in stops), stops
        # Dismissing the last row leaves the focus on the panel, its hint shown; Tab goes on.
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.focused, JobRow), what="the row focused")
        await pilot.press("c")
        await wait_for(pilot, lambda: not app.query(JobRow), what="the row dismissed")
        await pilot.pause()
        assert isinstance(app.focused, JobList)
        await pilot.press("tab")
        await pilot.pause()
        assert not isinstance(app.focused, (JobList, JobRow))


async def test_a_job_started_from_the_empty_panel_takes_its_focus(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.focused, JobList), what="the empty panel")
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.focused, JobRow), what="the new row focused")


async def test_pane_keys_on_environments_keep_its_one_table(ui_world: UiWorld) -> None:
    """Environments is one pane (as a lazygit popup): h / l, Tab and 1-5 stay on its table,
    silently, and Esc still closes it."""
    from pytui.app.envs_screen import EnvironmentsScreen
    from pytui.app.envs_view import NO_SCAN_NOTE

    app = ui_world.make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen), what="the view")
        screen = app.screen
        await wait_for(pilot, lambda: not app.state.envs_scanning, what="the scan's end")
        notes = sum(1 for entry in app.history.entries if entry.kind == "note")
        keys = ("h", "l", "tab", "shift+tab", "1", "2", "3", "4", "5")
        for key in keys:
            await pilot.press(key)
            await envs_keys_handled(pilot)
            assert app.screen is screen and app.focused is screen.table, key
        # Silent: nothing said but c's own line after each key.
        said = [entry.message for entry in app.history.entries if entry.kind == "note"][notes:]
        assert said == [NO_SCAN_NOTE] * len(keys), said
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, EnvironmentsScreen),
                       what="the view closed")
