"""The Cached pane: archives in the cache dir, with their build, size and state, and the kept
trees no archive uses (`archive gone`, `manifest unreadable`, `newer pytui's`)."""

from __future__ import annotations

from typing import ClassVar

from pytui.core.cache_kinds import ARCHIVE_GONE, MANIFEST_UNREADABLE, NEWER_PYTUI
from pytui.widgets.format import one_line
from pytui.widgets.keyed_table import KeyedTable, Row
from pytui.widgets.rows import PARTIAL, CacheRow
from pytui.widgets.state_styles import BAD, NOTE, ODD, OK, STATE_STYLES, WAIT
from pytui.widgets.table_cells import FormText, size_cell
from rich.cells import cell_len
from rich.text import Text

__all__ = ["CacheRow", "CacheTable", "state_text"]


def state_text(row: CacheRow) -> Text:
    if row.state == "ok":
        # "+tree": the archive's unpacked tree is kept, so installing it links that tree.
        if row.tree:
            text = FormText(short=Text("ok", style=OK))
            return text.append("ok", style=OK).append(" +tree", style=NOTE)
        return Text("ok", style=OK)
    if row.state in {"partial", "downloading", "locked"}:
        percent = f" {row.percent}%" if row.percent is not None else ""
        if row.state == "downloading":
            return Text(f"↓{percent}", style=WAIT)
        if row.state == "locked":
            # A process holds its lock and records no download (core/turn_record.LOCKED);
            # narrow, the word whole without its percent (as `ok +tree` goes to `ok`).
            return FormText(f"locked{percent}", style=WAIT, short=Text("locked", style=WAIT))
        return FormText(f"partial{percent}", style=WAIT,
                        short=Text(f"{PARTIAL}{percent}", style=WAIT))
    if row.state == "orphan":
        return Text("orphan", style=ODD)
    if row.state == ARCHIVE_GONE:
        # A kept tree whose archive is gone: never used (`gone` where the column is narrow).
        return FormText(ARCHIVE_GONE, style=ODD, short=Text("gone", style=ODD))
    if row.state == MANIFEST_UNREADABLE:
        return FormText(MANIFEST_UNREADABLE, style=BAD, short=Text("unreadable", style=BAD))
    if row.state == NEWER_PYTUI:
        # A newer pytui's tree: not this one's to use, nothing wrong with it (no red).
        return FormText(NEWER_PYTUI, style=NOTE, short=Text("newer", style=NOTE))
    return Text(row.state, style=BAD)


class CacheTable(KeyedTable):
    """Keyed by archive file name."""

    CLASSED_STYLES = STATE_STYLES
    COMPONENT_CLASSES: ClassVar[set[str]] = set(STATE_STYLES)

    # Size is as wide as its widest cell (at most 10: `1023.9 MiB`), not a fixed width: the
    # key gets the cells a column of short sizes does not use.
    COLUMNS = (
        ("State", "state", None),
        ("Size", "size", None),
        ("Key", "build", None),
        ("File", "archive", None),
    )
    # Narrow: the file name gives way first (down to uv's hash prefix, then whole), then the
    # key down to its version (`cpython-3.12.8-…`), then the size to its short form
    # (`683.6K`, as a narrow job row's bytes: it says the same), then the state to its short
    # words (`ok` for `ok +tree`, `◐ 40%` for `partial 40%`: they say less); the key is never
    # cut below that (a row must say which build it is). A key cut shows the row's label
    # instead (`3.13.1 20241219`: what tells it from the other archives of its version, as the
    # file name did; `_key_cell`). Narrower still (`flex_steps`), the state gives way whole
    # before the size does. (The state went short first: at 80 columns `◐ 40%` beside
    # `11.4 MiB`, which the README said the other way round.)
    # The file name gives way whole before the state takes its short words: the cells come
    # back in the reverse order (column_fit `_in_turn`), so the state's words come back before
    # the file name's hash prefix; the other way round the state read `◐ 40%` beside 5 blank
    # cells at 80 columns, where `partial 40%` fitted but had to wait for the file name.
    FLEX = (("archive", 10), ("build", 16), ("archive", 0), ("size", 1), ("state", 1))
    IDENTITY = "build"
    # `ok +tree` gives way to `ok` (Details says the tree is kept), `partial 55%` to `◐ 55%`
    # (Available's mark for a partial download): whole words, never `ok…`.
    SHORT_FORMS = frozenset({"state", "size"})
    # Cut alike in every row: the whole key or every label, sizes in one form. (State keeps
    # each row's widest whole word: `ok +tree` says what `ok` does not.)
    UNIFORM = frozenset({"build", "size"})

    def show(self, rows: list[CacheRow]) -> None:
        self.sync([_cells(row) for row in rows])

    def flex_steps(self, last_resort: bool) -> tuple[tuple[str, int], ...]:
        """In the last pass the state gives way whole before the size: every row has a size."""
        if not last_resort:
            return self.FLEX
        return (("archive", 10), ("build", 16), ("state", 1), ("size", 1))


def _cells(row: CacheRow) -> Row:
    return row.name, (
        state_text(row),
        size_cell(row.size),
        _key_cell(row),
        # The whole name: as much of it as the pane has room for (at least the hash prefix
        # uv puts first); the details always show all of it.
        Text(one_line(row.name), style="dim"),
    )


def _key_cell(row: CacheRow) -> Text:
    """The key; where it does not fit (the File column gone at 80 columns), the row's label
    (`3.13.1 20241219`), so two archives of one build never read alike. A name that says no
    build has no key: its label (from its name, dim) stands in it at every width, as `—` did,
    so two such rows read apart where the File column is gone."""
    if not row.build_key:
        return Text(row.label or "—", style="dim")
    if not row.label or cell_len(row.label) >= cell_len(row.build_key):
        # No shorter than the key (a hostile key shorter than a label): no short form, and no
        # floor that would push State and Size out at 80 columns.
        return Text(row.build_key)
    return FormText(row.build_key, short=Text(row.label))
