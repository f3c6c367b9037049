"""The Environments view's table: one row per environment, broken ones marked.

Columns fit their content and, when the table is narrower than that, give way in this order:
the path (its middle given up, its project dir kept: `~/code/shop/…/dir/.venv`; or its start:
`…/api/.venv`, `…/legacy-project…/.venv`), then the key
down to its version (`cpython-3.14.0rc1…`, never inside it), then how it is used (after a whole
word: `pinned…`), then the kind (to its short form: `virtualenvwrapper` -> `wrapper`, never
cut), then the path down to its end; narrower still (40 columns), How and Kind give way whole
(the detail under the table says both) and the key to its version alone (`3.12.8`), and the
path takes back what they leave (a pin's: `…/pinned/.python…`); under 40 columns the key
gives way whole too and the path down to `…/.venv`. Status is never cut. They are re-fitted whenever the rows or
the width change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pytui.core.elide import ELLIPSIS, elide_after
from pytui.core.environment import NO_KEY_WORDS
from pytui.widgets.cut_rules import key_floor, line_forms, pick_form, version_end
from pytui.widgets.keyed_table import KeyedTable, Row
from pytui.widgets.rows import EnvRow
from pytui.widgets.state_styles import BAD, OK, STATE_STYLES, WAIT
from rich.text import Text
from textual.binding import Binding

__all__ = ["EnvRow", "EnvTable", "elide_path", "fit_widths"]

# Column indexes in COLUMNS, and the fewest cells each gives way to, in the order they give way.
# The path gives way first down to its project (`~/code/shop/…/.venv`, `…/api/.python-version`;
# at most PROJECT_CELLS:
# every pin ends in `.python-version`, so a path cut inside its last part tells no project
# apart), the key down to its version (`cpython-3.14.0rc1…`), how it is used to its short form,
# the kind to its short form, and only after the others the path further.
PATH, KIND, KEY, HOW, STATUS = range(5)
PROJECT = -1  # stands for "the path's project form" in GIVE_WAY
VERSION = -2  # stands for "the keys through their version" (cut_rules.key_floor)
SHORT_HOW = -3  # stands for "the shortest form of each How" (how_forms)
SHORT_KIND = -4  # stands for "the kinds' short forms"
WHOLE = -5  # stands for "gives way whole": no cells, no padding
KEY_VERSION = -6  # stands for "the keys' version alone" (`3.12.8`, key_version)
PROJECT_CELLS = 28
CPYTHON = "cpython-"
# At 40 columns every step left the table 20 cells too wide: each path cut to `…/api/.venv`
# (which project?), How cut and Status past the edge. Then How and Kind give way whole and the
# key to its version, and the path takes back the cells they leave (up to its whole length).
# At 20 columns even that overflowed (Key cut to `3.1`, Status past the edge): the key gives
# way whole too, and the path down to `…/.venv`, so each row's Status shows; the detail under
# the table names the highlighted row whole.
GIVE_WAY = ((PATH, PROJECT), (KEY, VERSION), (HOW, SHORT_HOW), (KIND, SHORT_KIND), (PATH, 14),
            (HOW, WHOLE), (KIND, WHOLE), (KEY, KEY_VERSION), (KEY, WHOLE), (PATH, 7))
# A kind's short form, for a Kind column too narrow for the whole word (never cut).
KIND_SHORT = {"virtualenvwrapper": "wrapper", "pipx-shared": "pipx"}
# Cells of padding around each cell (DataTable's cell_padding on both sides), and the
# vertical scrollbar's width (kept free even when there are few rows).
PADDING = 2
SCROLLBAR = 1


class EnvTable(KeyedTable):
    """Keyed by the environment's absolute path."""

    # Enter does nothing here (nothing to install); Esc closes the view.
    BINDINGS = [Binding("enter", "screen.noop", show=False),
                Binding("escape", "screen.close", "Close", show=False)]

    # A broken environment's path, how and status, and an `ok`, in the theme's status colours
    # (app.tcss), as the main panes' state cells: in Rich's fixed `green` and `yellow` the
    # light theme's `ok` read at 2.9-3.2:1.
    CLASSED_STYLES = STATE_STYLES
    COMPONENT_CLASSES: ClassVar[set[str]] = set(STATE_STYLES)

    COLUMNS = (
        ("Path", "path", None),
        ("Kind", "kind", None),
        ("Key", "key", None),
        ("How", "how", None),
        ("Status", "status", None),
    )

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._rows: list[EnvRow] = []
        self._gone: set[int] = set()  # the columns fit_widths gave no cells (WHOLE)

    def show(self, rows: list[EnvRow]) -> None:
        self._rows = list(rows)
        texts = [_texts(row) for row in rows]
        labels = [label for label, _key, _width in self.COLUMNS]
        widths = fit_widths(texts, labels, self.size.width - SCROLLBAR,
                            [row.head for row in rows])
        self._gone = {index for index, width in enumerate(widths) if not width}
        cells = [_cells(row, text, widths) for row, text in zip(rows, texts, strict=True)]
        self.sync(cells)
        # Rows that came back after a filter, or a new width: every column is measured again
        # (sync only widens columns for rows it adds).
        self._fit_columns(cells)

    def on_resize(self) -> None:
        # The cells themselves are elided to the width (KeyedTable's FLEX is not used here).
        self.show(self._rows)

    def _give_way(self, widths: dict[int, int], fixed: dict[int, int]) -> set[int]:  # noqa: ARG002
        # KeyedTable hides the columns this returns (no cells, no padding): those fit_widths
        # gave way whole.
        return set(self._gone)


