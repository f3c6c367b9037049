"""A newline or a tab in a name found on disk never lays out the screen. A cache file named
`cpython-3.12.8\\nforged-….tar.gz` showed as `cpython-3.12.8` in the Cached pane (the rest
below the row, cut) and as two lines in Details, the second reading like a name of its own; a
venv directory named `good\\n  evil-row venv … ok` likewise in the Environments view. The CLI
writes them as `\\n`; the TUI now draws them as their control pictures (`␤`, `␉`), on one
line (widgets/format.one_line, applied by short_path and to cache file names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytui.core.settings import Settings
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.details import DetailsPanel
from pytui.widgets.format import one_line, short_path
from ui_helpers import HOST, ready, wait_for

NAME = "cpython-3.12.8\nforged\t-linux-x86_64-gnu.tar.gz"


def test_one_line_draws_layout_characters_as_pictures() -> None:
    assert one_line("a\nb\tc\rd") == "a\u2424b\u2409c\u240dd"
    assert one_line("plain") == "plain"
    assert short_path(Path("/h/x\ny"), Path("/h")) == "~/x\u2424y"
    from pytui.app.purge_plan import preview_label

    assert preview_label("a\nb.tar.gz", with_tree=False, width=0) == "a\u2424b.tar.gz"


async def test_a_name_with_a_newline_stays_on_one_line(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    projects = tmp_path / "code"
    venv = projects / "good\n  evil-row"
    venv.mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\nversion_info = 3.12.8\n")
    monkeypatch.setenv("PYTUI_SCAN_PATHS", str(projects))
    settings = Settings.resolve()
    settings.cache_dir.mkdir(parents=True)
    (settings.cache_dir / NAME).write_bytes(b"x")
    from pytui.app.tui import make_app

    app = make_app(settings, host=HOST, refresh=False, show_eta=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await pilot.pause()
        table = app.query_one(CacheTable)
        cells = [cell.plain for cell in table.cells_of(table.highlighted_key) or ()]
        assert one_line(NAME) in cells, cells
        details = app.query_one(DetailsPanel).render_text()
        assert "\n" not in details.split("archive")[0].strip(), details
        await pilot.press("e")
        await wait_for(pilot, lambda: not app.state.envs_scanning and app.state.environments,
                       what="the scan")
        await pilot.pause()
        from pytui.widgets.env_table import EnvTable

        envs = app.screen.query_one(EnvTable)
        path_cell = (envs.cells_of(str(venv)) or ())[0].plain
        assert path_cell.endswith("good\u2424  evil-row"), path_cell


def test_a_history_line_draws_a_newline_in_a_path_as_its_picture(tmp_path: Path) -> None:
    """History joined a message's lines with a space: a path `~/r-new\\nline` read
    `~/r-new line`, a directory that is not there."""
    from pytui.app.history import History

    entry = History(None, home=tmp_path).add("copy", "install dir", "done",
                                             f"{tmp_path}/r-new\nline/python", verbatim=True)
    assert entry.message == f"{tmp_path}/r-new\u2424line/python"


async def test_a_toast_naming_a_path_with_a_newline_keeps_it_on_its_line(ui_world) -> None:
    """`y` on an install under a root whose name holds a newline: its toast broke the path onto
    two lines (`…/r-new` / `line/python/…`), as if they were two names."""
    from pytui.app.toast_text import toast_message
    from textual.widgets._toast import Toast
    from ui_helpers import press_install

    root = ui_world.home / "r-new\nline" / "python"
    ui_world.settings = ui_world.settings.replace(install_root=root)
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        build = ui_world.build("3.13.1")
        await press_install(pilot, build.key)
        await wait_for(pilot, lambda: (root / build.key).is_dir() and app.state.installed_keys,
                       what="the install")
        app.query_one("#installed").focus()
        await pilot.pause()
        await pilot.press("y")
        await wait_for(pilot, lambda: any("Copied" in t._notification.title
                                          for t in app.screen.query(Toast)), what="the toast")
        toast = next(t for t in app.screen.query(Toast) if "Copied" in t._notification.title)
        said = one_line(str(root / build.key))
        assert toast._notification.message == toast_message(said, 120, 36, title=toast._notification.title,
                                                             lifted=app._toast_lift())
        assert "r-new\u2424line" in toast._notification.message.replace("\n", "")
        assert app.history.entries[-1].message == said
