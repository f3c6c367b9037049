"""Pilot tests of the panes, filter, view toggles, offline refusal and cache purges (the
catalog's refresh, `r`: test_ui_refresh)."""

from __future__ import annotations

import pytest
from pytui.app.screens import ConfirmModal, HelpScreen
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.details import DetailsPanel
from pytui.widgets.format import short_path
from ui_helpers import (
    SIZE,
    UiWorld,
    asked,
    available_table,
    header_text,
    no_requests,
    open_purge_rules,
    palette_pick,
    ready,
    toast_texts,
    wait_for,
)


async def test_three_panes_with_stable_ids(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for pane in ("#available", "#cached", "#installed", "#details", "#jobs"):
            assert app.query_one(pane).region.area > 0, pane
        # Host builds only, newest first: the macOS build is not listed.
        assert available_table(app).row_keys == [
            "cpython-3.13.1-linux-x86_64-gnu",
            "cpython-3.12.8-linux-x86_64-gnu",
            "cpython-3.11.11-linux-x86_64-gnu",
        ]
        header = header_text(app)
        assert "ONLINE" in header and "~/catalog.json" in header
        assert "~/.local/share/uv/python" in header and "~/.cache/pytui/python" in header


async def test_filter_narrows_available_rows(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"3.12")
        await pilot.pause()
        assert available_table(app).row_keys == ["cpython-3.12.8-linux-x86_64-gnu"]
        # A request form works too.
        await pilot.press(*["backspace"] * 4, *">=3.12")
        await pilot.pause()
        assert available_table(app).row_keys == ["cpython-3.13.1-linux-x86_64-gnu",
                                            "cpython-3.12.8-linux-x86_64-gnu"]
        # Letters typed into the filter are not shortcuts.
        assert app.state.view.all_versions is False
        await pilot.press("escape")
        await pilot.pause()
        assert len(available_table(app).row_keys) == 3
        assert app.focused is available_table(app)


async def test_all_platforms_and_details(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("A")
        await pilot.pause()
        assert "cpython-3.13.1-macos-aarch64-none" in available_table(app).row_keys
        await pilot.press("A")
        await pilot.pause()
        assert "cpython-3.13.1-macos-aarch64-none" not in available_table(app).row_keys
        available_table(app).select_key("cpython-3.11.11-linux-x86_64-gnu")
        await pilot.pause()
        details = app.query_one("#details", DetailsPanel).details
        assert details is not None and details.title == "cpython-3.11.11-linux-x86_64-gnu"
        build = ui_world.build("3.11.11")
        assert ("sha256", build.sha256) in details.fields
        assert ("url", build.url) in details.fields


async def test_help_screen(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        # Main-screen keys do nothing under a modal.
        await pilot.press("a")
        assert app.state.view.all_versions is False
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), what="the help closed")


async def test_offline_refuses_uncached_install_without_network(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        with no_requests(ui_world.server):
            await pilot.press("o")
            await pilot.pause()
            assert app.state.offline and "OFFLINE" in header_text(app)
            # Refresh still lists the disk again, without the network.
            assert app.check_action("refresh", ()) is True
            await pilot.press("r")
            await pilot.pause()
            # Uncached builds are dimmed.
            cells = available_table(app).cells_of("cpython-3.13.1-linux-x86_64-gnu")
            assert cells is not None and "dim" in str(cells[1].style)
            available_table(app).select_key("cpython-3.13.1-linux-x86_64-gnu")
            await pilot.press("i")
            await pilot.pause()
            assert not app.state.jobs
            messages = toast_texts(app)
            # The cache dir as the header says it (`~/…`): a notification wraps a long path.
            cache_dir = short_path(ui_world.settings.cache_dir, ui_world.home)
            assert cache_dir.startswith("~/"), cache_dir
            assert any("cpython-3.13.1-linux-x86_64-gnu" in m and
                       f"({cache_dir})" in m for m in messages), messages


async def test_purge_highlighted_archive(ui_world: UiWorld) -> None:
    path = ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        assert cached.row_keys == [path.name]
        cached.focus()
        await pilot.press("p")
        await asked(pilot, "the purge question")
        await pilot.press("y")
        await wait_for(pilot, lambda: not path.exists() and not cached.row_keys,
                       what="archive purged")


@pytest.mark.parametrize("key", ["delete", "d"])
async def test_delete_asks_to_purge_on_cached(ui_world: UiWorld, key: str) -> None:
    path = ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.query_one("#cached", CacheTable).focus()
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal), what="no")
        assert path.exists()


