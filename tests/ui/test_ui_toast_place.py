"""Toasts sit above the Jobs panel: at 80x24 one covered the running job's progress row for
its 5-10 s. A toast still fits the rows left above the panel, its last line pointing to
History when cut (app/toast_text.py)."""

from __future__ import annotations

import pytest
from pytui.app.toast_text import MORE_IN_HISTORY
from textual.widgets._toast import Toast
from ui_helpers import UiWorld, ready, stalled_install, wait_for

LONG = " ".join(f"line {n} of a long note about the install;" for n in range(40))


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (40, 24)])
async def test_a_toast_leaves_the_running_jobs_row_in_view(stuck_world: UiWorld, size) -> None:
    async with stalled_install(stuck_world, 1000, notifications=True) as (pilot, job):
        app = pilot.app
        await pilot.resize_terminal(*size)
        app.notify(LONG, title="A long note", timeout=600, markup=False)
        row = app.query_one(f"#job-{job().job_id}")

        def toast() -> Toast | None:
            return next(iter(app.screen.query(Toast)), None)

        def clear_of_the_job() -> bool:
            shown = toast()
            return (shown is not None and shown.region.height > 0
                    and not shown.region.overlaps(row.region))

        await wait_for(pilot, clear_of_the_job, what="the toast above the Jobs panel")
        await pilot.pause()
        shown = toast()
        assert shown is not None
        jobs = app.query_one("#jobs")
        # The toast (and its rack's margin) ends above the panel, wholly on screen, cut to the
        # rows there with the way to the rest.
        assert shown.region.bottom <= jobs.region.y and shown.region.y >= 0, \
            (shown.region, jobs.region)
        assert shown._notification.message.split("\n")[-1] == MORE_IN_HISTORY
        assert shown.region.bottom >= jobs.region.y - 2, (shown.region, jobs.region)


def test_a_lifted_toast_gets_the_rows_left_and_a_narrow_one_its_third() -> None:
    from pytui.app.toast_text import toast_text_lines

    assert toast_text_lines(24, 80, lifted=3) == toast_text_lines(24, 80) - 3
    # A narrow screen's toast keeps a third of the screen's rows (40x24: 7) while they fit,
    # and 3 lines at 40x12.
    assert toast_text_lines(24, 40, lifted=3) == toast_text_lines(24, 40) == 7
    assert toast_text_lines(12, 40, lifted=3) == 3


async def test_a_toast_raised_on_environments_fits_above_the_jobs_panel_back_on_main(
        ui_world: UiWorld) -> None:
    """Worded for Environments' rack (on the footer), a tall toast lost its title above the
    top edge once Esc brought back the main screen, whose rack sits above the Jobs panel."""
    from pytui.app.envs_screen import EnvironmentsScreen

    app = ui_world.make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen), what="the view")
        app.notify(LONG, title="A long note", timeout=600, markup=False)
        await wait_for(pilot, lambda: app.screen.query(Toast), what="the toast on Environments")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, EnvironmentsScreen),
                       what="the main screen")

        def placed() -> bool:
            shown = next(iter(app.screen.query(Toast)), None)
            return shown is not None and shown.region.height > 0 and shown.region.y >= 0 \
                and shown.region.bottom <= app.query_one("#jobs").region.y

        await wait_for(pilot, placed, what="the toast whole above the Jobs panel")


async def test_at_20x8_only_the_toasts_that_fit_show(ui_world: UiWorld) -> None:
    """Two toasts at once did not fit 20x8: the older ran above the top edge, its title
    unseen. The newest shows whole; the older is in History (as those that gave way are), and
    the newest's last line says so, with History's key (app/keymap.py): nothing did."""
    app = ui_world.make_app()
    async with app.run_test(size=(20, 8), notifications=True) as pilot:
        await ready(pilot)
        for n in range(2):
            app.notify(f"message number {n} says something", title=f"Note {n}", timeout=600)
        await wait_for(pilot, lambda: [t._notification.title for t in app.screen.query(Toast)]
                       == ["Note 1"], what="the newest toast alone")
        await pilot.pause()
        for toast in app.screen.query(Toast):
            assert toast.region.y >= 0 and toast.region.bottom <= 8, toast.region
        assert [e.title for e in app.history.entries[-2:]] == ["Note 0", "Note 1"]
        toast = app.screen.query_one(Toast)
        assert toast._notification.message.split("\n")[-1] == "+1 more: H"
        shown = [strip.text for strip in app.screen._compositor.render_strips()]
        assert any("+1 more: H" in line for line in shown), shown
        # Worded again for a new width, it keeps the line (it was worded from its text alone).
        before = toast._notification.message
        await pilot.resize_terminal(26, 8)  # (at 22 columns its lines break where they did)
        await wait_for(pilot, lambda: toast._notification.message != before, what="the rewording")
        # (26 columns have room for the count's longer form.)
        assert toast._notification.message.split("\n")[-1] == "1 more in History: H", \
            toast._notification.message


