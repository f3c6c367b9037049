"""The Environments view's layout: columns fit their content and the screen, the filter's keys
in the footer, the details wrap (a small App holding the screen over a made-up scan)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytui.app.envs_screen import EnvironmentsScreen
from pytui.app.state import AppState
from pytui.core.environment import Environment
from pytui.core.settings import Settings
from pytui.widgets.env_table import SCROLLBAR
from pytui.widgets.key_bar import KeyBar
from textual.app import App
from textual.geometry import Region
from ui_helpers import HOST, wait_for

KEY = "cpython-3.12.8-linux-x86_64-gnu"
GONE = "cpython-3.11.5-linux-x86_64-gnu"


def _state() -> AppState:
    home = Path(os.environ["HOME"])
    root = home / ".local" / "share" / "uv" / "python"
    deep = home / "work" / "clients" / "acme-corporation" / "services" / "billing-backend"
    envs = [
        Environment(home / "code" / "app" / ".venv", "venv", KEY, "patch", "ok",
                    interpreter=str(root / KEY / "bin" / "python3.12")),
        Environment(home / "code" / "follow" / ".venv", "venv", KEY, "minor", "ok",
                    minor="cpython-3.12-linux-x86_64-gnu"),
        Environment(deep / ".venv", "venv", KEY, "minor", "ok"),
        Environment(home / "code" / "pinned" / ".python-version", "pin", None, None, "ok",
                    request="3.12"),
        Environment(home / "code" / "old" / ".venv", "venv", None, "patch", "broken",
                    wanted=GONE, error=f"wanted {GONE} ({root / GONE / 'bin' / 'python3.11'}), "
                                       "which is not installed"),
        Environment(home / ".local" / "share" / "uv" / "tools" / "ruff", "uv-tool", KEY,
                    "minor", "ok"),
    ]
    return AppState(Settings.resolve(), HOST, home, environments=envs)


class _Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.state = _state()

    def on_mount(self) -> None:
        self.push_screen(EnvironmentsScreen(self.state, rescan=lambda: None,
                                            cancel=lambda: False))


def _columns(screen: EnvironmentsScreen) -> dict[str, int]:
    table = screen.table
    return {str(column.label): column.get_render_width(table)
            for column in table.ordered_columns}


def _cell_texts(screen: EnvironmentsScreen) -> list[list[str]]:
    table = screen.table
    return [[str(cell) for cell in table.cells_of(key) or ()] for key in table.row_keys]


def _footer(screen: EnvironmentsScreen) -> list[tuple[tuple[str, ...], str]]:
    return [(item.keys, item.label) for item in screen.query_one(KeyBar).shown()]


def _text_of(widget) -> str:
    strips = widget.render_lines(Region(0, 0, widget.outer_size.width, widget.outer_size.height))
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_columns_refit_when_the_filter_is_cleared_and_the_footer_says_the_keys() -> None:
    app = _Host()
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EnvironmentsScreen)
        wide = _columns(screen)
        assert _footer(screen)[0] == (("Esc",), "Close")
        await pilot.press("slash", *"broken")
        await wait_for(pilot, lambda: len(screen.table.row_keys) == 1, what="the broken row alone")
        assert _columns(screen) != wide  # fitted to the one row left
        footer = _footer(screen)
        assert footer[:2] == [(("Enter",), "Keep filter"), (("Esc",), "Clear filter")]
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(screen.table.row_keys) == 6, what="every row back")
        assert _columns(screen) == wide  # one Esc: every row back, every column re-fitted
        assert (("Esc",), "Close") in _footer(screen)
        # Enter keeps the filter; the columns follow the rows each time.
        await pilot.press("slash", *"version", "enter")
        await wait_for(pilot, lambda: len(screen.table.row_keys) == 1, what="the pin's row alone")
        assert _columns(screen) != wide
        # The broken are counted among the rows shown (it read `1 of 6 environments, 1 broken`
        # of the one working pin shown).
        assert screen.status_text() == "“version”: 1 of 6 environments", screen.status_text()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_columns_fit_the_screen_and_the_details_wrap(size: tuple[int, int]) -> None:
    app = _Host()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EnvironmentsScreen)
        table = screen.table
        widths = _columns(screen)
        # Every column, Status last, inside the table (the scrollbar's cell kept free).
        assert sum(widths.values()) <= table.size.width - SCROLLBAR
        assert table.size.width <= size[0]
        rows = _cell_texts(screen)
        assert rows[0][4] == "✗ broken"
        # A pin no install satisfies is `unmet` (it said `ok` beside a Key of `missing`).
        assert [row[4] for row in rows[1:]] == ["unmet" if row[3].startswith("pin 3.12") else "ok"
                                                for row in rows[1:]], rows
        assert "unmet" in [row[4] for row in rows]
        for key, row in zip(table.row_keys, rows, strict=True):
            assert row[0][:1] in "~…" and row[0][-5:] == key[-5:]  # the end is kept
        how = [row[3] for row in rows]
        # How gives way to whole forms, never a version cut: its parenthesis first (the Key
        # column says `none`), then `pinned to 3.12.8` to `pinned` (the key says 3.12.8).
        assert "pin 3.12" in how or "pin 3.12 (no install satisfies it)" in how
        assert "pinned to 3.12.8" in how or "pinned" in how
        assert "follows 3.12" in how and "wants 3.11.5" in how
        assert not any(text.endswith("…") for text in how), how
        # A key keeps its patch (the path gives way to its project dir first).
        # A keyless row says what it uses: a managed Python gone, or none for a pin.
        assert {row[2][:14] for row in rows} == {"missing", "none", KEY[:14]}
        assert all(row[2] in ("missing", "none", KEY) or row[2].startswith(KEY[:14] + "…") for row in rows)
        # Different projects stay told apart: the path's end is what is kept, a pin's with
        # its project dir (every pin file is `.python-version`).
        assert len({row[0] for row in rows}) == len(rows)
        assert {"…/pinned/.python-version", "~/code/pinned/.python-version"} & {row[0] for row in rows}
        if size[0] >= 120:
            assert "pin 3.12 (no install satisfies it)" in how
            assert f"{KEY}" in {row[2] for row in rows}
        # The broken one is highlighted first; its reason is wrapped whole in the details.
        detail = screen.query_one("#envs-detail")
        shown = "".join(_text_of(detail).split()).replace("│", "")
        assert f"{GONE}/bin/python3.11),whichisnotinstalled" in shown
        assert "…" not in _text_of(detail)


async def test_a_long_status_line_gives_way_to_a_whole_form_at_80x24() -> None:
    app = _Host()
    app.state.envs_note = ("scanned in 0.00 s (15 directories, none changed since the last scan, "
                           "3 places from the config, 2 from the history)")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EnvironmentsScreen)
        screen.refresh_rows()
        await pilot.pause()
        line = _text_of(screen.query_one("#envs-status")).strip()
        # Its parenthesis gives way whole (never `(0 directories …`).
        assert line == "6 environments, 1 broken · scanned in 0.00 s", line
        # The filter leads the count, as it does in the panes' subtitles (`“3.12”: 1 of 2
        # archives`); the status line had it at its end (`… · filter “venv”`). A filter holding
        # what the line gives way at (a parenthesis, ` · `) stays whole.
        screen._filter = "venv"
        screen.refresh_rows()
        await pilot.pause()
        line = _text_of(screen.query_one("#envs-status")).strip()
        assert line == "“venv”: 4 of 6 environments, 1 broken · scanned in 0.00 s", line
        screen._filter = "a (b) · c"
        screen.refresh_rows()
        await pilot.pause()
        line = _text_of(screen.query_one("#envs-status")).strip()
        assert line == "“a (b) · c”: 0 of 6 environments · scanned in 0.00 s", line


def test_elide_path_keeps_the_end() -> None:
    from pytui.widgets.env_table import elide_path

    assert elide_path("~/code/app/.venv", 40) == "~/code/app/.venv"
    assert elide_path("~/code/follow/.venv", 14) == "…/follow/.venv"
    assert elide_path("~/.local/share/uv/tools/ruff", 14) == "…/tools/ruff"
    # A pin's last part is every pin's: its project tells it apart (it read `…ython-version`).
    assert elide_path("~/code/pinned/.python-version", 14) == "…/pinned/.p…"  # a pin's
    assert elide_path("~/code/pinned/.python-version", 24) == "…/pinned/.python-version"
    for width in range(0, 30):
        assert len(elide_path("~/code/pinned/.python-version", width)) <= max(width, 0)


def test_a_cut_path_keeps_the_start_of_its_project() -> None:
    # A project name longer than the column read `…/.venv`, like every other cut venv.
    from pytui.widgets.env_table import elide_path

    path = "~/code/legacy-project-with-a-long-name/.venv"
    assert elide_path(path, 28) == "…/legacy-project-with…/.venv"  # after a whole word
    assert elide_path(path, 14) == "…/legac…/.venv"  # no whole word fits: its start
    # Narrower, the project's start and the first letter of `.venv` (every venv's: it read
    # `…/.venv`), which tells it from the project's pin (`.python-version`: both read `…/api/…`).
    assert elide_path(path, 12) == "…/legac…/.v…"
    assert elide_path("~/code/api/.venv", 9) == "…/api/.v…"
    assert elide_path("~/code/api/.python-version", 9) == "…/api/.p…"
    assert elide_path("~/code/api/.venv", 7) == "…pi/.v…"
    assert elide_path("~/code/api/.venv", 6) == "…/api…"  # no room for the letter
    assert elide_path("~/.virtualenvs/old-notebooks", 20) == "…/old-notebooks"
    for width in range(0, 50):
        assert len(elide_path(path, width)) <= max(width, 0)


async def test_a_short_screen_keeps_rows_of_the_table_beside_the_detail() -> None:
    """At 40x12 the detail (here a broken env's: a long path and why) took every row but
    the pane's border: no row of the table was shown."""
    app = _Host()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EnvironmentsScreen)
        await pilot.pause()
        table = screen.table
        # Its header and at least two rows are drawn.
        assert table.region.height >= 3, table.region
        hit, _ = screen.get_widget_at(table.region.x + 1, table.region.y + 2)
        assert hit is table, hit
        detail = screen.query_one("#envs-detail")
        assert 3 <= detail.region.height <= 6, detail.region


