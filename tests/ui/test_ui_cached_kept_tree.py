"""The Cached pane shows a kept tree with its archive (issue 10: "the TUI's Cached pane shows
them with their archive"), end to end: `i` in the TUI downloads and installs a build, its
tree is kept, and the archive's row, listed again after the job, reads `ok +tree`, Details
says the tree is kept, and the subtitle counts it. view_model and the cache listing are
tested apart (test_view_model, test_tree_store); here the real job's listing reaches the
drawn row."""

from __future__ import annotations

from pytui.widgets.cache_table import CacheTable
from pytui.widgets.details import DetailsPanel
from test_ui_fit import _drawn_cells
from ui_helpers import UiWorld, press_install, ready, wait_for


async def test_an_install_in_the_tui_shows_its_archive_with_its_kept_tree(ui_world: UiWorld) -> None:
    build = ui_world.build("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        await press_install(pilot, build.key)
        await wait_for(pilot, lambda: any(j.ended for j in app.state.jobs.values()), what="the install's end")
        assert [j.phase for j in app.state.jobs.values()] == ["done"]
        assert (ui_world.settings.cache_dir / "trees" / build.sha256 / "manifest.json").is_file()
        cached = app.query_one("#cached", CacheTable)

        def row() -> dict[str, str]:
            return next((cells for cells in _drawn_cells(cached) if cells.get("state", "").startswith("ok")), {})

        await wait_for(pilot, lambda: row().get("state") == "ok +tree", what="the archive's row with its tree")
        subtitle = str(app.query_one("#cached-pane").border_subtitle)
        assert "1 archive" in subtitle and "1 tree" in subtitle, subtitle
        cached.focus()
        cached.move_cursor(row=cached.row_keys.index(build.cache_filename))
        details = app.query_one("#details", DetailsPanel)
        await wait_for(pilot, lambda: details.details is not None
                       and dict(details.details.fields).get("tree", "").startswith("kept"),
                       what="Details saying the tree is kept")
