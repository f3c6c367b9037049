"""Support status and the Details panel in the running app (Pilot): the Support column says
`EOL 2024-10` in the theme's error colour and `security → 2029-10` in its warning colour,
Details leads with the status, grows with the terminal's height, and `5` focuses it so the
arrows scroll it."""

from __future__ import annotations

import os
from pathlib import Path

from fixtures_archives import make_build
from pytui.app.tui import make_app
from pytui.core.catalog import Catalog
from pytui.core.settings import Settings
from pytui.widgets.details import DetailsPanel
from pytui.widgets.keyed_table import KeyedTable
from rich.style import Style
from textual.color import Color
from ui_helpers import HOST, wait_for

NOV_2026 = 1_796_040_000.0  # 2026-11-30: 3.8 past its end of life, 3.13 security fixes only


def _style_of(table: KeyedTable, text: str) -> Style:
    """The style the table draws `text` in (the first segment that holds it)."""
    for y in range(table.size.height):
        for segment in table.render_line(y):
            if text in segment.text:
                return segment.style or Style()
    raise AssertionError(f"{text!r} is not drawn in #{table.id}")


def _column(table: KeyedTable, key: str) -> list[str]:
    """The text each row shows in a column, as drawn."""
    start = 0
    for column in table.ordered_columns:
        width = column.get_render_width(table)
        if column.key.value == key:
            return [table.render_line(y).text[start:start + width].strip()
                    for y in range(1, 1 + table.row_count)]
        start += width
    raise KeyError(key)


async def test_support_column_colours_details_line_and_scrolling(tmp_path: Path) -> None:
    home = Path(os.environ["HOME"])
    old, current = make_build(version="3.8.20"), make_build(version="3.13.9")
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache")
    app = make_app(settings, catalog=Catalog([current, old], source="test"), host=HOST,
                   refresh=False, show_eta=False, clock=lambda: NOV_2026, home=home)
    async with app.run_test(size=(200, 50)) as pilot:
        table = app.query_one("#available", KeyedTable)
        await wait_for(pilot, lambda: table.row_count == 2, what="the two builds")
        await pilot.pause()
        assert _column(table, "support") == ["security → 2029-10", "EOL 2024-10"]
        colours = app.get_css_variables()
        eol = _style_of(table, "EOL 2024-10")
        # The highlighted first row is drawn in the cursor's colours; 3.8 is the second row.
        assert eol.color == Color.parse(colours["status-bad"]).rich_color
        assert table.highlighted_key == current.key
        await pilot.press("down")
        await pilot.pause()
        security = _style_of(table, "security → 2029-10")
        assert security.color == Color.parse(colours["status-wait"]).rich_color
        details = app.query_one("#details", DetailsPanel)
        await wait_for(pilot, lambda: details.details is not None
                       and details.details.title == old.key, what="details of 3.8")
        assert details.details.fields[0] == (
            "support", "EOL 2024-10: no fixes any more, not even security fixes")
        # A quarter of 50 rows: more than the 5 lines Details had at every size.
        assert details.size.height >= 10
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert details.size.height == 2
        # At 80 columns the status gives way before the key, down to its year.
        assert any(cell.startswith("EOL 202") for cell in _column(table, "support"))
        assert "security → 2029" in _column(table, "support")
        await pilot.press("5")
        await pilot.pause()
        assert app.focused is details and details.max_scroll_y > 0
        await pilot.press("down", "down")
        await wait_for(pilot, lambda: details.scroll_y > 0, what="details scrolled")
        # It still shows the row it showed (focusing it is not a move to another pane).
        assert details.details.title == old.key


async def test_support_keeps_its_year_at_80_columns(tmp_path: Path) -> None:
    """At 80 columns Support had ~15 cells, and `bugfix → 2027-10` (16) and `security →
    2029-10` (18) gave way to `bugfix…` and `security…`, the date lost: where the full form
    does not fit, they now drop the month only (`bugfix → 2027`, `security → 2029`). At 40 columns, too narrow for those, a
    cell is its phase or the column gives way, as before."""
    home = Path(os.environ["HOME"])
    builds = [make_build(version=version) for version in ("3.14.2", "3.13.9", "3.8.20")]
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache")
    app = make_app(settings, catalog=Catalog(builds, source="test"), host=HOST,
                   refresh=False, show_eta=False, clock=lambda: NOV_2026, home=home)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one("#available", KeyedTable)
        await wait_for(pilot, lambda: table.row_count == 3, what="the three builds")
        await pilot.pause()
        # Each row draws the widest of its forms that fits (`bugfix → 2027-10` may).
        bugfix, security, eol = _column(table, "support")
        assert bugfix in ("bugfix → 2027-10", "bugfix → 2027"), bugfix
        assert (security, eol) == ("security → 2029", "EOL 2024-10")
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        shown = {cell for cell in _column(table, "support") if cell}
        assert shown <= {"bugfix…", "security…", "EOL 2024…", "EOL 2024-10"}, shown


async def test_support_keeps_its_year_at_80_columns_beside_a_size(tmp_path: Path) -> None:
    """With something cached the Size column takes its ten cells, and Support gave way to its
    phase (`security…`) while the key kept `cpython-3.13.9-linux-x…`: the key now gives way
    after its version first (its platform is the subtitle's, the same on every row)."""
    home = Path(os.environ["HOME"])
    builds = [make_build(version=version) for version in ("3.14.2", "3.13.9", "3.8.20")]
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache")
    settings.cache_dir.mkdir(parents=True)
    (settings.cache_dir / builds[1].cache_filename).write_bytes(b"\0" * 1_000_000)
    app = make_app(settings, catalog=Catalog(builds, source="test"), host=HOST,
                   refresh=False, show_eta=False, clock=lambda: NOV_2026, home=home)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one("#available", KeyedTable)
        await wait_for(pilot, lambda: table.row_count == 3 and "976.6 KiB" in _column(table, "size"),
                       what="the three builds, one sized")
        await pilot.pause()
        bugfix, security, eol = _column(table, "support")
        assert (bugfix, security, eol) == ("bugfix → 2027", "security → 2029", "EOL 2024-10")
        # The key keeps its version whole.
        assert all(cell.startswith(f"cpython-{build.version}") for cell, build
                   in zip(_column(table, "key"), builds, strict=True)), _column(table, "key")
