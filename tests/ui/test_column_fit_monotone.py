"""Each table column's form never narrows as the table widens (column_fit `_in_turn`): swept
cell by cell over the pane widths of 40- to 220-column terminals. Cells came back in another
order than they were given up, so a column drew a wider form at one width and gave it back at
the next: Installed's Update read `3.12.11 installed` at 71 columns and `✓ 3.12.11` at 73
(Used by back), and again at 92 / 93 (the whole key back); its Size `1.2 MiB` at 70, `1.2M` at
71; Cached's file name `219b5ca88-cpython-3.12.1…` at 137, `219b5ca88…` at 138 (the whole key
back) and its State `ok +tree` at 93, `ok` at 94 (the file name's prefix back)."""

from __future__ import annotations

from test_ui_fit import _drawn_cells, table_app
from ui_helpers import wait_for


def _installed_rows():
    from pytui.widgets.installed_table import InstalledRow
    from pytui.widgets.rows import SupportView

    def support(year: int) -> SupportView:
        return SupportView("security", f"security → {year}-10", f"{year}-10")

    spec = (("3.13.6", "3.13.7", False, 0, 2029), ("3.12.11", "", False, 4, 2028),
            ("3.12.10", "3.12.11 installed", True, 0, 2028), ("3.11.13", "", False, 1, 2027),
            ("3.10.18", "", False, 0, 2026))
    return [InstalledRow(f"cpython-{version}-linux-x86_64-gnu", "20250818", 1_150_000 + 40_000 * n,
                         update=update, update_installed=done, used_by=used, support=support(year),
                         label=version)
            for n, (version, update, done, used, year) in enumerate(spec)]


def _cached_rows():
    from pytui.widgets.rows import CacheRow

    tail = "x86_64-unknown-linux-gnu-install_only_stripped.tar.gz"
    return [CacheRow(f"90d1da363-cpython-3.13.6-20250818-{tail}", 1_002_800, "cpython-3.13.6-linux-x86_64-gnu",
                     "ok", tree=True, label="3.13.6 20250818"),
            CacheRow(f"820000ce5-cpython-3.13.7-20250818-{tail}", 12_000_000, "cpython-3.13.7-linux-x86_64-gnu",
                     "partial", percent=40, label="3.13.7 20250818"),
            CacheRow(f"8ccebdce9-cpython-3.12.11-20250818-{tail}", 1_150_000, "cpython-3.12.11-linux-x86_64-gnu",
                     "ok", tree=True, label="3.12.11 20250818"),
            CacheRow(f"4f0c1a2b3-cpython-3.12.11-20250723-{tail}", 700_000, None, "orphan",
                     label="3.12.11 20250723")]


async def _sweep(table_class, rows) -> None:
    """Widen the table a cell at a time from 16 to 110 cells (the pane of a 40- to 220-column
    terminal, rows overflowing as in the app) and compare every cell with the one before."""
    app = table_app(table_class, rows, "width: 16; height: 4; scrollbar-size-vertical: 1;")
    async with app.run_test(size=(120, 8)) as pilot:
        table = app.query_one(table_class)
        before: list[dict[str, str]] = []
        for width in range(16, 111):
            table.styles.width = width
            # Laid out at the new width and fitted to it (one pause was not always enough under
            # load: 47355ae's header test read the old width after one).
            await wait_for(pilot, lambda w=width: table.size.width == w and table._fitted_to == table.size,
                           what=f"the table laid out and fitted at {width} cells")
            drawn = _drawn_cells(table)
            for old, new in zip(before or drawn, drawn, strict=True):
                for column, text in old.items():
                    # Shown, it stays shown; a form never gives way to a shorter one (a cut
                    # cell never shortens either).
                    assert len(new.get(column, "")) >= len(text), (width, column, old, new)
            before = drawn


async def test_installed_columns_never_draw_less_as_the_table_widens() -> None:
    from pytui.widgets.installed_table import InstalledTable

    await _sweep(InstalledTable, _installed_rows())


async def test_cached_columns_never_draw_less_as_the_table_widens() -> None:
    from pytui.widgets.cache_table import CacheTable

    await _sweep(CacheTable, _cached_rows())
