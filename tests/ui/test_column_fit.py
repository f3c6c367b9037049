"""Columns follow the terminal (issue 8, item 8): resized from wide to narrow and back, every
table shows its numbers and dates whole; what gives way is the key or file name, cut with
"…" and shown again as the window grows. Drives the real app (the snapshot world) with
Pilot's resize, as a terminal resize would."""

from __future__ import annotations

from pytui.widgets.keyed_table import KeyedTable
from test_snapshots import _app, _settled


def _lines(table: KeyedTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def _cell(table: KeyedTable, row: int, column: str) -> str:
    """The text a column shows on a row (header is row -1), as drawn."""
    line = _lines(table)[row + 1]
    start = 0
    for col in table.ordered_columns:
        width = col.get_render_width(table)
        if col.key.value == column:
            return line[start:start + width].strip()
        start += width
    raise KeyError(column)


async def test_columns_refit_on_resize() -> None:
    app = _app()
    async with app.run_test(size=(200, 50)) as pilot:
        await _settled(pilot)
        cached = app.query_one("#cached", KeyedTable)
        installed = app.query_one("#installed", KeyedTable)
        available = app.query_one("#available", KeyedTable)
        names = {}
        for size in ((200, 50), (120, 36), (80, 24), (120, 36), (200, 50)):
            await pilot.resize_terminal(*size)
            await _settled(pilot)
            for table in (cached, installed, available):
                # The columns fit the table: nothing runs past its right edge.
                used = sum(c.get_render_width(table) for c in table.ordered_columns)
                assert used <= table.size.width, (size, table.id)
            # Numbers and dates are never cut, they give way whole: the build date first
            # (Details shows it), the size at 80 columns; an install's row always says which
            # it is (the key through its patch) and whether an update exists (the Update
            # column stays at every size); cells a column gave up go back to the key.
            assert _cell(installed, 0, "build") in ("20250818", ""), size
            # (At 80 columns in its short form: whole, it would give the cells back where
            # Support comes, column_fit `_in_turn`.)
            assert _cell(installed, 0, "size") in ("62.0 MiB", "62.0M", ""), size
            # (A key that does not fit gives way to its version, whole: `3.12.11`.)
            assert _cell(installed, 0, "key").startswith(("cpython-3.12.11", "3.12.11")), size
            assert _cell(installed, 0, "update") == "—", size
            if size[0] >= 120:
                assert _cell(installed, 0, "size") == "62.0 MiB", size
                assert "Support" in _lines(installed)[0], size
            if size[0] >= 200:
                assert _cell(installed, 0, "build") == "20250818", size
                assert _cell(installed, 0, "key") == "cpython-3.12.11-linux-x86_64-gnu", size
            else:
                # Cut, the key is its version (app/installed_labels.py), not `cpython-3.12.11-li…`.
                assert _cell(installed, 0, "key") == "3.12.11", size
            # The size takes its short form (`11.4M`) before the state its short words.
            assert _cell(cached, 0, "size") in ("11.4 MiB", "11.4M"), size
            assert _cell(cached, 0, "state") == "partial 40%", size
            # A cached archive's key is never cut below its version either (at 80 columns
            # its file name and then its state give way instead); a key that does not fit
            # gives way to the row's label, whole (`3.12.11 20250818`).
            keys = [_cell(cached, row, "build") for row in range(cached.row_count)]
            assert all(key.startswith(("cpython-3.12.11", "cpython-3.13.7-", "3.12.11 ",
                                       "3.13.7 ")) for key in keys), (size, keys)
            assert not any("…" in key for key in keys), keys
            if size[0] < 200:  # (wider, the File column tells them apart)
                assert len(set(keys)) == len(keys), (size, keys)
            visible = min(available.row_count, available.size.height - 1)
            sizes = [_cell(available, row, "size") for row in range(visible)]
            assert "29.6 MiB" in sizes, size
            # The file name shows as much as fits, the whole of it when the window is wide;
            # a cut one ends in "…".
            name = cached.cells_of(cached.row_keys[0])
            assert name is not None
            shown = _cell(cached, 0, "archive")
            full = name[3].plain
            # (At 80 columns the Cached pane is too narrow for it: the column gives way whole.)
            assert shown in (full, "") or (shown.endswith("…") and full.startswith(shown[:-1])), size
            names[size] = shown
        assert len(names[(200, 50)]) > len(names[(120, 36)]) >= len(names[(80, 24)])
