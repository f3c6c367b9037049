"""Pilot tests of the conventional keys against the loopback world: j/k g/G Home/End, 1-4,
sorting by key and by header click, `y`, `x`/`!` refusing without a terminal, and the theme
kept in the config file between two app instances."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from pytui.app.config import config_path
from pytui.app.sorting import SortOrder
from pytui.app.toast_text import short_url
from pytui.core.settings import Settings
from pytui.widgets.installed_table import InstalledTable
from pytui.widgets.job_list import JobRow
from textual.events import Key
from textual.widgets import DataTable
from ui_helpers import SIZE, UiWorld, available_table, palette_pick, ready, wait_for

K13, K12, K11 = (f"cpython-{v}-linux-x86_64-gnu" for v in ("3.13.1", "3.12.8", "3.11.11"))


def _said(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def _fake_install(world: UiWorld, version: str) -> None:
    """An install dir as pytui lists it, its interpreter this test's Python."""
    executable = world.installed_dir(version) / "bin" / f"python{version.rsplit('.', 1)[0]}"
    executable.parent.mkdir(parents=True)
    executable.symlink_to(os.path.realpath(sys.executable))
    (world.installed_dir(version) / "BUILD").write_text(world.build(version).build or "")


def test_table_bindings_are_the_keymaps_table_keys() -> None:
    from pytui.app.keymap import table_keys
    from pytui.widgets.keyed_table import KeyedTable

    bound = {(b.key, b.action) for b in KeyedTable.BINDINGS
             if not b.action.startswith("app.")}
    assert bound == {(k.keys, k.action) for k in table_keys()}


