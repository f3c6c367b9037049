"""`u Uninstall` is dimmed in the footer while what the keys act on has no install (a build of
Available not installed, its archive's row on Cached, an empty pane), as `c Cancel` is with no
job: the key still runs and says why it does nothing there. Before, `u` was drawn live on every
Available row, installed or not. The rule (AppState.installation_at, footer_plan) is tested
without Textual; a Pilot test moves the cursor and reads the footer."""

from __future__ import annotations

from pytui.app import uninstall_decisions as du
from pytui.app.decisions import Refuse
from pytui.app.keymap import PANE_LEADS, footer_plan
from pytui.core.jobs import InstallJob
from pytui.widgets.available_table import AvailableTable
from ui_helpers import UiWorld, ready, toast_texts, wait_for
from view_state import NEW, OLD, a_cached_archive, a_state, an_installation


def test_the_install_a_row_stands_for(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    old, new = builds[OLD], builds[NEW]
    installation = an_installation(tmp_path, old)
    state.installations.append(installation)
    a_cached_archive(state, new)
    archive = a_cached_archive(state, old)
    assert state.installation_at("available", old.key) == installation
    assert state.installation_at("available", new.key) is None
    assert state.installation_at("available", None) is None
    # A Cached row's key is its archive's file name: the install of that archive's build.
    assert state.installation_at("cached", archive.name) == installation
    assert state.installation_at("cached", new.cache_filename) is None
    assert state.installation_at("installed", old.key) == installation


def test_u_is_dimmed_where_nothing_is_installed() -> None:
    for pane in (*PANE_LEADS, "details"):
        assert footer_plan(pane, jobs_listed=True, installed_target=False).dimmed == {"uninstall"}
        assert footer_plan(pane, jobs_listed=False, installed_target=False).dimmed == \
            {"uninstall", "cancel_job"}
        assert footer_plan(pane, jobs_listed=True, installed_target=True).dimmed == frozenset()


def test_u_on_a_build_not_installed_says_why(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    said = du.decide_uninstall(state, "available", builds[NEW].key)
    assert isinstance(said, Refuse)
    assert said.message == (f"{builds[NEW].key} is not installed: u removes an install, and this "
                            "build has none (3 jumps to Installed).")


def _uninstall_item(app):
    return next(item for item in app.query_one("#footer").items if item.action == "uninstall")


async def test_u_is_dimmed_on_a_build_not_installed_and_says_why(ui_world: UiWorld) -> None:
    installed = ui_world.build("3.13.1")
    InstallJob(installed, settings=ui_world.settings).run()
    other = ui_world.build("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        table = app.query_one("#available", AvailableTable)
        table.focus()
        assert table.select_key(other.key)
        await wait_for(pilot, lambda: not _uninstall_item(app).enabled,
                       what="u dimmed on a build not installed")
        assert table.select_key(installed.key)
        await wait_for(pilot, lambda: _uninstall_item(app).enabled,
                       what="u live on the installed build")
        assert table.select_key(other.key)
        await wait_for(pilot, lambda: not _uninstall_item(app).enabled,
                       what="u dimmed again")
        await pilot.press("u")  # it still runs, and says why it does nothing here
        await wait_for(pilot, lambda: any("u removes an install, and this build has none" in text
                                          for text in toast_texts(app)),
                       what=f"why u does nothing: {toast_texts(app)}")
        assert ui_world.installed_dir("3.13.1").is_dir()


def test_news_landing_with_no_screen_left_redraws_nothing(ui_world: UiWorld) -> None:
    """A disk listing that lands as the app closes re-derives the panes and the details; the
    footer's dimmed keys asked the focused widget of a screen stack already empty
    (`ScreenStackError: No screens on stack`, a traceback that failed
    test_ui_errors.py::test_a_retry_says_when_which_attempt_and_why on a busy machine). An app
    never run has no screen either."""
    app = ui_world.make_app()
    app.renderer.details()
    app.renderer.footer_dims()