async def test_at_40_columns_every_row_keeps_its_status_and_its_project() -> None:
    """At 40x12 the table ran past its edge: How cut (`exter`), Status not shown, and the
    deep venv's path read `…/billing-backend/.venv`-like ends with no project. How and Kind
    give way whole (the detail under the table says both), the key to its version."""
    app = _Host()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EnvironmentsScreen)
        table = screen.table
        lines = [line.rstrip() for line in _text_of(table).splitlines() if line.strip()]
        assert "Status" in lines[0] and "How" not in lines[0] and "Kind" not in lines[0], lines
        assert len(lines) >= 3
        for line in lines[1:]:  # each row drawn ends with its status, inside the table
            assert line.endswith(("ok", "✗ broken", "unmet")), lines
            assert len(line) <= table.size.width - SCROLLBAR
        rows = _cell_texts(screen)
        deep = next(cells for key, cells in zip(table.row_keys, rows, strict=True)
                    if "billing-backend" in str(key))
        assert "clien" in deep[0], rows  # ~/work/clients/…: its project, not its end alone
        pin = next(cells for key, cells in zip(table.row_keys, rows, strict=True)
                   if str(key).endswith(".python-version"))
        assert pin[0] == "…/pinned/.python…", rows  # was `…/.python-version`: whose pin?
        assert "3.12.8" in {cells[2] for cells in rows}


