"""Pilot tests of the Jobs panel's keys and rows (↓/↑ j/k Home/End between jobs, no bar on a
failed job, "removed" for a finished uninstall), of the History dialog scrolling from the
keyboard at 80x24, and of the dialogs' footers showing the dialog's own keys."""

from __future__ import annotations

from pytui.app.decisions import Confirm, decide_quit
from pytui.app.purge_screen import PurgeRulesModal
from pytui.app.screens import ConfirmModal, HistoryScreen
from pytui.app.scroll_hint import MORE_ABOVE
from pytui.widgets.job_list import JobList, JobRow
from pytui.widgets.key_bar import KeyBar
from textual.containers import VerticalScroll
from textual.widgets import Label, ProgressBar
from ui_helpers import SIZE, UiWorld, open_purge_rules, ready, wait_for


def test_job_list_bindings_are_the_keymaps_table_keys_and_arrows() -> None:
    from pytui.app.keymap import table_keys

    bound = {(b.key, b.action) for b in JobList.BINDINGS}
    assert bound - {("down", "cursor_down"), ("up", "cursor_up")} == \
        {(k.keys, k.action) for k in table_keys()}
    assert {("down", "cursor_down"), ("up", "cursor_up")} <= bound


def _labels(screen) -> list[str]:
    return [f"{' '.join(item.keys)} {item.label}" for item in screen.query_one(KeyBar).shown()]


def _add_jobs(app, world: UiWorld) -> list:
    """A running install, a finished uninstall and a failed install, set directly."""
    state = app.state
    running_build, removed_build, failed_build = (world.build(v) for v in
                                                  ("3.12.8", "3.13.1", "3.11.11"))
    running = state.add_job("install", running_build.key, build=running_build)
    state.progress(running.job_id, "download", 3_000_000, 9_000_000, 250_000.0)
    removed = state.add_job("uninstall", removed_build.key, build=removed_build)
    failed = state.add_job("install", failed_build.key, build=failed_build)
    for job in (running, removed, failed):
        app.renderer.job(job)
    state.progress(failed.job_id, "verify", 9, 9)
    app.renderer.job(failed)
    state.end_job(removed.job_id, "done", summary="Uninstalled")
    state.end_job(failed.job_id, "failed", error=f"failed to install {failed.key}: sha256 "
                  f"mismatch for {failed.key} from http://x/a: expected {'a' * 64}, computed "
                  f"{'b' * 64}; nothing was installed")
    app.renderer.job(removed)
    app.renderer.job(failed)
    return [running, removed, failed]


