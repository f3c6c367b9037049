"""KeyedTable's fast paths against DataTable's own: filling the rows at once, and drawing a
one-line cell without Rich's layout. Both use DataTable internals (all of them in
widgets/datatable_internals.py), so these tests are what notices a Textual release that
changes them; the public-API path that such a release falls back to is tested too."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pytui.widgets import datatable_internals
from pytui.widgets.keyed_table import KeyedTable
from pytui.widgets.table_cells import cell_segments, rich_cell
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

COLUMNS = (("State", "state", 5), ("Key", "key", None), ("Note", "note", None),
           ("Size", "size", 9))


class Table(KeyedTable):
    COLUMNS = COLUMNS


class PublicTable(Table):
    """The table as it runs where the internals check failed: DataTable's public API only."""

    FAST = False


class Pair(App[None]):
    """A KeyedTable and a plain DataTable side by side, neither focused."""

    AUTO_FOCUS = None
    CSS = "KeyedTable, DataTable { width: 1fr; height: 1fr; }"

    def __init__(self, table: type[Table] = Table) -> None:
        super().__init__()
        self._table = table

    def compose(self) -> ComposeResult:
        yield self._table(id="keyed")
        yield _plain()


def test_the_installed_textual_has_every_internal_the_fast_paths_use() -> None:
    # pyproject bounds Textual (>=8.2,<9); a release inside the bounds that renamed one of
    # these would silently make the panes slow (the public path): this says which.
    assert datatable_internals.MISSING == ()
    assert datatable_internals.INTERNALS_OK and Table.FAST


def test_the_check_names_a_missing_internal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(DataTable, "_render_line_in_row")
    assert datatable_internals._missing() == ("_render_line_in_row",)


def _plain() -> DataTable:
    plain: DataTable = DataTable(id="plain", cursor_type="row", zebra_stripes=True)
    for label, key, width in COLUMNS:
        plain.add_column(label, key=key, width=width)
    return plain


def _rows(count: int, offset: int = 0) -> list[tuple[str, tuple]]:
    rows = []
    for n in range(offset, offset + count):
        key = f"cpython-3.{n % 15}.{n}-linux-x86_64-gnu"
        rows.append((key, (
            "[bold green]✓[/]" if n % 3 == 0 else "[dim]—[/]",
            key,
            Text("note " * (n % 4), style="dim") if n % 2 else f"plain {n}",
            # An empty cell: DataTable draws it bare, whatever its style.
            Text("", style="dim", justify="right") if n % 5 == 0
            else Text(f"{n * 1.5:.1f} MiB", justify="right"),
        )))
    return rows


async def _plain_fill(app: App, rows: list[tuple[str, tuple]]) -> DataTable:
    """A new DataTable given `rows` by add_row (a cleared one keeps its old column widths)."""
    await app.query_one("#plain").remove()
    plain = _plain()
    await app.mount(plain)
    for key, cells in rows:
        plain.add_row(*cells, key=key)
    return plain


def _lines(table: DataTable) -> list[list[Segment]]:
    return [list(Segment.simplify(table.render_line(y))) for y in range(table.size.height)]


async def test_fill_gives_what_add_row_gives() -> None:
    app = Pair()
    async with app.run_test(size=(200, 30)) as pilot:
        keyed = app.query_one("#keyed", Table)
        for rows in (_rows(300), _rows(40, offset=500), _rows(0), _rows(120, offset=7)):
            keyed.sync(rows)
            plain = await _plain_fill(app, rows)
            await pilot.pause()
            keys = [key for key, _ in rows]
            assert keyed.row_keys == keys
            assert [row.key.value for row in keyed.ordered_rows] == keys
            assert [keyed.get_row(key) for key in keys] == [list(cells) for _, cells in rows]
            assert [keyed.get_row_index(key) for key in keys] == list(range(len(keys)))
            assert keyed._y_offsets == plain._y_offsets
            # Auto-width columns fit their widest cell (DataTable measures by rendering).
            assert [c.content_width for c in keyed.ordered_columns][1:3] == \
                [c.content_width for c in plain.ordered_columns][1:3]
            assert keyed.virtual_size.height == plain.virtual_size.height
            # The same lines on screen, style for style.
            assert _lines(keyed) == _lines(plain)


@pytest.mark.parametrize("table", [Table, PublicTable], ids=["fast", "public"])
async def test_sync_keeps_the_cursor_row_and_rewrites_changed_cells(table: type[Table]) -> None:
    app = Pair(table)
    async with app.run_test(size=(200, 30)) as pilot:
        keyed = app.query_one("#keyed", Table)
        rows = _rows(200)
        keyed.sync(rows)
        await pilot.pause()
        target = rows[150][0]
        assert keyed.select_key(target)
        # The filter drops most rows: the cursor stays on its build.
        keyed.sync([row for n, row in enumerate(rows) if n % 7 == 0 or row[0] == target])
        await pilot.pause()
        assert keyed.highlighted_key == target
        # One cell changes (a job moved): only that row's cells differ, in place.
        key, cells = rows[0]
        changed = ("[bold yellow] 45%[/]", *cells[1:])
        assert keyed.sync_one(key, changed)
        assert keyed.get_row(key) == list(changed)
        # The whole list comes back (a fill): the changed cells are not replaced by the
        # row remembered from the first fill.
        again = [(k, changed if k == key else c) for k, c in rows]
        keyed.sync(again)
        await pilot.pause()
        assert keyed.get_row(key) == list(changed)
        keyed.sync(rows)
        await pilot.pause()
        assert keyed.get_row(key) == list(cells)
        assert keyed.highlighted_key == target
        assert [row.key.value for row in keyed.ordered_rows] == [k for k, _ in rows]


