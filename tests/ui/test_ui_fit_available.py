"""The Available table at 80 to 90 columns beside a pre-release (a bare app showing only it): the
key gives way down to its version before the support status loses its year, as the FLEX order
says; the key's 20-cell minimum kept `cpython-3.14.0rc2-linux…` while every Support cell fell to
its phase (`security…`), and the year step stopped at 15 cells where `pre-release → 2025` needs 18."""

from __future__ import annotations

import pytest
from fixtures_archives import make_build
from test_ui_fit import _drawn_cells, table_app


def _rows(first: tuple[str, str, str]):
    from pytui.widgets.rows import AvailableRow, SupportView

    supports = {"bugfix": ("bugfix → 2027-10", "2027-10"), "security": ("security → 2029-10", "2029-10"),
                "pre-release": ("pre-release → 2025-10", "2025-10")}
    versions = (first, ("3.13.7", "security", "20250818"), ("3.12.11", "security", "20250818"),
                ("3.11.13", "security", "20250818"))
    return [AvailableRow(make_build(version=version, build_date=date),
                         support=SupportView(phase, *supports[phase]), size=300_000)
            for version, phase, date in versions]


@pytest.mark.parametrize(("phase", "width", "year"), [
    ("bugfix", 78, "bugfix → 2027"),          # 80 columns
    ("pre-release", 82, "pre-release → 2025"),  # 84
    ("pre-release", 88, "pre-release → 2025"),  # 90
])
async def test_the_key_gives_way_to_its_version_before_support_loses_its_year(
        phase: str, width: int, year: str) -> None:
    from pytui.widgets.available_table import AvailableTable

    rows = _rows(("3.14.0rc2", phase, "20250818"))
    app = table_app(AvailableTable, rows, f"width: {width}; height: 6;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        drawn = _drawn_cells(app.query_one(AvailableTable))
        assert drawn[0]["support"] == year, (width, drawn)
        assert drawn[1]["support"] == "security → 2029", (width, drawn)
        for row, made in zip(drawn, rows, strict=True):
            assert row["key"].startswith(f"cpython-{made.build.version}"), (width, row)