async def test_arrows_and_vi_keys_move_between_job_rows(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        running, removed, failed = _add_jobs(app, ui_world)
        jobs = app.query_one("#jobs", JobList)
        await wait_for(pilot, lambda: len(jobs.views()) == 3, what="three rows")
        order = [view.job_id for view in jobs.views()]

        def on(index: int) -> bool:
            return isinstance(app.focused, JobRow) and app.focused.job_id == order[index]

        await pilot.press("4")
        await wait_for(pilot, lambda: on(0), what="the first job")
        for key, index in (("down", 1), ("down", 2), ("down", 2), ("up", 1), ("k", 0),
                           ("j", 1), ("end", 2), ("home", 0), ("G", 2), ("g", 0)):
            await pilot.press(key)
            await wait_for(pilot, lambda index=index: on(index), what=f"{key} -> row {index}")
        # A failed row shows no bar (a full one reads as success) and its short cause.
        failed_row = jobs.row(failed.job_id)
        assert failed_row is not None
        assert failed_row.query_one(ProgressBar).styles.visibility == "hidden"
        assert failed_row.view.error.startswith("sha256 mismatch: expected aaaaaaaa…, computed")
        running_row = jobs.row(running.job_id)
        assert running_row is not None
        assert running_row.query_one(ProgressBar).styles.visibility != "hidden"
        # A finished uninstall says so, not "done".
        removed_row = jobs.row(removed.job_id)
        assert removed_row is not None and removed_row.view.phase_label == "removed"
        state = app.state
        state.end_job(running.job_id, "cancelled")
        app.renderer.job(running)


async def test_history_scrolls_from_the_keyboard_at_80x24(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        for index in range(40):
            app.history.add("install", f"cpython-3.12.{index}", "done", f"installed #{index}")
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history")
        await pilot.pause()
        screen = app.screen
        body = screen.query_one("#history-list", VerticalScroll)
        dialog = screen.query_one("#history-dialog")
        assert app.focused is body
        assert dialog.region.y >= 0 and dialog.region.bottom <= 23  # above the key bar
        await wait_for(pilot, lambda: screen.query_one("#history-scroll-hint").display,
                       what="the scroll hint")
        # It opens on the newest entry, at the end.
        await wait_for(pilot, lambda: body.max_scroll_y > 0 and body.scroll_y == body.max_scroll_y,
                       what="at the end")
        hint = screen.query_one("#history-scroll-hint", Label)
        await wait_for(pilot, lambda: str(hint.content) == MORE_ABOVE, what="the hint: above")
        await pilot.press("home")
        await wait_for(pilot, lambda: body.scroll_y == 0, what="the top")
        await pilot.press("down")
        await wait_for(pilot, lambda: body.scroll_y == 1, what="one line down")
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: body.scroll_y > 1, what="a page down")
        await pilot.press("up")
        await pilot.press("pageup")
        await wait_for(pilot, lambda: body.scroll_y == 0, what="back up")
        await pilot.press("end")
        await wait_for(pilot, lambda: body.scroll_y == body.max_scroll_y, what="the end")
        # Its footer shows what works here, not the main screen's keys.
        labels = _labels(screen)
        assert labels == ["Esc Close", "? Help"], labels  # ? opens the help here (7487fd7)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HistoryScreen), what="closed")


async def test_dialog_footers_show_the_dialogs_keys(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        main_labels = _labels(app.screen)
        assert any(label.endswith("Quit") for label in main_labels)
        await open_purge_rules(pilot)
        await pilot.pause()
        assert _labels(app.screen) == ["y Purge", "n/Esc Cancel"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PurgeRulesModal), what="closed")
        # Quitting with one job running asks, in the singular, with y/n in the footer.
        build = ui_world.build("3.12.8")
        job = app.state.add_job("install", build.key, build=build)
        app.state.progress(job.job_id, "download", 1, 9, None)
        decision = decide_quit(app.state)
        assert isinstance(decision, Confirm)
        said = " ".join(line.text for line in decision.lines)
        assert f"1 job is still running (install {build.key})." in said and \
            "Quitting cancels it:" in said
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="quit dialog")
        await pilot.pause()
        assert _labels(app.screen) == ["y Yes", "n/Esc No"]
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal), what="closed")
        app.state.end_job(job.job_id, "cancelled")


async def test_the_chosen_purge_rule_reads_without_colour(ui_world: UiWorld) -> None:
    """● marks the chosen rule, ○ the others; the title says the keys; → moves, Enter chooses."""
    from pytui.app.purge_screen import PURGE_RULE_KEYS, RuleButton

    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await open_purge_rules(pilot)
        await pilot.pause()
        screen = app.screen
        assert PURGE_RULE_KEYS in str(screen.query_one(".dialog-title").render())

        def marks() -> list[str]:
            return [button.render().plain[:3] for button in screen.query(RuleButton)]

        assert marks() == ["▐●▌", "▐○▌", "▐○▌", "▐○▌"]
        await pilot.press("right")
        await pilot.pause()
        assert marks() == ["▐●▌", "▐○▌", "▐○▌", "▐○▌"]  # moving chooses nothing
        await pilot.press("enter")
        await wait_for(pilot, lambda: marks() == ["▐○▌", "▐●▌", "▐○▌", "▐○▌"],
                       what="the second rule chosen")
        await pilot.press("escape")


async def test_the_quit_question_is_asked_again_when_the_job_ends_meanwhile(
        ui_world: UiWorld) -> None:
    """q while a job is being cancelled asks; once the job has ended cancelled the open
    question no longer says a job is still running, and y quits."""
    from pytui.app.messages import JobEnded

    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        build = ui_world.build("3.12.8")
        job = app.state.add_job("install", build.key, build=build)
        app.state.progress(job.job_id, "download", 1, 9, None)
        job.phase = "cancelling"
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="quit dialog")
        modal = app.screen
        assert modal.question[1][0] == f"1 job is still running (install {build.key})."
        app.post_message(JobEnded(job.job_id, "cancelled", error="cancelled"))
        await wait_for(pilot, lambda: not any("still running" in line
                                              for line in modal.question[1]),
                       what="the quit question asked again")
        assert app.screen is modal
        assert any(line.startswith("No job is running now") for line in modal.question[1])
        # A `y` typed before the changed question is drawn is refused by design: a pause
        # was not always long enough on a busy machine (no exit came).
        await wait_for(pilot, lambda: modal.drawn, what="the changed question drawn")
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, what="app exit")