async def test_the_public_path_shows_what_add_row_shows() -> None:
    """Where the internals check fails, the table is DataTable's own: same rows, same
    lines (its own widths, no cut columns)."""
    app = Pair(PublicTable)
    async with app.run_test(size=(200, 30)) as pilot:
        keyed = app.query_one("#keyed", PublicTable)
        for rows in (_rows(120), _rows(30, offset=400)):
            keyed.sync(rows)
            plain = await _plain_fill(app, rows)
            await pilot.pause()
            keys = [key for key, _ in rows]
            assert keyed.row_keys == keys
            assert [keyed.get_row(key) for key in keys] == [list(cells) for _, cells in rows]
            assert keyed._y_offsets == plain._y_offsets
            assert _lines(keyed) == _lines(plain)


STYLES = st.sampled_from(["", "dim", "bold green", "red on blue", "italic #ff8800", "reverse"])
WORDS = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=14)


@st.composite
def texts(draw: st.DrawFn) -> Text:
    text = Text(style=draw(STYLES), justify=draw(st.sampled_from(
        [None, "default", "left", "right", "center", "full"])))
    for _ in range(draw(st.integers(0, 3))):
        text.append(draw(WORDS), style=draw(STYLES) or None)
    return text


@pytest.mark.parametrize("color_system", ["truecolor", "standard"])
@settings(max_examples=150, deadline=None)
@given(text=texts(), inner=st.integers(0, 24), padding=st.integers(0, 2),
       pre=STYLES, post=STYLES)
# A character of no width (U+FFA0) in a column of none: Rich shows nothing (found on 3.10).
@example(text=Text("\uffa0"), inner=0, padding=0, pre="", post="")
@example(text=Text("\uffa0"), inner=0, padding=1, pre="", post="")
def test_cell_segments_are_richs(color_system: str, text: Text, inner: int, padding: int,
                                 pre: str, post: str) -> None:
    width = inner + 2 * padding  # a column's render width: its width and the padding
    console = Console(width=120, color_system=color_system, force_terminal=True)
    pre_style = Style.parse(pre) + Style.from_meta({"row": 3, "column": 1})
    post_style = Style.parse(post)
    if not text.plain.isprintable():
        return  # KeyedTable hands such cells to DataTable
    ours = cell_segments(text, width, padding, pre_style, post_style, console)
    richs = rich_cell(text, width, padding, pre_style, post_style, console)
    assert _visible(ours) == _visible(richs)


def _visible(segments: list[Segment]) -> list[Segment]:
    return [segment for segment in Segment.simplify(segments) if segment.text]


async def test_a_cell_rewritten_wider_widens_its_column() -> None:
    """A size measured after "…" (a cell rewritten in place) is shown whole, not cut to the
    width the column had."""
    app = Pair()
    async with app.run_test(size=(200, 30)) as pilot:
        keyed = app.query_one("#keyed", Table)
        rows = [(f"k{n}", ("-", f"k{n}", "…", Text("1 B"))) for n in range(3)]
        keyed.sync(rows)
        await pilot.pause()
        note = keyed.ordered_columns[2]
        assert note.content_width == len("Note")
        assert keyed.sync_one("k1", ("-", "k1", "a much longer note", Text("1 B")))
        await pilot.pause()
        assert note.content_width == len("a much longer note")
        assert any("a much longer note" in "".join(segment.text for segment in line)
                   for line in _lines(keyed))


class FlexTable(KeyedTable):
    """Key, a note that gives way whole, a status cut to its words, a size."""

    COLUMNS = (("Key", "key", None), ("Variant", "variant", None),
               ("Status", "status", None), ("Size", "size", 9))
    FLEX = (("variant", 0), ("status", 7), ("key", 8))
    IDENTITY = "key"
    WHOLE = frozenset({"variant"})


class One(App[None]):
    AUTO_FOCUS = None
    CSS = "KeyedTable { width: 1fr; height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield FlexTable(id="keyed")


