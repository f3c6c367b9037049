"""The Cached pane's State at 80 columns beside a kept tree of a newer pytui (`newer`): an
archive with its kept tree read `ok`, not `ok +tree`, while the Key column kept cells its
labels did not use."""

from __future__ import annotations

import pytest
from test_ui_fit import _drawn_cells, table_app

SHA = "4924f8520af9514c67d0cb466f65ac0fd474d4d76a55f6ebfb50adde45f1fe1a"


@pytest.mark.parametrize("width", [38, 40])
async def test_an_archive_with_its_tree_says_so_beside_a_newer_pytuis_tree(width: int) -> None:
    """Each State cell draws the widest of its own forms that fits (`ok +tree`, `newer`): the
    cells a column gave up whole go back to it up to any row's wider form, not only to a width
    where every row draws a wider one (`newer pytui's`, 13 cells), before the key, which
    draws its label (`3.10.16 20250115`) in fewer than it was given."""
    from pytui.core.cache_kinds import NEWER_PYTUI
    from pytui.widgets.cache_table import CacheTable
    from pytui.widgets.rows import CacheRow

    tail = "20250115-x86_64-unknown-linux-gnu-install_only.tar.gz"
    rows = [CacheRow(f"4924f8520-cpython-3.13.1-{tail}", 1891, "cpython-3.13.1-linux-x86_64-gnu", "ok",
                     label="3.13.1 20250115"),
            CacheRow(f"trees/{SHA}", 65_182, "cpython-3.13.1-linux-x86_64-gnu", NEWER_PYTUI,
                     label="3.13.1 tree"),
            CacheRow(f"78be86231-cpython-3.10.16-{tail}", 1894, "cpython-3.10.16-linux-x86_64-gnu", "ok",
                     tree=True, label="3.10.16 20250115")]
    app = table_app(CacheTable, rows, f"width: {width}; height: 4;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        drawn = _drawn_cells(app.query_one(CacheTable))
        assert [row.get("state") for row in drawn] == ["ok", "newer", "ok +tree"], (width, drawn)
        assert [row.get("build") for row in drawn] == ["3.13.1 20250115", "3.13.1 tree", "3.10.16 20250115"], drawn