async def test_purge_rules_preview_then_all(ui_world: UiWorld) -> None:
    first = ui_world.seed_cache("3.11.11")
    second = ui_world.seed_cache("3.13.1")
    # An older build of 3.11.11 (the catalog knows a newer one): superseded.
    stray = ui_world.settings.cache_dir / "0123abcde-cpython-3.11.11-20241219-x86_64-unknown-linux-gnu-install_only.tar.gz"
    stray.write_bytes(b"x" * 1000)
    # A build no catalog lists and nothing newer is known of: kept (it may be the only copy).
    lone = ui_world.settings.cache_dir / "0123abcdf-cpython-3.10.1-20211017-x86_64-unknown-linux-gnu-install_only.tar.gz"
    lone.write_bytes(b"y" * 1000)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        modal = await open_purge_rules(pilot)
        # Default rule: superseded = archives with a newer build of their version known.
        await wait_for(pilot, lambda: [a.name for a in modal.plan] == [stray.name],
                       what="superseded preview")
        assert "frees 1000 B" in str(modal.query_one("#purge-total").render())
        await pilot.press("y")
        await wait_for(pilot, lambda: not stray.exists(), what="stray archive purged")
        assert first.exists() and second.exists() and lone.exists()
        # Again with rule "all": the preview lists the three archives and their total.
        await wait_for(pilot, lambda: len(app.state.archives) == 3, what="rescan")
        modal = await open_purge_rules(pilot)
        await pilot.press("right", "right", "enter")  # RadioSet: superseded -> installed -> all
        await wait_for(pilot, lambda: len(modal.plan) == 3, what="'all' preview")
        await pilot.press("y")
        await wait_for(pilot, lambda: not first.exists() and not second.exists() and not lone.exists(),
                       what="all archives purged")
        await wait_for(pilot, lambda: not app.query_one("#cached", CacheTable).row_keys,
                       what="Cached pane empty")


@pytest.mark.parametrize("opener", ["ctrl+p", "colon"])
async def test_command_palette_runs_actions(ui_world: UiWorld, opener: str) -> None:
    # `:` too: k9s's command key, the first a k9s user tries (it did nothing).
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await palette_pick(pilot, "All versions", "All versions", opener=opener)
        await wait_for(pilot, lambda: app.state.view.all_versions, what="palette toggled all versions")


@pytest.mark.parametrize("opener", ["ctrl+p", "colon"])
async def test_the_palette_opens_over_environments(ui_world: UiWorld, opener: str) -> None:
    # Ctrl+P opened it there as Textual's binding; once in the keymap it was a main-screen
    # action, blocked while another screen is on top.
    from pytui.app.envs_screen import EnvironmentsScreen
    from textual.command import CommandPalette

    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen), what="envs")
        await pilot.press(opener)
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")


@pytest.mark.parametrize("opener", ["e", "H"])
async def test_question_mark_opens_the_help_over_a_view(ui_world: UiWorld, opener: str) -> None:
    """`?` in the Environments view (e) and in History (H) did nothing: the main screen's help is
    blocked under a screen over it (newuser33, tmux; review33). It opens the help there; closing
    it returns to the view."""
    from pytui.app.envs_screen import EnvironmentsScreen
    from pytui.app.screens import HelpScreen, HistoryScreen

    view = EnvironmentsScreen if opener == "e" else HistoryScreen
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press(opener)
        await wait_for(pilot, lambda: isinstance(app.screen, view), what="the view")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, view), what="the view again")


async def test_s_on_the_jobs_panel_says_it_sorts_tables(ui_world: UiWorld) -> None:
    """`s` on the Jobs panel (and on Details showing a job) did nothing visible, and Details,
    redrawn, went from the job to `Nothing highlighted.` (newuser33, tmux)."""
    from pytui.app.conventions import NO_SORT_HERE
    from pytui.widgets.details import DetailsPanel
    from ui_helpers import toast_texts

    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("v")
        await wait_for(pilot, lambda: any(job.ended for job in app.state.jobs.values()),
                       what="the verify job")
        await pilot.press("4", "5")
        details = app.query_one("#details", DetailsPanel)
        await wait_for(pilot, lambda: details.details is not None
                       and "verify" in details.details.title, what="the job in Details")
        for key in ("s", "S"):
            await pilot.press(key)
            await wait_for(pilot, lambda: NO_SORT_HERE in toast_texts(app), what="the note")
            assert "verify" in details.details.title and not app.state.sort, app.state.sort
            app.clear_notifications()
        await pilot.press("4", "s")  # on the job's row: it sorted Available, unseen
        await wait_for(pilot, lambda: NO_SORT_HERE in toast_texts(app), what="the note on Jobs")
        assert not app.state.sort, app.state.sort


async def test_a_colon_in_the_filter_box_is_text(ui_world: UiWorld) -> None:
    from textual.command import CommandPalette
    from textual.widgets import Input

    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash", "colon")
        await wait_for(pilot, lambda: isinstance(app.focused, Input) and app.focused.value == ":",
                       what="':' in the filter box")
        assert not isinstance(app.screen, CommandPalette)


