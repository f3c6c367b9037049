"""No column runs past a table's right edge, at any width: when the columns that give way
have given what they can, a column that would cross the edge is cut to it (its cells end in
`…`) or, when a cut would say nothing right (a size, a date, a few cells), gives way whole
with every column after it. At 40x12 Available's Version read `3.14.0r`, cut by the screen."""

from __future__ import annotations

import pytest
from test_ui_fit import _drawn_cells, table_app
from ui_helpers import UiWorld, ready, wait_for


def _columns_inside(table) -> list[tuple[str, int, int]]:
    """(column, first cell, cell after it) of each column drawn, left to right."""
    start, drawn = 0, []
    for column in table.ordered_columns:
        width = column.get_render_width(table)
        if width:
            drawn.append((column.key.value, start, start + width))
        start += width
    return drawn


def _available_rows():
    from fixtures_archives import make_build
    from pytui.widgets.rows import AvailableRow, SupportView

    support = SupportView("pre-release", "pre-release → 2025-10-07", "2025-10-07")
    return [AvailableRow(make_build(version=version, build_date="20250818"), installed=installed,
                         size=31_000_000, support=support)
            for version, installed in (("3.14.0rc2", False), ("3.13.7", False),
                                       ("3.12.11", True))]


@pytest.mark.parametrize("width", [17, 20, 26, 32, 38, 44, 52, 60, 78])
async def test_available_columns_end_inside_the_table(width: int) -> None:
    from pytui.widgets.available_table import AvailableTable

    rows = _available_rows()
    app = table_app(AvailableTable, rows, f"width: {width}; height: 6;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(AvailableTable)
        room = table.size.width - table.scrollbar_size_vertical
        drawn = _columns_inside(table)
        assert drawn and drawn[-1][2] <= room, (width, room, drawn)
        for row, made in zip(_drawn_cells(table), rows, strict=True):
            for column, cell in row.items():
                whole = {"key": made.build.key, "version": made.build.version,
                         "build": made.build.build}.get(column)
                if whole is not None:
                    assert cell == whole or (cell.endswith("…") and whole.startswith(cell[:-1])), \
                        (width, column, cell)
            # The build's version is always read, in its key (whole) or its own column.
            assert "version" in row or row["key"].startswith(f"cpython-{made.build.version}"), \
                (width, row)


async def test_available_at_40x12_cuts_no_cell_at_the_screens_edge(ui_world: UiWorld,
                                                                    tmp_path) -> None:
    """The whole app at 40x12, a pre-release in the catalog: Available's rows end inside
    its border, each cell whole or ending in `…`."""
    from fixtures_archives import make_pbs_archive, write_uv_catalog
    from pytui.core.settings import Settings

    rc = make_pbs_archive(tmp_path / "rc", version="3.14.0rc2").serve(ui_world.server)
    builds = [ui_world.build(v) for v in ("3.13.1", "3.11.11")] + [rc.build]
    write_uv_catalog(ui_world.catalog_path, builds)
    ui_world.settings = Settings.resolve(downloads_json=str(ui_world.catalog_path))
    app = ui_world.make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        await pilot.pause()
        table = app.query_one("#available")
        room = table.size.width - table.scrollbar_size_vertical
        drawn = _columns_inside(table)
        assert drawn[-1][2] <= room, (room, drawn)
        cells = _drawn_cells(table)
        assert any(row.get("version") == "3.14.0rc2" or row["key"].startswith("cpython-3.14.0rc2")
                   for row in cells), cells


async def test_cached_at_40x12_with_a_scrollbar_keeps_the_key(ui_world: UiWorld) -> None:
    """The whole app at 40x12, four Cached rows (so a scrollbar) of which one's label is 16
    cells (`trees/ababababa…`, a kept tree whose manifest is unreadable; `3.11.11 20250115`
    alike): the pane, focused, had 15 cells for the key, below that label, so the key gave way at the
    edge after every other column and the pane drew no column at all, not even its header.
    The key, the row's one name, is cut to the edge instead."""
    from pytui.widgets.cache_table import CacheTable

    for version in ("3.13.1", "3.12.8", "3.11.11"):
        ui_world.seed_cache(version)
    ui_world.seed_loose_tree(manifest=False)
    app = ui_world.make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        await wait_for(pilot, lambda: len(cached.row_keys) == 4, what="the four rows")
        await pilot.press("2")  # (at 40x12 Cached is folded to its title until focused)
        await wait_for(pilot, lambda: cached.size.height > 3, what="Cached unfolded")
        room = cached.size.width - cached.scrollbar_size_vertical
        drawn = _columns_inside(cached)
        assert [column for column, _, _ in drawn] == ["build"] and drawn[-1][2] <= room, (room, drawn)
        keys = [row["build"] for row in _drawn_cells(cached)]
        assert keys[0] == "3.13.1 20250115" and all(key.startswith("3.1") for key in keys), keys
