"""`r` with a local --downloads-json file reads it again, as uv reads it on every run. It said
"the catalog is a local file: the catalog is not refreshed", so a mirror exported again (or a
catalog edited) beside a running pytui showed only after a restart."""

from __future__ import annotations

from fixtures_archives import make_build, write_uv_catalog
from pytui.widgets.available_table import AvailableTable
from pytui.widgets.header import HeaderBar
from ui_helpers import SIZE, UiWorld, no_requests, ready, toast_texts, wait_for


async def test_r_reads_a_local_catalog_file_again(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    added = make_build(version="3.10.16", sha256="cd" * 32)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        available = app.query_one("#available", AvailableTable)
        assert added.key not in available.row_keys
        shown_before = set(available.row_keys)
        builds = [made.build for made in ui_world.archives.values()]
        write_uv_catalog(ui_world.catalog_path, [*builds, added])
        with no_requests(ui_world.server):
            await pilot.press("r")
            await wait_for(pilot, lambda: added.key in available.row_keys,
                           what="the build the file now lists")
        said = toast_texts(app, lambda n: n.title == "Refresh")
        assert said == ["Reading the catalog file again and listing the cache and the install "
                        "root again."], said

        # A file broken since: the catalog read before stays, and the header says so.
        ui_world.catalog_path.write_text("{not json", encoding="utf-8")
        await pilot.press("r")
        header = app.query_one("#header", HeaderBar)
        await wait_for(pilot, lambda: "refresh failed" in str(header.render()),
                       what="the failed read in the header")
        assert shown_before | {added.key} == set(available.row_keys)
        errors = toast_texts(app, lambda n: n.title == "Catalog")
        assert errors and errors[-1].endswith("the catalog read before stays shown"), errors