@pytest.mark.parametrize("width", [20, 24, 30])
async def test_under_40_columns_each_row_keeps_its_path_and_status(width: int) -> None:
    """At 20 columns the table ran past its edge after every step (Key cut to `3.1`, Status not
    shown): the key gives way whole too and the path down to `…/.venv`; the detail under the
    table names the highlighted row whole."""
    app = _Host()
    async with app.run_test(size=(width, 12)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EnvironmentsScreen)
        await pilot.pause()
        table = screen.table
        lines = [line.rstrip() for line in _text_of(table).splitlines() if line.strip()]
        assert lines[0].split() == ["Path", "Status"], lines
        assert len(lines) >= 3
        for line in lines[1:]:
            assert line.endswith(("ok", "✗ broken", "unmet")), lines
            assert line.startswith((" ~/", " …")), lines
        assert table.virtual_size.width <= table.size.width, (table.virtual_size, table.size)
        assert screen.query_one("#envs-detail").display


async def test_a_tiny_screen_keeps_rows_of_the_table() -> None:
    """At 20x8 the detail (its least height) left the table its column names and no row: under
    10 rows the detail gives way."""
    app = _Host()
    async with app.run_test(size=(20, 8)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EnvironmentsScreen)
        await pilot.pause()
        table = screen.table
        assert table.region.height >= 3, table.region  # its column names and two rows
        assert not screen.query_one("#envs-detail").display
        # Each venv's path keeps its project (`…/app/…`, `…/follo…`): every one read `…/.venv`.
        paths = [cells[0] for cells in _cell_texts(screen)]
        venvs = [path for key, path in zip(table.row_keys, paths, strict=True)
                 if str(key).endswith(".venv")]
        assert len(venvs) >= 3 and len(set(venvs)) == len(venvs), paths