def _text(table: KeyedTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


async def test_a_column_that_gave_way_whole_takes_no_cells_and_comes_back() -> None:
    """A column given up whole keeps no padding (its cells go to the key); one cut too narrow
    to show more than "…" gives way whole too; wider again, both come back."""
    app = One()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one("#keyed", FlexTable)
        table.sync([("k1", ("cpython-3.13.1+freethreaded-linux", "freethreaded",
                            "bugfix → 2027-10", Text("2.9 MiB")))])
        await pilot.pause()
        widths = {c.key.value: c.get_render_width(table) for c in table.ordered_columns}
        assert widths["variant"] > 2
        for width in (50, 44, 80):
            await pilot.resize_terminal(width, 10)
            await pilot.pause()
            widths = {c.key.value: c.get_render_width(table) for c in table.ordered_columns}
            line = _text(table, 1)
            if width == 80:
                assert "freethreaded " in line and "bugfix → 2027-10" in line
                continue
            # The columns shown fill the table: no gap a hidden column left behind.
            assert sum(widths.values()) == table.size.width, (width, widths)
            assert widths["variant"] == 0, (width, widths)
            assert " … " not in line and not line.rstrip().endswith("…"), line
            # A status cut inside its date reads as its first words, not half a date.
            assert "bugfix…" in line or "bugfix → 2027-10" in line or widths["status"] == 0, line
            assert "2.9 MiB" in line, line


def test_a_cut_ends_at_a_word_where_the_text_has_words() -> None:
    from pytui.widgets.table_cells import _word_end

    def cut(text: str, keep: int) -> str:
        return text[:_word_end(text, keep)] + "…"

    assert cut("bugfix → 2027-10", 8) == "bugfix…"
    assert cut("security → 2029-10", 8) == "security…"
    assert cut("EOL 2024-10", 8) == "EOL 2024…"
    assert cut("cpython-3.13.1-linux", 10) == "cpython-3.…"  # no words: cut where it is


class ShortFormTable(KeyedTable):
    """Key, a status with a short form (`security…`), a fixed-width build."""

    COLUMNS = (("Key", "key", None), ("Support", "support", None), ("Build", "build", 8))
    FLEX = (("support", 9), ("key", 20))
    IDENTITY = "key"
    SHORT_FORMS = frozenset({"support"})


class OneShort(App[None]):
    AUTO_FOCUS = None
    CSS = "KeyedTable { width: 1fr; height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield ShortFormTable(id="keyed")


async def test_a_column_in_its_short_form_is_as_wide_as_what_it_draws() -> None:
    """Cut by the few cells the table lacked, the Support column drew `security…` in the width
    its cut left (`security → 2029-10` less a cell or three: blanks on every row, found at 80
    columns with the embedded catalog); it is now as wide as the widest form it draws."""
    from pytui.widgets.table_cells import FormText

    def support(text: str, short: str) -> FormText:
        return FormText(text, short=Text(short))

    app = OneShort()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one("#keyed", ShortFormTable)
        table.sync([("a", ("cpython-3.13.1-linux-x86_64-gnu", support("security → 2029-10", "security…"),
                           Text("20250818"))),
                    ("b", ("cpython-3.14.0-linux-x86_64-gnu", support("bugfix → 2030-10", "bugfix…"),
                           Text("20250818")))])
        await pilot.pause()
        natural = len("security → 2029-10")
        for width in range(66, 58, -1):  # a cut of 1 to 7 cells
            await pilot.resize_terminal(width, 10)
            await pilot.pause()
            column = next(c for c in table.ordered_columns if c.key.value == "support")
            inner = column.get_render_width(table) - 2 * table.cell_padding
            if inner >= natural:
                continue
            drawn = [form for form in ("security → 2029-10", "security…", "bugfix → 2030-10", "bugfix…")
                     if any(form in _text(table, y) for y in (1, 2))]
            assert inner == max(len(form) for form in drawn), (width, inner, drawn)
            assert "20250818" in _text(table, 1)


async def test_a_column_with_three_forms_draws_the_widest_that_fits_each_row() -> None:
    """Support has a middle form (`security → 2029`, its year kept): narrowed, each row draws
    the first of its forms that fits, and the column is as wide as the widest drawn; only
    where the middle form does not fit does a row read `security…`."""
    from pytui.widgets.rows import SupportView
    from pytui.widgets.support_cell import support_cell

    statuses = {"a": SupportView("security", "security → 2029-10", "2029-10"),
                "b": SupportView("bugfix", "bugfix → 2030-10", "2030-10")}
    forms = {"a": ("security → 2029-10", "security → 2029", "security…"),
             "b": ("bugfix → 2030-10", "bugfix → 2030", "bugfix…")}
    app = OneShort()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one("#keyed", ShortFormTable)
        table.sync([(key, (f"cpython-3.1{y}.1-linux-x86_64-gnu", support_cell(status, style=""),  # unthemed: plain
                           Text("20250818")))
                    for y, (key, status) in enumerate(statuses.items())])
        await pilot.pause()
        seen = set()
        for width in range(66, 50, -1):
            await pilot.resize_terminal(width, 10)
            await pilot.pause()
            column = next(c for c in table.ordered_columns if c.key.value == "support")
            inner = column.get_render_width(table) - 2 * table.cell_padding
            drawn = []
            for y, key in enumerate(statuses, start=1):
                line = _text(table, y)
                fits = next((form for form in forms[key] if len(form) <= inner), forms[key][-1])
                assert f" {fits} " in line or line.rstrip().endswith(fits), (width, inner, line)
                drawn.append(fits)
                seen.add(fits)
            assert inner == max(len(form) for form in drawn), (width, inner, drawn)
        assert {"security → 2029", "bugfix → 2030", "security…"} <= seen, seen
