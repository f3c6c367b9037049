"""The README says from which width the Installed pane shows Support (the phase, then the
year, then whole), the build date and the whole key: it said 120 columns while the column came at about 100 since the key
reads as its version (`3.12.11`) where it does not fit. Measured on the real app."""

from __future__ import annotations

import re
from pathlib import Path

from pytui.core.jobs import InstallJob
from pytui.widgets.installed_table import InstalledTable
from test_ui_fit import _drawn_cells
from ui_helpers import UiWorld, ready, wait_for

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_widths() -> dict[str, int]:
    """The columns the README names: `shows it from about N columns (the phase …), the year
    from about M, whole from about W`."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    found = re.search(r"Installed, at half the width, shows it from about (\d+) columns \(the phase[^)]*\), "
                      r"its year from about (\d+) and whole from about (\d+) \([^)]*\), its build date from about (\d+) "
                      r"and its whole key from about (\d+)",
                      text)
    assert found, "the README's sentence on Installed's Support column"
    return dict(zip(("phase", "year", "whole", "build", "key"), map(int, found.groups()), strict=True))


async def test_the_readme_says_where_installed_shows_support(ui_world: UiWorld) -> None:
    for version in ("3.13.1", "3.11.11"):
        ui_world.seed_cache(version)
        InstallJob(ui_world.build(version), settings=ui_world.settings).run()
    widths = readme_widths()
    app = ui_world.make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        await ready(pilot)
        table = app.query_one("#installed", InstalledTable)
        await wait_for(pilot, lambda: len(table.row_keys) == 2, what="the two installs")

        async def cells_at(columns: int) -> list[dict[str, str]]:
            await pilot.resize_terminal(columns, 40)
            await wait_for(pilot, lambda: app.size.width == columns, what=f"{columns} columns")
            await pilot.pause()
            return _drawn_cells(table)

        # Each form shows from where the README says, and 6 columns narrower (3 cells of the
        # pane) the one before it does.
        def support(rows: list[dict[str, str]]) -> list[str]:
            return [row.get("support", "") for row in rows]

        assert support(await cells_at(widths["phase"] - 6)) == ["", ""]
        assert all(cell.endswith("…") for cell in support(await cells_at(widths["phase"])))
        assert all(cell.endswith("…") for cell in support(await cells_at(widths["year"] - 6)))
        assert all(re.fullmatch(r"\w+ → \d{4}", cell) for cell in support(await cells_at(widths["year"])))
        assert all(re.fullmatch(r"\w+ → \d{4}", cell) for cell in support(await cells_at(widths["whole"] - 6)))
        assert all(re.fullmatch(r"\w+ → \d{4}-\d\d", cell) for cell in support(await cells_at(widths["whole"])))
        assert not any("build" in row for row in await cells_at(widths["build"] - 6))
        assert all(row.get("build") == "20250115" for row in await cells_at(widths["build"]))
        assert [row["key"] for row in await cells_at(widths["key"] - 6)] == ["3.13.1", "3.11.11"]
        # The build date stays beside the whole key (it gave way to it from 166 to 190).
        assert all(row["key"].startswith("cpython-") and row.get("build") == "20250115"
                   for row in await cells_at(widths["key"]))