def fit_widths(texts: Sequence[Sequence[str]], labels: Sequence[str], width: int,
               heads: Sequence[int] = ()) -> list[int]:
    """Each column's width in cells (without padding): its widest text or label, then, while
    the sum is more than `width` (0 or less: unknown, nothing given up), the GIVE_WAY columns
    narrowed in turn. `heads`: each row's kept path start (EnvRow.head), 0 when not given."""
    widths = [max([len(label), *(len(row[index]) for row in texts)])
              for index, label in enumerate(labels)]
    if width <= 0:
        return widths
    excess = sum(widths) + PADDING * len(widths) - width
    for index, fewest in GIVE_WAY:
        if excess <= 0:
            break
        if fewest == WHOLE:
            excess -= widths[index] + PADDING
            widths[index] = 0
            continue
        fewest = _fewest(texts, fewest, heads)
        cut = min(excess, max(0, widths[index] - max(fewest, len(labels[index]))))
        widths[index] -= cut
        excess -= cut
    # How and Kind show whole forms (`external`, not `external (/ro`): the cells past the
    # widest form that fits are free, and the path, cut first, gets them back (at 80 columns
    # every path read `…/app/.venv` beside 30 blank cells of How).
    for index, shown in ((HOW, lambda text, width: pick_form(how_forms(text), width)),
                         (KIND, _kind_shown), (KEY, _key_shown)):
        if not widths[index]:
            continue
        used = max([len(labels[index]), *(len(shown(row[index], widths[index])) for row in texts)])
        excess -= widths[index] - used
        widths[index] = used
    if excess < 0:
        whole = max([len(labels[PATH]), *(len(row[PATH]) for row in texts)])
        widths[PATH] += min(-excess, whole - widths[PATH])
    return widths


def _kind_shown(kind: str, width: int) -> str:
    return kind if len(kind) <= width else KIND_SHORT.get(kind, kind)


def _fewest(texts: Sequence[Sequence[str]], fewest: int, heads: Sequence[int] = ()) -> int:
    """The cells a GIVE_WAY step leaves its column (its stand-ins made concrete)."""
    if fewest == PROJECT:
        heads = list(heads) + [0] * (len(texts) - len(heads))
        return min(PROJECT_CELLS, max((len(_project_kept(row[PATH], head))
                                       for row, head in zip(texts, heads, strict=True)),
                                      default=0))
    if fewest == VERSION:
        return key_floor(row[KEY] for row in texts)
    if fewest == SHORT_HOW:
        return max((len(how_forms(row[HOW])[-1]) for row in texts), default=0)
    if fewest == SHORT_KIND:
        return max((len(KIND_SHORT.get(row[KIND], row[KIND])) for row in texts), default=0)
    if fewest == KEY_VERSION:
        return max((len(key_version(row[KEY])) for row in texts), default=0)
    return fewest


def key_version(key: str) -> str:
    """A key's version alone, for a Key column too narrow for `cpython-3.12.8…`: `3.12.8`,
    `3.13.1+freethreaded`, `pypy-3.10.14` (another implementation keeps its name), `missing`
    as it is."""
    end = version_end(key)
    if end >= len(key):
        return key
    return key[len(CPYTHON):end] if key.startswith(CPYTHON) else key[:end]


def _key_shown(key: str, width: int) -> str:
    """The key in `width` cells: whole, cut after its version (`cpython-3.12.8…`), its
    version alone, else that cut."""
    if len(key) <= width:
        return key
    if width > version_end(key):
        return _cut_end(key, width)
    return _cut_end(key_version(key), width)