async def test_vi_keys_and_home_end_move_in_every_table(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = available_table(app)
        assert table.highlighted_key == K13
        await pilot.press("j")
        assert table.highlighted_key == K12
        await pilot.press("G")
        assert table.highlighted_key == K11
        await pilot.press("k")
        assert table.highlighted_key == K12
        await pilot.press("g")
        assert table.highlighted_key == K13
        await pilot.press("end")
        assert table.highlighted_key == K11
        await pilot.press("home")
        assert table.highlighted_key == K13
        # The filter box still gets those letters (and digits, s, y, x) as text.
        await pilot.press("slash", *"jkgG1sSyx")
        await pilot.pause()
        assert app.query_one("#filter").value == "jkgG1sSyx"
        assert app.state.sort == {} and app.focused is app.query_one("#filter")


async def test_number_keys_jump_to_the_panes(ui_world: UiWorld) -> None:
    _fake_install(ui_world, "3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for key, pane in (("2", "cached"), ("3", "installed"), ("1", "available")):
            await pilot.press(key)
            assert app.focused is app.query_one(f"#{pane}"), key
        await pilot.press("4")  # no job yet: the panel itself, its hint, as Tab goes there
        assert app.focused is app.query_one("#jobs") and not _said(app)
        await pilot.press("1", "shift+tab")
        assert app.focused is app.query_one("#jobs")
        available_table(app).select_key(K13)
        await pilot.press("1", "i")
        await wait_for(pilot, lambda: len(app.query(JobRow)) > 0, what="a job row")
        await pilot.press("4")
        assert isinstance(app.focused, JobRow)


async def test_s_sorts_the_focused_pane_and_a_header_click_too(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = available_table(app)
        await pilot.press("s")  # the Available pane's first column: Version, ascending
        await pilot.pause()
        assert table.row_keys == [K11, K12, K13]
        assert app.state.sort == {"available": SortOrder("version")}
        assert "by Version ↑" in str(app.query_one("#available-pane").border_subtitle)
        await pilot.press("S")
        await pilot.pause()
        assert table.row_keys == [K13, K12, K11]
        # A click on the Build header sorts by build date (all the same here: uv's order).
        x = 1
        for column in table.ordered_columns:
            if column.key.value == "build":
                break
            x += column.get_render_width(table)
        await pilot.click("#available", offset=(x, 0))
        await pilot.pause()
        assert app.state.sort == {"available": SortOrder("build")}
        assert table.row_keys == [K13, K12, K11]
        # Back to uv's order by cycling past the last column.
        app.state.sort["available"] = SortOrder("state")
        await pilot.press("s")
        await pilot.pause()
        assert app.state.sort == {} and table.row_keys == [K13, K12, K11]
        assert "by " not in str(app.query_one("#available-pane").border_subtitle)


async def test_header_selected_message_sorts_by_that_column(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = available_table(app)
        column = table.columns[next(k for k in table.columns if k.value == "version")]
        table.post_message(DataTable.HeaderSelected(table, column.key, 2, column.label))
        await pilot.pause()
        assert app.state.sort == {"available": SortOrder("version")}
        table.post_message(DataTable.HeaderSelected(table, column.key, 2, column.label))
        await pilot.pause()
        assert app.state.sort == {"available": SortOrder("version", reverse=True)}


async def test_y_copies_and_shows_the_path(ui_world: UiWorld) -> None:
    _fake_install(ui_world, "3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("y")
        assert app.clipboard == ui_world.build("3.13.1").url
        # The toast names host and file (tests/ui/test_ui_toasts.py); History the whole URL.
        assert any(short_url(ui_world.build("3.13.1").url) in "".join(line.split("\n"))
                   and "download URL" in line for line in _said(app))
        assert app.history.entries[-1].message == ui_world.build("3.13.1").url
        # Typed at once, as fast as keys come: `y` acts on the pane `3` moved to.
        app.post_message(Key("3", "3"))
        app.post_message(Key("y", "y"))
        await wait_for(pilot, lambda: app.clipboard != ui_world.build("3.13.1").url,
                       what="the second copy")
        assert app.clipboard == str(ui_world.installed_dir("3.11.11"))
        # A long path is cut after a `/` onto lines of its own: the same path, joined.
        assert any(str(ui_world.installed_dir("3.11.11")) in "".join(line.split("\n"))
                   for line in _said(app))


async def test_x_and_shell_refuse_without_a_terminal(ui_world: UiWorld, monkeypatch) -> None:
    from pytui.app import launch

    ran: list[object] = []
    monkeypatch.setattr(launch, "run_interactive", ran.append)
    _fake_install(ui_world, "3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("x")  # 3.13.1 is highlighted: not installed
        assert any("not installed" in line for line in _said(app))
        await pilot.press("3", "x", "exclamation_mark")
        assert app.query_one("#installed", InstalledTable).highlighted_key == K11
        refusals = [line for line in _said(app) if "cannot hand over" in line]
        assert len(refusals) == 2, _said(app)
        assert ran == []
        # The Installed row's details name its pythonX.Y.
        details = app.query_one("#details").details
        assert "· python3.11" in dict(details.fields)["install"]


async def test_theme_is_kept_for_the_next_run(ui_world: UiWorld) -> None:
    path = config_path(ui_world.settings.env)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert not path.exists()  # nothing written until the theme changes
        # As a person does it: Ctrl+P, "theme", then the theme's name.
        await palette_pick(pilot, "theme", "Theme")
        # The theme command opens a palette of themes by itself.
        await palette_pick(pilot, "textual-light", "textual-light", opener=None)
        await wait_for(pilot, lambda: app.theme == "textual-light", what="the theme to change")
        await wait_for(pilot, path.exists, what="the config file")
    assert path.read_text().splitlines()[-1] == 'theme = "textual-light"'
    again = ui_world.make_app()
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert again.theme == "textual-light"
        assert not _said(again)


async def test_a_bad_config_is_one_warning_and_the_app_starts(ui_world: UiWorld) -> None:
    path = config_path(ui_world.settings.env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('theme = "no-such-theme"\n')
    app = ui_world.make_app()
    default = app.theme
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 1 and "no such theme" in warnings[0].message
        assert app.theme == default
        assert path.read_text() == 'theme = "no-such-theme"\n'  # left as the user wrote it


@pytest.mark.parametrize("uv_toml", [None, "offline = false\n"], ids=["unparsed", "beside-a-uv-toml"])
async def test_a_pyproject_uv_passes_over_is_said_in_the_app(ui_world: UiWorld, tmp_path: Path,
                                                             uv_toml: str | None) -> None:
    """The CLI prints uv's passed-over pyproject.toml to stderr, which the TUI's screen covers
    at once: the app says it too, as a warning kept in History. So is a [tool.uv] ignored for
    the uv.toml beside it (uv warns of both)."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.uv]\nbogus = 1\n" if uv_toml is None
                                            else "[tool.uv]\noffline = true\n")
    if uv_toml is not None:
        (project / "uv.toml").write_text(uv_toml)
    ui_world.settings = Settings.resolve(downloads_json=str(ui_world.catalog_path), cwd=project)
    assert ui_world.settings.uv_config.warnings
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        warnings = [n for n in app._notifications if n.severity == "warning"]
        # (a toast's long path is broken across lines; History keeps it whole)
        assert len(warnings) == 1 and "pyproject.toml" in warnings[0].message, warnings
        assert "".join(warnings[0].message.split()).count(str(project / "pyproject.toml")) == 1
        assert any(str(project / "pyproject.toml") in entry.message for entry in app.history.entries)
