"""The Cached pane's State at 80 columns beside a kept tree of a newer pytui (`newer`): an
archive with its kept tree read `ok`, not `ok +tree`, while the Key column kept cells its
labels did not use."""

from __future__ import annotations

import pytest
from test_ui_fit import _drawn_cells, table_app

SHA = "4924f8520af9514c67d0cb466f65ac0fd474d4d76a55f6ebfb50adde45f1fe1a"


@pytest.mark.parametrize(("width", "newer"), [(38, "newer"), (40, "newer pytui's")])
async def test_an_archive_with_its_tree_says_so_beside_a_newer_pytuis_tree(width: int, newer: str) -> None:
    """Each State cell draws the widest of its own forms that fits (`ok +tree`, `newer`): the
    cells a column gave up whole go back to it up to any row's wider form, not only to a width
    where every row draws a wider one (`newer pytui's`, 13 cells), before the key, which
    draws its label (`3.10.16 20250115`) in fewer than it was given. (At 40 the sizes take
    their short form first, `1.8K`, and the state is whole.)"""
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
        assert [row.get("state") for row in drawn] == ["ok", newer, "ok +tree"], (width, drawn)
        assert [row.get("build") for row in drawn] == ["3.13.1 20250115", "3.13.1 tree", "3.10.16 20250115"], drawn


def _snapshot_rows():
    """The snapshot world's Cached rows: a stopped download, an archive, an orphan."""
    from pytui.widgets.rows import CacheRow

    tail = "x86_64-unknown-linux-gnu-install_only_stripped.tar.gz"
    return [CacheRow(f"820000ce5-cpython-3.13.7-20250818-{tail}", 12_000_000, "cpython-3.13.7-linux-x86_64-gnu",
                     "partial", percent=40, label="3.13.7 20250818"),
            CacheRow(f"c2fce3492-cpython-3.12.11-20250818-{tail}", 31_000_000, "cpython-3.12.11-linux-x86_64-gnu",
                     "ok", label="3.12.11 20250818"),
            CacheRow(f"4f0c1a2b3-cpython-3.12.11-20250723-{tail}", 30_500_000, "cpython-3.12.11-linux-x86_64-gnu",
                     "orphan", label="3.12.11 20250723")]


@pytest.mark.parametrize("width", [38, 48, 53, 58, 63])
async def test_the_key_drawing_its_labels_keeps_blank_cells_only_where_no_column_takes_them(width: int) -> None:
    """The Cached pane at 80 to 130 columns: the key, drawing its labels (16 cells), kept 5 to
    10 blank cells after them at 104 to 130 columns while State read `◐ 40%` and the file name
    `820000ce5…`. The cells go to the state's whole words and the whole size first, then the
    file name's hash prefix. They do not go to a column that would give them back at a wider
    terminal (column_fit `_in_turn`): the file name cut past its prefix (at 137 columns it read
    `219b5ca88-cpython-3.12.1…` and at 138 `219b5ca88…`, the whole key back), so the key keeps
    what is left."""
    from pytui.widgets.cache_table import CacheTable

    app = table_app(CacheTable, _snapshot_rows(), f"width: {width}; height: 5;")
    async with app.run_test(size=(140, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(CacheTable)
        widths = {column.key.value: column.get_render_width(table) for column in table.ordered_columns}
        drawn = _drawn_cells(table)
        assert [row["build"] for row in drawn] == ["3.13.7 20250818", "3.12.11 20250818", "3.12.11 20250723"], drawn
        blank = widths["build"] - (len("3.12.11 20250818") + 2)
        assert blank >= 0, (width, widths)
        if drawn[0]["state"] != "partial 40%" or drawn[0]["size"] != "11.4 MiB":
            assert not blank, (width, widths, drawn)  # the whole words and size take them first
            # The size goes short before the state its short words.
            assert drawn[0]["state"] == "partial 40%" or drawn[0]["size"] == "11.4M", (width, drawn)
        elif not widths["archive"]:
            assert blank < len("820000ce5…  "), (width, widths)  # the prefix did not fit
        else:
            assert drawn[0]["archive"] == "820000ce5…", (width, drawn)
        assert sum(widths.values()) == width, (width, widths)  # every cell in a column


@pytest.mark.parametrize(("width", "build"), [(81, True), (68, False), (50, False)])
async def test_installed_key_cells_its_labels_do_not_use_bring_the_build_date_back(width: int, build: bool) -> None:
    """Installed at 166 columns (a pane 81 wide): 23 cells for 7-cell versions, the Build column
    gone; the cells the labels leave bring it back. Narrower, none comes back before Support
    (which goes after it): at 104 columns 10 spare cells fit the date, not `security…`."""
    from pytui.widgets.installed_table import InstalledRow, InstalledTable
    from pytui.widgets.rows import SupportView

    support = SupportView("security", "security → 2029-10", "2029-10")
    rows = [InstalledRow(f"cpython-{version}-linux-x86_64-gnu", "20250818", 300_000, used_by=0,
                         label=version.replace("+freethreaded", "t"), support=support, update=update)
            for version, update in (("3.13.7", ""), ("3.13.7+freethreaded", ""), ("3.12.10", "3.12.11"),
                                    ("3.11.11", "3.11.13"), ("3.9.23", ""))]
    app = table_app(InstalledTable, rows, f"width: {width}; height: 7;")
    async with app.run_test(size=(140, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(InstalledTable)
        widths = {column.key.value: column.get_render_width(table) for column in table.ordered_columns}
        drawn = _drawn_cells(table)
        assert drawn[2]["key"] == "3.12.10", drawn
        assert (drawn[0].get("build") == "20250818") is build, (width, drawn)
        if not widths["support"]:
            assert not widths["build"], widths