def how_forms(how: str) -> tuple[str, ...]:
    """How an environment uses its install, fullest first: `pinned to 3.12.8` and `follows
    3.12` give way to their first word (the Key column says the version), `external (path)`
    to `external`; `pin 3.12` and `wants 3.10.16` say nothing without their version and
    stay whole; a parenthesis gives way first."""
    forms = line_forms(how)  # `pin 3.12 (no install satisfies it)` -> `pin 3.12`
    if how.startswith(("pinned to ", "follows ", "external")):
        forms += (how.split(" ", 1)[0],)
    return forms


def _texts(row: EnvRow) -> tuple[str, str, str, str, str]:
    return (row.path, row.kind, row.key, row.how,
            "✗ broken" if row.status == "broken" else row.status)


def elide_path(path: str, width: int) -> str:
    """`path` in at most `width` cells, its start given up first: `…/app/.venv` (its last two
    parts, or more when they fit), else its last `width - 1` characters after `…`."""
    if len(path) <= width:
        return path
    if width <= 1:
        return ELLIPSIS[:max(width, 0)]
    tail = ""
    for at in range(len(path) - 1, 0, -1):
        if path[at] == "/":
            if len(path) - at > width - 1:
                break
            tail = path[at:]
    if tail.count("/") >= 2:
        return ELLIPSIS + tail
    if tail:  # the last part whole (`…/old-notebooks`), not the end of the one before it
        return _with_project_start(path, tail, width)
    # A last part wider than the column: a pin's `.python-version` read `…ersion` in each row.
    before, _, last = path.rpartition("/")
    project = before.rpartition("/")[2]
    shared = (_with_last_word(project, last, width) or _project_only(project, f"/{last}", width)
              if project else None)
    return shared or ELLIPSIS + path[len(path) - (width - 1):]


# The fewest characters of a project dir's start worth showing before its last part.
PROJECT_START = 5


def _with_project_start(path: str, tail: str, width: int) -> str:
    """`…/legacy-project…/.venv`: the last part whole and the start of the dir before it, cut
    after a whole word where one fits. Without it every cut `.venv` read `…/.venv`, which
    tells no project apart."""
    before = path[: len(path) - len(tail)].rsplit("/", 1)
    if len(before) < 2 or not before[1]:
        return ELLIPSIS + tail
    project = before[1]
    room = width - len(ELLIPSIS + "/") - len(ELLIPSIS) - len(tail)
    if room < PROJECT_START:
        return (_with_last_word(project, tail[1:], width) or _project_only(project, tail, width)
                or ELLIPSIS + tail)
    start = project[:room]
    # After a whole word (`legacy-project`) when the cut leaves one of at least PROJECT_START.
    word_end = max(start.rfind(sep) for sep in "-_. ")
    if project[room:room + 1] not in "-_. " and word_end >= PROJECT_START:
        start = start[:word_end]
    return f"{ELLIPSIS}/{start}{ELLIPSIS}{tail}"


def _project_only(project: str, tail: str, width: int) -> str | None:
    """`…/api/.v…`, `…/legac…/.p…`, `…pi/.v…`: the project dir (its start where it does not
    fit, else its end) and the first letter of the last part, when that is a dot name every
    project has (`.venv`, `.python-version`) and no room is left for it whole: at 20 columns
    every venv read `…/.venv`, and at 20x8 a venv and the pin beside it both read `…/api/…`.
    Where not even that fits, the project alone (`…/api/…`, `…/legac…`). None for another last
    part, or when fewer than 2 letters of the project fit."""
    if not tail.startswith("/."):
        return None
    mark = tail[:3] + ELLIPSIS  # `/.v…`, `/.p…`: a venv's, a pin's
    whole = f"{ELLIPSIS}/{project}{mark}"
    if len(whole) <= width:
        return whole
    room = width - len(ELLIPSIS + "/") - len(ELLIPSIS) - len(mark)
    if room >= 2:
        return f"{ELLIPSIS}/{project[:room]}{ELLIPSIS}{mark}"
    room = width - len(ELLIPSIS) - len(mark)
    if room >= 2:  # the end of a short name (`…pi/.v…`: seven cells)
        return f"{ELLIPSIS}{project[-room:]}{mark}"
    whole = f"{ELLIPSIS}/{project}/{ELLIPSIS}"
    if len(whole) <= width:
        return whole
    room = width - len(ELLIPSIS + "/") - len(ELLIPSIS)
    return f"{ELLIPSIS}/{project[:room]}{ELLIPSIS}" if room >= 2 else None


