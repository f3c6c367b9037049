"""Pilot tests of text that must fit whole at 80x24 as well as at 120x36 and 200x50: the pane
subtitles show the fullest of their forms that fits (app/view_model.py derives the forms,
widgets/pane.py picks one), again after every resize."""

from __future__ import annotations

from pytui.core.jobs import InstallJob
from pytui.widgets.pane import SUBTITLE_CHROME
from ui_helpers import UiWorld, ready, wait_for

SIZES = [(80, 24), (120, 36), (200, 50)]


def _subtitle(app, pane: str) -> str:
    return str(app.query_one(pane).border_subtitle)


def _fits(app, pane: str) -> bool:
    widget = app.query_one(pane)
    return len(_subtitle(app, pane)) <= widget.size.width - SUBTITLE_CHROME


async def test_the_cached_subtitle_keeps_the_total_whole_at_every_size(ui_world: UiWorld) -> None:
    for version in ("3.13.1", "3.11.11"):
        ui_world.seed_cache(version)
        # Installing from the cache keeps the archive's unpacked tree beside it.
        InstallJob(ui_world.build(version), settings=ui_world.settings).run()
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.state.cache_usage is not None
                       and ": 2 archives" in _subtitle(app, "#cached-pane"),
                       what="the measured cache in the Cached subtitle")
        seen = {}
        for size in [*SIZES, (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await wait_for(pilot, lambda: _fits(app, "#cached-pane"),
                           what=f"the Cached subtitle to fit at {size}")
            text = _subtitle(app, "#cached-pane")
            total = text.split(":")[0]
            assert total.endswith("iB") and "…" not in text, (size, text)
            assert _fits(app, "#installed-pane") and _fits(app, "#available-pane"), size
            seen[size] = text
        # At 80 columns the short form (the total and the counts); wider, the whole split.
        assert seen[(80, 24)].endswith(": 2 archives + 2 trees"), seen
        assert " + 2 trees " in seen[(120, 36)] and seen[(200, 50)] == seen[(120, 36)], seen


async def test_filtered_subtitles_keep_the_filter_and_the_count_at_80(ui_world: UiWorld) -> None:
    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"3.13t")
        await wait_for(pilot, lambda: app.state.view.filter_text == "3.13t",
                       what="the filter")
        await pilot.pause()
        for pane in ("#available-pane", "#cached-pane", "#installed-pane"):
            assert _fits(app, pane), (pane, _subtitle(app, pane))
        # The full form where it fits, else the filter and the count.
        assert _subtitle(app, "#cached-pane") == "filter “3.13t” · 0 of 1 archive"
        assert _subtitle(app, "#installed-pane") == "“3.13t”: 0 of 0 interpreters"
        # A filter only a hidden build matches (the macOS one): the hint says Enter first
        # while the box has the focus, not once Enter left it.
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.state.view.filter_text, what="no filter")
        await pilot.press("slash", *"aarch64")
        await wait_for(pilot, lambda: _subtitle(app, "#available-pane").endswith(
            "in all platforms: Enter, then A"), what="the hint")
        await pilot.press("enter")
        await wait_for(pilot, lambda: _subtitle(app, "#available-pane").endswith(
            "in all platforms: press A"), what="the hint without Enter")


def _drawn_cells(table) -> list[dict[str, str]]:
    """Each row's cells as drawn, by column key (a hidden column is absent)."""
    rows = []
    for y in range(1, min(table.row_count, table.size.height - 1) + 1):
        line = table.render_line(y).text
        start, cells = 0, {}
        for column in table.ordered_columns:
            width = column.get_render_width(table)
            if width:
                cells[column.key.value] = line[start:start + width].strip()
            start += width
        rows.append(cells)
    return rows


async def test_a_pre_release_key_its_state_and_support_are_never_cut_inside(
        ui_world: UiWorld, tmp_path) -> None:
    """A pre-release install keeps its whole version in Installed and Cached (`cpython-3.14.0rc1…`,
    never `cpython-3.14.0r…`); a cached archive's state is `ok +tree` or `ok`, never `ok…`; a
    support status is whole or its phase (`security…`), never `securi…`; at every size."""
    from fixtures_archives import make_pbs_archive, write_uv_catalog
    from pytui.core.settings import Settings

    rc = make_pbs_archive(tmp_path / "rc", version="3.14.0rc1").serve(ui_world.server)
    builds = [ui_world.build(v) for v in ("3.13.1", "3.11.11")] + [rc.build]
    write_uv_catalog(ui_world.catalog_path, builds)
    ui_world.settings = Settings.resolve(downloads_json=str(ui_world.catalog_path))
    for build in builds:
        InstallJob(build, settings=ui_world.settings).run()  # keeps each archive's tree
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: len(app.state.installations) == 3
                       and any(a.tree for a in app.state.archives), what="3 installs")
        for size in [*SIZES, (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            for table_id, column in (("#installed", "key"), ("#cached", "build")):
                cells = _drawn_cells(app.query_one(table_id))
                keys = [row[column] for row in cells]
                assert any(key.startswith("cpython-3.14.0rc1") for key in keys), (size, keys)
                assert not any(key.startswith("cpython-3.14.0r") and not
                               key.startswith("cpython-3.14.0rc1") for key in keys), (size, keys)
            for row in _drawn_cells(app.query_one("#cached")):
                assert row.get("state", "ok") in ("ok", "ok +tree"), (size, row)
            for table_id in ("#installed", "#available"):
                for row in _drawn_cells(app.query_one(table_id)):
                    support = row.get("support", "")
                    assert not support.endswith("…") or support[:-1] in (
                        "bugfix", "security", "pre-release") or support.startswith("EOL 20"), \
                        (size, support)
            if size[0] >= 200:
                installed = _drawn_cells(app.query_one("#installed"))
                assert rc.build.key in [row["key"] for row in installed]


async def test_the_install_question_wraps_the_url_after_a_separator_at_80(
        ui_world: UiWorld) -> None:
    """At 80x24 the question's Downloads URL wraps after a `/` or `-`, never inside a name
    (`x86_64-unkn` / `own-linux-gnu`)."""
    from pytui.app.screens import ConfirmModal

    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.query_one("#available").select_key(ui_world.build("3.13.1").key)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.pause()
        url = next(line.split(" ", 1)[1] for line in app.screen.question[1]
                   if line.startswith("Downloads "))
        drawn = []
        for widget in app.screen.query(".dialog-line"):
            for y in range(widget.size.height):
                line = widget.render_line(y).text.strip()
                if line:
                    drawn.append(line)
        parts = [line for line in drawn if line in url]
        assert len(parts) >= 2 and "".join(parts) == url, drawn
        assert all(part[-1] in "/-_.,;&?=+" for part in parts[:-1]), parts
