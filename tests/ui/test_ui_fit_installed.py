"""The Installed table at narrow pane widths (a bare app showing only it): what gives way
first, and what stays whole. The rest of the fitting at 80 / 120 / 200 columns is
test_ui_fit.py's."""

from __future__ import annotations

import pytest
from pytui.widgets.rows import BUSY_MARK
from test_ui_fit import _drawn_cells, table_app


@pytest.mark.parametrize("width", [30, 34, 38, 58, 98])
async def test_an_installed_rows_update_mark_is_whole_or_its_arrow(width: int) -> None:
    """An update to a pre-release (`↑ 3.14.0rc2`) in the Installed table at the pane widths of
    80, 120 and 200 columns (and narrower): whole, or `↑` alone, never `↑ 3.14.…`; the key
    keeps its version."""
    from pytui.widgets.cut_rules import version_end
    from pytui.widgets.installed_table import InstalledRow, InstalledTable
    from pytui.widgets.rows import SupportView

    support = SupportView("bugfix", "bugfix → 2027-10", "2027-10")
    rows = [InstalledRow("cpython-3.14.0rc1-linux-x86_64-gnu", "20250818", 62_000_000,
                         update="3.14.0rc2", used_by=3, support=support),
            InstalledRow("cpython-3.12.11-linux-x86_64-gnu", "20250818", 61_000_000,
                         update="build 20250901", used_by=0, support=support)]

    app = table_app(InstalledTable, rows, f"width: {width}; height: 5;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        drawn = _drawn_cells(app.query_one(InstalledTable))
        for row, made in zip(drawn, rows, strict=True):
            assert row["key"].startswith(made.key[:version_end(made.key)]), row

            assert row["update"] in (f"↑ {made.update}", "↑"), (width, row)
            assert row.get("support", "bugfix…") in ("bugfix → 2027-10", "bugfix…"), (width, row)


@pytest.mark.parametrize("width", [38, 58])
async def test_a_newer_patch_installed_note_gives_way_before_the_sizes(width: int) -> None:
    """At 80 columns (a pane 38 wide, rows overflowing) one `3.12.11 installed` note, kept
    whole to the last, left Key and Update only: no row showed its size. It gives way to
    `✓ 3.12.11` first; an upgrade's `↑ 3.13.7` still stays whole."""
    from pytui.widgets.installed_table import InstalledRow, InstalledTable

    rows = [InstalledRow(f"cpython-3.{minor}.{patch}-linux-x86_64-gnu", "20250818", 1_200_000,
                         update=update, update_installed=update.endswith("installed"), used_by=1)
            for minor, patch, update in ((13, 5, "3.13.7"), (12, 10, "3.12.11 installed"), (12, 11, ""),
                                         (11, 13, ""), (10, 18, ""), (9, 23, ""))]

    # The scrollbar as wide as pytui's (app.tcss).
    app = table_app(InstalledTable, rows, f"width: {width}; height: 4; scrollbar-size-vertical: 1;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        drawn = _drawn_cells(app.query_one(InstalledTable))  # the rows in view
        assert len(drawn) == 3, drawn
        for row, made in zip(drawn, rows[:3], strict=True):
            # (Its `✓ 3.12.11`, a cell wider than `↑ 3.13.7`, leaves the sizes their short form.)
            assert row.get("size") in ("1.1 MiB", "1.1M"), (width, row)
            if made.update_installed:
                assert row["update"] in ("3.12.11 installed", "✓ 3.12.11", "✓"), (width, row)
            else:
                assert row["update"] in (f"↑ {made.update}" if made.update else "—",), (width, row)


@pytest.mark.parametrize("width", [36, 38, 58])
async def test_used_by_stays_at_80_with_the_size_in_its_short_form(width: int) -> None:
    """At 80 columns (a pane 38 wide, rows overflowing) Used by gave way whole for want of one
    cell, and the cells went back to a key that drew its label (`3.14.0rc2`) in 19 of them.
    The size takes its short form (`59.1M`) before Used by gives way."""
    from pytui.widgets.installed_table import InstalledRow, InstalledTable

    versions = ("3.14.0rc2", "3.13.7", "3.12.11", "3.11.13", "3.10.18", "3.9.23")
    rows = [InstalledRow(f"cpython-{version}-linux-x86_64-gnu", "20250818", 62_000_000, used_by=2,
                         label=version) for version in versions]
    app = table_app(InstalledTable, rows, f"width: {width}; height: 4; scrollbar-size-vertical: 1;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        drawn = _drawn_cells(app.query_one(InstalledTable))
        assert len(drawn) == 3, drawn
        for row, version in zip(drawn, versions, strict=False):
            assert row["key"] == version and row.get("used") == "2", (width, row)
            assert row.get("size") == ("59.1 MiB" if width >= 58 else "59.1M"), (width, row)


@pytest.mark.parametrize("width", [14, 15, 16, 17, 18, 20, 24, 30, 38])
async def test_a_jobs_word_in_update_is_never_cut_inside(width: int) -> None:
    """At 40x12 an uninstall waiting for the lock read `waiti…` in Update: a cell rewritten in
    place (the job's word where `—` was) raised its column's natural width but not its floor,
    so Update was cut to its label's 6 cells. It is whole, or the column gives way (a table
    filled with the word from the start had it whole)."""
    from pytui.widgets.installed_table import InstalledRow, InstalledTable
    from pytui.widgets.rows import SupportView

    support = SupportView("security", "security → 2029-10", "2029-10")
    rows = [InstalledRow(f"cpython-3.{minor}.{patch}-linux-x86_64-gnu", "20250818", 57_000,
                         busy=busy, used_by=used, label=f"3.{minor}.{patch}", support=support)
            for minor, patch, busy, used in ((13, 1, "waiting…", 0), (12, 8, "", 1), (11, 9, "", 1))]
    idle = [row.replace(busy="") for row in rows]
    app = table_app(InstalledTable, idle, f"width: {width}; height: 5;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        app.query_one(InstalledTable).show(rows)  # the job starts: its word replaces `—`
        await pilot.pause()
        for row, made in zip(_drawn_cells(app.query_one(InstalledTable)), rows, strict=True):
            assert row.get("update", made.busy or "—") in ((made.busy, BUSY_MARK) if made.busy else ("—",)), (width, row)


@pytest.mark.parametrize("busy", ["waiting…", "queued…", "removing…", "damaged"])
@pytest.mark.parametrize("width", [17, 18, 20, 24])
async def test_a_rows_job_stays_said_in_update_at_40_columns(width: int, busy: str) -> None:
    """At 40x12 (the Installed table 18 cells wide) the Update column gave way whole while an
    uninstall waited for the lock (`removing…`) or a job was queued: the row's state, and the
    other rows' `↑`, were gone. The word gives way to its mark (`↻`, a damaged install's `!`
    as in Available), so the column stays wherever an upgrade's `↑` does."""
    from pytui.widgets.installed_table import InstalledRow, InstalledTable
    from pytui.widgets.rows import DAMAGED_MARK

    rows = [InstalledRow(f"cpython-3.{minor}.{patch}-linux-x86_64-gnu", "20250818", 57_000, busy=state,
                         update=update, used_by=0, label=f"3.{minor}.{patch}")
            for minor, patch, state, update in ((12, 10, "", "3.12.11"), (11, 13, busy, ""), (9, 23, "", ""))]
    app = table_app(InstalledTable, [row.replace(busy="") for row in rows], f"width: {width}; height: 5;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        app.query_one(InstalledTable).show(rows)
        await pilot.pause()
        drawn = _drawn_cells(app.query_one(InstalledTable))
        mark = DAMAGED_MARK if busy == "damaged" else BUSY_MARK
        assert [row.get("update") for row in drawn] in (
            ["↑ 3.12.11", busy, "—"], ["↑", mark, "—"]), (width, drawn)


@pytest.mark.parametrize("width", [30, 32, 34, 36, 40, 44, 48, 52, 60, 66, 80, 84, 86, 88, 90, 92])
async def test_a_column_draws_one_form_for_every_row(width: int) -> None:
    """A column is cut consistently, as k9s and lazygit cut theirs: at 164 columns Installed
    read `cpython-3.13.1-linux-x86_64-gnu` above `3.11.11` (the one key a cell longer), and
    narrower `bugfix → 2027` above `security…`, `1.1 MiB` above `59.1M`. Every row of a
    column draws the same form (the whole key or the label, the year or the phase)."""
    from pytui.widgets.installed_table import InstalledRow, InstalledTable
    from pytui.widgets.rows import SupportView

    bugfix = SupportView("bugfix", "bugfix → 2027-10", "2027-10")
    security = SupportView("security", "security → 2029-10", "2029-10")
    eol = SupportView("end-of-life", "EOL 2025-10", "2025-10")
    rows = [InstalledRow(f"cpython-{version}-linux-x86_64-gnu", "20250818", size, used_by=1, label=version,
                         support=support)
            for version, size, support in (("3.14.1", 1_200_000, bugfix), ("3.11.13", 62_000_000, security),
                                           ("3.9.23", 900_000, eol))]
    app = table_app(InstalledTable, rows, f"width: {width}; height: 5;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        drawn = _drawn_cells(app.query_one(InstalledTable))
        keys = [row["key"] for row in drawn]
        assert all(key.startswith("cpython-") for key in keys) or keys == ["3.14.1", "3.11.13", "3.9.23"], (width, drawn)
        sizes = [row.get("size", "") for row in drawn]
        assert all(size.endswith(" MiB") or size.endswith(" KiB") for size in sizes) \
            or all(size[-1:] in "MK" for size in sizes), (width, drawn)
        support = [row.get("support", "") for row in drawn]
        assert support in (["", "", ""], ["bugfix…", "security…", "EOL 2025…"],
                           ["bugfix → 2027", "security → 2029", "EOL 2025-10"],
                           ["bugfix → 2027-10", "security → 2029-10", "EOL 2025-10"]), (width, drawn)


@pytest.mark.parametrize("width", [30, 34, 38])
async def test_a_size_measured_after_the_rows_is_never_cut(width: int) -> None:
    """At 80x24 every Installed size read `56.…`: the rows came first with their sizes still
    `…` (measured in the background), and the refit after each row's size arrived measured
    that row's old cells. A size is whole or in its short form (`56.1K`), never cut."""
    from pytui.widgets.installed_table import InstalledRow, InstalledTable
    from pytui.widgets.rows import SupportView

    security = SupportView("security", "security → 2029-10", "2029-10")
    rows = [InstalledRow(f"cpython-{version}-linux-x86_64-gnu", "20250115", 57_446, update=update,
                         update_installed=bool(update), used_by=0, support=security, label=version)
            for version, update in (("3.13.1", ""), ("3.12.8", ""), ("3.12.7", "3.12.8 installed"),
                                    ("3.11.11", ""), ("3.10.16", ""))]
    measuring = [row.replace(size=None, used_by=None) for row in rows]
    app = table_app(InstalledTable, measuring, f"width: {width}; height: 4; scrollbar-size-vertical: 1;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        app.query_one(InstalledTable).show(rows)  # the sizes measured
        await pilot.pause()
        drawn = _drawn_cells(app.query_one(InstalledTable))
        assert [row.get("size") for row in drawn] in (["56.1 KiB"] * 3, ["56.1K"] * 3), (width, drawn)


@pytest.mark.parametrize("width", range(14, 100, 3))
async def test_the_update_column_draws_one_form_for_every_row(width: int) -> None:
    """Update is cut alike in every row, as the other columns are: at 80 columns `↑ 3.13.7`
    read beside `✓` (a `3.12.11 installed` note's mark), at 40 `↑` beside `waiting…`. Every
    row draws its words, or its mark and version (`✓ 3.12.11`; a job's word stays whole), or
    its mark alone."""
    from pytui.widgets.installed_table import InstalledRow, InstalledTable

    rows = [InstalledRow(f"cpython-{version}-linux-x86_64-gnu", "20250818", 1_200_000, update=update,
                         update_installed=update.endswith("installed"), busy=busy, used_by=1, label=version)
            for version, update, busy in (("3.13.5", "3.13.7", ""), ("3.12.10", "3.12.11 installed", ""),
                                          ("3.11.11", "", "waiting…"), ("3.9.23", "", ""))]
    app = table_app(InstalledTable, rows, f"width: {width}; height: 6;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        drawn = _drawn_cells(app.query_one(InstalledTable))
        assert [row.get("update") for row in drawn] in (
            ["↑ 3.13.7", "3.12.11 installed", "waiting…", "—"], ["↑ 3.13.7", "✓ 3.12.11", "waiting…", "—"],
            ["↑", "✓", BUSY_MARK, "—"], [None] * 4), (width, drawn)


async def test_a_newer_patch_installed_note_takes_its_mark_before_support_goes() -> None:
    """At 110 columns (a pane 53 wide) Installed showed `3.12.11 installed` whole and no Support
    column, 3 cells short of `security…`: the note gave way after Support. `✓ 3.12.11` says the
    same in 9 cells, so it gives way first and the column stays."""
    from pytui.widgets.installed_table import InstalledRow, InstalledTable
    from pytui.widgets.rows import SupportView

    support = SupportView("security", "security → 2029-10", "2029-10")
    rows = [InstalledRow(f"cpython-{version}-linux-x86_64-gnu", "20250818", 600_000, update=update,
                         update_installed=update.endswith("installed"), used_by=0, label=version, support=support)
            for version, update in (("3.11.11", "3.11.13"), ("3.12.10", "3.12.11 installed"), ("3.12.11", ""),
                                    ("3.13.7", ""), ("3.9.23", ""))]
    app = table_app(InstalledTable, rows, "width: 53; height: 5; scrollbar-size-vertical: 1;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        drawn = _drawn_cells(app.query_one(InstalledTable))
        assert drawn[1]["update"] == "✓ 3.12.11", drawn
        assert drawn[0]["support"] == "security…", drawn


async def test_support_is_shown_from_100_columns_and_never_draws_less_wider() -> None:
    """At 100 to 120 columns (the pane's table 47 to 58 cells, rows overflowing) Installed kept
    ~10 cells over where Support needed 11 (`security…` and padding), the size whole; and at
    120 Support read `security…` beside `3.12.11 installed` where 116 had `security → 2029`
    beside `✓ 3.12.11`. The note gives way first, the size goes short before Support goes
    whole, and Support's form never narrows as the table widens."""
    from pytui.widgets.installed_table import InstalledRow, InstalledTable
    from pytui.widgets.rows import SupportView

    def security(year: int) -> SupportView:
        return SupportView("security", f"security → {year}-10", f"{year}-10")

    def eol(year: int) -> SupportView:
        return SupportView("end-of-life", f"EOL {year}-10", f"{year}-10")

    spec = (("3.13.7", 1, "", security(2029)), ("3.12.11", 2, "", security(2028)),
            ("3.12.10", 0, "3.12.11 installed", security(2028)), ("3.11.9", 1, "3.11.13", security(2027)),
            ("3.10.18", 0, "", eol(2026)), ("3.9.23", 0, "", eol(2025)))
    rows = [InstalledRow(f"cpython-{version}-linux-x86_64-gnu", "20250818", 1_250_000, update=update,
                         update_installed=update.endswith("installed"), used_by=used, support=support,
                         label=version)
            for version, used, update, support in spec]
    forms = ("", "security…", "security → 2028", "security → 2028-10")  # the 3.12.10 row's
    drawn_at: dict[int, str] = {}
    for width in range(44, 70):
        app = table_app(InstalledTable, rows, f"width: {width}; height: 5; scrollbar-size-vertical: 1;")
        async with app.run_test(size=(120, 10)) as pilot:
            await pilot.pause()
            drawn = _drawn_cells(app.query_one(InstalledTable))
            drawn_at[width] = drawn[2].get("support", "")
            assert drawn_at[width] in forms, (width, drawn)
            if width >= 47:
                assert drawn_at[width], (width, drawn)
    levels = [forms.index(drawn_at[width]) for width in sorted(drawn_at)]
    assert levels == sorted(levels), drawn_at


async def test_a_column_once_shown_stays_shown_as_the_table_widens() -> None:
    """The build date showed beside the versions at 136 to 164 columns and gave way to the
    whole key from 166 until about 190: a column came and went as the terminal widened. The
    key reads as its version before the build date gives way, so every column, once shown,
    stays (the whole key comes after the build date)."""
    from pytui.widgets.installed_table import InstalledRow, InstalledTable
    from pytui.widgets.rows import SupportView

    support = SupportView("security", "security → 2029-10", "2029-10")
    rows = [InstalledRow(f"cpython-{version}-linux-x86_64-gnu", "20250115", 57_446, used_by=0,
                         support=support, label=version) for version in ("3.13.1", "3.11.11")]
    shown_before: set[str] = set()
    whole_key_from = None
    for width in range(40, 100, 2):
        app = table_app(InstalledTable, rows, f"width: {width}; height: 5;")
        async with app.run_test(size=(120, 10)) as pilot:
            await pilot.pause()
            drawn = _drawn_cells(app.query_one(InstalledTable))
        shown = set(drawn[0])
        assert shown >= shown_before, (width, drawn)
        shown_before = shown
        if drawn[0]["key"].startswith("cpython-") and whole_key_from is None:
            whole_key_from = width
    assert whole_key_from is not None and "build" in shown_before, (whole_key_from, shown_before)


@pytest.mark.parametrize("width", [94, 97, 101])
async def test_the_whole_key_comes_before_a_notes_words(width: int) -> None:
    """At 200x50 (the table 98 cells, rows overflowing) Installed drew every key as its version
    in a 30-cell column, 2 cells short of `cpython-3.12.11-linux-x86_64-gnu`, beside `3.12.11
    installed`: 23 cells blank. The note (`✓ 3.12.11` says the same) gives way before the key
    reads as its version."""
    from pytui.widgets.installed_table import InstalledRow, InstalledTable
    from pytui.widgets.rows import SupportView

    support = SupportView("security", "security → 2028-10", "2028-10")
    rows = [InstalledRow(f"cpython-{version}-linux-x86_64-gnu", "20250818", 1_250_000, update=update,
                         update_installed=bool(update), used_by=1, label=version, support=support)
            for version, update in (("3.12.10", "3.12.11 installed"), ("3.13.7", ""), ("3.12.11", ""),
                                    ("3.11.9", ""), ("3.10.18", ""), ("3.9.23", ""))]
    app = table_app(InstalledTable, rows, f"width: {width}; height: 5; scrollbar-size-vertical: 1;")
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        drawn = _drawn_cells(app.query_one(InstalledTable))
    assert all(row["key"].startswith("cpython-") and row["build"] == "20250818" for row in drawn), (width, drawn)