def _with_last_word(project: str, last: str, width: int) -> str | None:
    """`…/pinned/.python…`: the project dir (or its start: `…/paymen…/.python…`) and the last
    part's first word, when the last part whole leaves the project no room. Every pin ends in
    `.python-version`, so at 40 columns each read `…/.python-version`: which project's pin?
    None for a last part of one word (`.venv`) or when fewer than PROJECT_START letters of the
    project fit, or for a last part that names the environment itself (`old-notebooks` in
    `~/.virtualenvs`; a dot file's name is the same in every project)."""
    word_end = min((at for at in (last.find(sep, 1) for sep in "-_ ") if at > 0), default=-1)
    if word_end < 0 or not last.startswith("."):
        return None
    end = f"/{last[:word_end]}{ELLIPSIS}"
    if len(ELLIPSIS + "/" + project + end) <= width:
        return f"{ELLIPSIS}/{project}{end}"
    room = width - len(ELLIPSIS + "/") - len(ELLIPSIS) - len(end)
    if room < PROJECT_START:
        return None
    return f"{ELLIPSIS}/{project[:room]}{ELLIPSIS}{end}"


def _project_kept(path: str, head: int) -> str:
    """The shortest form of a path that still names its project: its kept start and its last
    part (`~/code/shop/…/.venv`), or without a kept start its last two parts (`project_form`)."""
    if head:
        last = path.rstrip("/").rsplit("/", 1)[-1]
        return elide_after(path, head, head + len(f"/{ELLIPSIS}/{last}")) or project_form(path)
    return project_form(path)


def project_form(path: str) -> str:
    """A path's last two parts after `…/` (`…/api/.python-version`), or the path if shorter."""
    parts = path.rstrip("/").rsplit("/", 2)
    if len(parts) < 3:
        return path
    return f"{ELLIPSIS}/{parts[1]}/{parts[2]}"


def _fitted_path(path: str, head: int, width: int) -> str:
    """The path in `width` cells: its project dir kept at its start when that fits beside its
    last part (`~/code/shop/…/sub/.venv`, else `…/shop/…/.venv`, else the start of the
    project's name: `…/paymen…/…/.venv`), else its start given up (`elide_path`)."""
    kept = elide_after(path, head, width)
    project = path.rfind("/", 0, head) + 1  # where the project dir's name starts
    if kept is None and project > 0:
        shorter = f"{ELLIPSIS}/{path[project:]}"
        kept = elide_after(shorter, head - project + len(ELLIPSIS) + 1, width)
        if kept is None:
            kept = _project_name_start(path, project, head, width)
    return kept or elide_path(path, width)


def _project_name_start(path: str, project: int, head: int, width: int) -> str | None:
    """`…/paymen…/…/.venv`: the start of the project dir's name (`path[project:head]`), after a
    whole word where one fits, and the path's last part; None when fewer than PROJECT_START
    letters of it fit, or when nothing lies between it and the last part (`elide_path` keeps
    the start of a parent dir its own way). At 40 columns a venv deep in a project with a long
    name read `…/api/.venv`, which names no project."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if len(path.rstrip("/")) - len(last) - 1 <= head:
        return None
    name = path[project:head]
    room = width - len(f"{ELLIPSIS}/{ELLIPSIS}/{ELLIPSIS}/{last}")
    if room < PROJECT_START:
        return None
    start = name[:room]
    word_end = max(start.rfind(sep) for sep in "-_. ")
    if name[room:room + 1] not in "-_. " and word_end >= PROJECT_START:
        start = start[:word_end]
    return f"{ELLIPSIS}/{start}{ELLIPSIS}/{ELLIPSIS}/{last}"


def _cut_end(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(width - 1, 0)] + ELLIPSIS


def _cells(row: EnvRow, texts: Sequence[str], widths: Sequence[int]) -> Row:
    broken = row.status == "broken"
    path, kind, key, how, status = texts
    return row.id, (
        Text(_fitted_path(path, row.head, widths[PATH]), style=f"bold {BAD}" if broken else ""),
        Text(_kind_shown(kind, widths[KIND])),
        Text(_key_shown(key, widths[KEY]), style="dim" if row.key in NO_KEY_WORDS else ""),
        Text(pick_form(how_forms(how), widths[HOW]), style=BAD if broken else (
            "dim" if row.how.startswith("external") else "")),
        Text(status, style=f"bold {BAD}" if broken else OK if status == "ok" else WAIT),
    )