@pytest.mark.parametrize("size", [(40, 12), (20, 8)])
async def test_a_toast_leaves_a_folded_jobs_panel_in_view(ui_world: UiWorld, size) -> None:
    """At 40x12 (and 20x8) the Jobs panel is folded to its title row; toasts covered it (they
    stacked above the panel only when it showed rows)."""
    app = ui_world.make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        jobs = app.query_one("#jobs")
        assert jobs.region.height == 1, jobs.region  # folded
        app.notify("a note about the install", title="Note", timeout=600)
        await wait_for(pilot, lambda: any(t.region.height for t in app.screen.query(Toast)),
                       what="the toast")
        await pilot.pause()
        for toast in app.screen.query(Toast):
            assert toast.region.y >= 0 and toast.region.bottom <= jobs.region.y, \
                (toast.region, jobs.region)
        shown = [strip.text for strip in app.screen._compositor.render_strips()]
        assert "Jobs" in shown[jobs.region.y], shown


async def test_at_20x8_the_toasts_let_through_after_a_dialog_fit_too(ui_world: UiWorld) -> None:
    """The two most urgent held toasts and the line counting the rest showed at once after a
    dialog closed, whatever the height: at 20x8 they ran above the top edge."""
    app = ui_world.make_app()
    async with app.run_test(size=(20, 8), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("H")
        await wait_for(pilot, lambda: app.screen.id == "history", what="History")
        for n in range(3):
            app.notify(f"message number {n} says something", title=f"Note {n}", timeout=600)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.id == "_default", what="the main screen")
        # The newest alone (no room for the line counting the others: History has them).
        await wait_for(pilot, lambda: [(t._notification.title, bool(t.region.height))
                                       for t in app.screen.query(Toast)] == [("Note 2", True)],
                       what="the newest toast alone")
        await pilot.pause()
        for toast in app.screen.query(Toast):
            assert toast.region.y >= 0 and toast.region.bottom <= 8, toast.region


async def test_a_shrink_to_20x8_counts_those_that_gave_way_once(ui_world: UiWorld) -> None:
    """Five toasts at 80x24, then 20x8: the reword after the shrink folded the count into the
    newest toast, the toasts that no longer fit gave way, and showing them again folded the
    count a second time (`+4 more: H` twice, the stale one above the new count)."""
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        for n in range(5):
            app.notify(f"message number {n} says something", title=f"Note {n}", timeout=600)
        await wait_for(pilot, lambda: len(app.screen.query(Toast)) >= 3, what="the toasts")
        await pilot.resize_terminal(20, 8)
        await wait_for(pilot, lambda: [t._notification.title for t in app.screen.query(Toast)]
                       == ["Note 4"], what="the newest toast alone")
        await pilot.pause()
        toast = app.screen.query_one(Toast)
        lines = toast._notification.message.split("\n")
        counts = [line for line in lines if "more" in line]
        assert counts == [lines[-1]] and lines[-1].endswith("more: H"), lines


@pytest.mark.parametrize("size", [(22, 8), (40, 12)])
async def test_a_narrow_screens_toast_takes_the_whole_width(ui_world: UiWorld, size) -> None:
    """Under 60 columns a toast is the screen's width, and so is its rack: Textual's rack kept
    a two-cell scrollbar gutter at its right, drawn as nothing, and the panes showed through
    it beside each of the toast's rows (`2┃`, `─╮` at 22x8, in tmux)."""
    app = ui_world.make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        app.notify("Offline: no network; only cached builds install.", title="Mode", timeout=600)
        await wait_for(pilot, lambda: any(t.region.height for t in app.screen.query(Toast)),
                       what="the toast")
        await pilot.pause()
        toast = app.screen.query_one(Toast)
        assert (toast.region.x, toast.region.width) == (0, size[0]), toast.region
