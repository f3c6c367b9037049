"""Pilot tests of what a first-time user ran into: the details after the Environments view,
the command palette's one Quit."""

from __future__ import annotations

from pytui.app.envs_screen import EnvironmentsScreen
from pytui.app.envs_view import NO_SCAN_NOTE
from pytui.app.screens import HistoryScreen
from pytui.widgets.available_table import AvailableTable
from pytui.widgets.details import DetailsPanel
from pytui.widgets.key_bar import KeyBar
from ui_helpers import SIZE, UiWorld, crawl, ready, toast_texts, wait_for


def _details_title(app) -> str | None:
    details = app.query_one("#details", DetailsPanel).details
    return details.title if details is not None else None


async def test_details_follow_the_cursor_after_the_environments_view(ui_world: UiWorld) -> None:
    # The Environments view's table took the details' pane with it: once closed, the details
    # stayed on the row highlighted before, whatever row j/k moved to.
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.query_one("#available", AvailableTable)
        first, second = table.row_keys[0], table.row_keys[1]
        assert _details_title(app) == first
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen),
                       what="the Environments view")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, EnvironmentsScreen),
                       what="the main screen")
        await pilot.press("j")
        await wait_for(pilot, lambda: table.highlighted_key == second, what="the cursor moved")
        await wait_for(pilot, lambda: _details_title(app) == second,
                       what=f"the details of {second}, not {_details_title(app)}")


async def test_the_command_palette_lists_one_quit(ui_world: UiWorld) -> None:
    # Textual's "Quit the application as soon as possible" sat beside pytui's Quit, which
    # asks while jobs run: two entries for one action, the first saying something else.
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert [title for title in titles if title.startswith("Quit")] == ["Quit (q / Ctrl+Q)"]
        assert "Theme" in titles  # Textual's others stay (the README names Ctrl+P → Theme)


async def test_a_verify_reads_as_words_in_its_notification_and_history(ui_world: UiWorld) -> None:
    # It said "Cache verified: 1 archive(s) ok" and the history "verify verify cache  done".
    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("v")
        job = next(j for j in app.state.jobs.values() if j.kind == "verify")
        await wait_for(pilot, lambda: job.ended, what="verify")
        assert any(n.message == "Cache verified: 1 archive ok" for n in app._notifications)
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history")
        entries = [str(entry.content) for entry in app.screen.query(".history-entry")]
        assert any("verify cache  done" in entry for entry in entries), entries
        assert not any("verify verify" in entry for entry in entries), entries


async def test_the_environments_footer_dims_stop_scan_while_no_scan_runs(
        ui_world: UiWorld) -> None:
    # `c Stop scan` read as a key to press when nothing was scanning (c only said so). Then
    # the dimmed key was a disabled binding: c did nothing at all and its note never showed;
    # it now says why, as the main screen's dimmed `c Cancel` does with no job.
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen)
                       and not app.state.envs_scanning, what="the scan ended")
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        stop = next(item for item in bar.items if item.action == "cancel_scan")
        assert not stop.enabled
        assert all(item.enabled for item in bar.items if item.action != "cancel_scan")
        await pilot.press("c")
        await wait_for(pilot, lambda: any(n.message == NO_SCAN_NOTE for n in app._notifications),
                       what="c's note")
        assert isinstance(app.screen, EnvironmentsScreen) and not app.state.envs_scanning


async def test_the_cached_subtitle_follows_a_download_as_it_starts(ui_world: UiWorld) -> None:
    # The subtitle was set only with a listing: a download's row came with its first bytes
    # while the subtitle still said '0 archives · 0 B' (or counted one download of two).
    crawl(ui_world, "3.12.8")  # still downloading when the subtitle is read, however busy
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.query_one("#available", AvailableTable)
        table.select_key(ui_world.build("3.12.8").key)
        await pilot.press("i")
        job = next(iter(app.state.jobs.values()))
        await wait_for(pilot, lambda: job.phase == "download" and job.done > 0,
                       what="the download under way")
        await pilot.pause()
        pane = app.query_one("#cached-pane")
        # Nothing else in the cache: the download alone (not `0 archives · 0 B · 1 downloading`).
        assert str(pane.border_subtitle) == "1 downloading", pane.border_subtitle
        app.runner.cancel(job.job_id)
        await wait_for(pilot, lambda: job.ended, what="cancelled")


async def test_ctrl_c_names_the_quit_key_the_footer_shows(ui_world: UiWorld) -> None:
    # It said "Press ctrl+q to quit the app" while the footer and help say `q`.
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
        assert toast_texts(app, lambda n: n.title == "Ctrl+C does not quit") == [
            "Press q (or Ctrl+Q) to quit; it asks first while jobs run."]


def test_the_offline_key_is_labelled_where_it_goes() -> None:
    from pytui.app.keymap import footer_label

    assert footer_label("toggle_offline", offline=False) is None  # its key's: Offline
    assert footer_label("toggle_offline", offline=True) == "Online"
    assert footer_label("install", offline=True) is None


async def test_the_footer_says_o_online_while_offline(ui_world: UiWorld) -> None:
    # While offline it still read `o Offline`, beside OFFLINE in the header: the mode it is
    # in, not where `o` goes.
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        bar = app.query_one("#footer", KeyBar)

        def label() -> str:
            return next(item.label for item in bar.shown() if item.action == "toggle_offline")

        assert label() == "Offline"
        await pilot.press("o")
        await wait_for(pilot, lambda: label() == "Online", what="o Online")
        await pilot.press("o")
        await wait_for(pilot, lambda: label() == "Offline", what="o Offline again")


async def test_the_footer_under_the_command_palette_names_no_main_screen_key(
        ui_world: UiWorld) -> None:
    # Under Ctrl+P the main footer read `q Quit`, while q typed a q into the palette's search.
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        bar = app.query_one("#footer", KeyBar)
        before = [item.label for item in bar.items]
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: app.screen is not bar.screen, what="the palette")
        await wait_for(pilot, lambda: not bar.items, what="no main-screen key under it")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is bar.screen, what="the main screen")
        await wait_for(pilot, lambda: [item.label for item in bar.items] == before,
                       what=f"the footer back: {before}")
        # And after a dialog of pytui's own (it has its own footer), the same.
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: app.screen is not bar.screen, what="the help")
        await pilot.press("escape")
        await wait_for(pilot, lambda: [item.label for item in bar.items] == before,
                       what=f"the footer back after the help: {before}")