async def test_view_toggles_with_the_real_catalog(uv_catalog_path) -> None:
    """uv's 5530-entry catalog: each toggle shows exactly the derived selection, and going
    back from thousands of rows to a few hundred leaves the table consistent."""
    from pytui.app.tui import make_app
    from pytui.core.settings import Settings
    from ui_helpers import HOST

    app = make_app(Settings.resolve(downloads_json=str(uv_catalog_path)), host=HOST,
                   refresh=False, show_eta=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = available_table(app)
        counts = []
        for key in ("A", "a", "A", "a"):
            await pilot.press(key)
            await pilot.pause()
            expected = [b.key for b in app.vm.visible_builds(app.state)]
            assert table.row_keys == expected
            assert [row.key.value for row in table.ordered_rows] == expected
            counts.append(len(expected))
        assert counts[1] > counts[0] > counts[2] > counts[3] > 0


def test_the_details_say_why_nothing_is_highlighted_under_a_filter(tmp_path, builds) -> None:
    # An empty pane's details read `Nothing highlighted.` when the filter had emptied it.
    from pytui.app.details_view import nothing_note
    from pytui.app.state import ViewOptions
    from pytui.widgets.rows import NOTHING_HIGHLIGHTED
    from view_state import NEW, a_cached_archive, a_download, a_state, an_installation

    state = a_state(tmp_path, builds[NEW])
    state.installations.append(an_installation(tmp_path, builds[NEW]))
    a_cached_archive(state, builds[NEW])
    assert nothing_note(state, "jobs") == NOTHING_HIGHLIGHTED == "Nothing highlighted."
    state.view = ViewOptions(filter_text="3.13")
    for pane in ("available", "cached", "installed"):
        assert nothing_note(state, pane) == \
            "No row here matches the filter “3.13” (Esc clears it)."
    assert nothing_note(state, "jobs") == NOTHING_HIGHLIGHTED
    # Nothing installed or cached at all: the filter hides nothing there and is not blamed
    # (`No row here matches the filter` on an empty Installed sent a newcomer to clear it).
    state.set_disk([], [])
    assert nothing_note(state, "installed") == (
        "Nothing is installed in ~/root yet: highlight a build on Available (1) and press i.")
    assert nothing_note(state, "cached") == (
        "No archive in the cache (~/cache) yet: an install downloads its archive there.")
    # A download in flight is a Cached row: a filter hiding it is what is said.
    a_download(state, builds[NEW])
    assert nothing_note(state, "cached") == "No row here matches the filter “3.13” (Esc clears it)."


async def test_an_emptied_pane_says_its_filter_in_the_details(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"3.99", "enter")
        await pilot.press("1")  # Available: nothing matches 3.99
        panel = app.query_one("#details", DetailsPanel)
        await wait_for(pilot, lambda: panel.details is None and "3.99" in panel.empty,
                       what="the filter named in the details")
        assert "Esc clears it" in panel.render_text()
        # Installed holds nothing at all (nothing is installed): said so, the filter not blamed.
        await pilot.press("3")
        await wait_for(pilot, lambda: panel.empty.startswith("Nothing is installed in "),
                       what="the empty install root named in the details")
        assert "filter" not in panel.render_text() and "press i" in panel.render_text()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.state.view.filter_text, what="filter cleared")
        await pilot.press("1")
        await wait_for(pilot, lambda: panel.details is not None, what="a row's details again")


def test_the_details_of_an_empty_root_or_cache_say_so(tmp_path) -> None:
    # Installed or Cached focused with nothing in them read `Nothing highlighted.`, as if a
    # row were missing a highlight; now what is empty and how it fills.
    from pytui.app.details_view import nothing_note
    from pytui.widgets.rows import NOTHING_HIGHLIGHTED
    from view_state import a_state

    state = a_state(tmp_path)
    assert nothing_note(state, "installed") == (
        "Nothing is installed in ~/root yet: highlight a build on Available (1) and press i.")
    assert nothing_note(state, "cached") == (
        "No archive in the cache (~/cache) yet: an install downloads its archive there.")
    state.root_problem = "the install root ~/root is a file"
    state.cache_problem = "cannot read the cache dir"
    assert nothing_note(state, "installed") == nothing_note(state, "cached") == NOTHING_HIGHLIGHTED
    state.disk_listed = False  # not listed yet: nothing is known to be empty
    state.root_problem = state.cache_problem = None
    assert nothing_note(state, "installed") == nothing_note(state, "cached") == NOTHING_HIGHLIGHTED


async def test_h_and_l_move_between_panes_as_shift_tab_and_tab(ui_world: UiWorld) -> None:
    # lazygit's keys for the previous and next panel did nothing.
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.focused is not None and app.focused.id == "available"
        await pilot.press("l")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "cached",
                       what="l to the next pane")
        await pilot.press("l")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "installed",
                       what="l again")
        await pilot.press("h", "h")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "available",
                       what="h back twice")
        await pilot.press("slash", "h", "l")  # in the filter box they are text
        await pilot.pause()
        assert app.focused is not None and getattr(app.focused, "value", None) == "hl"
