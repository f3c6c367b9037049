"""A job's row on one line, laid out for a narrow width (the Jobs panel below COMPACT_BELOW,
widgets/job_list.py): the key, then the phase, the percentage, the bytes, the speed and the ETA,
giving way last to first, in columns every row of the panel shares (`CompactColumns`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from pytui.core.keys import parse_key
from pytui.core.progress import whole_percent
from pytui.widgets.format import human_duration, human_size, human_speed, short_size
from pytui.widgets.rows import JobView
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.console import RenderResult as RichRenderResult
from rich.style import Style
from rich.text import Text


def amount_text(view: JobView) -> str:
    if view.ended:
        return ""  # the last phase's count ("1 B / 1 B") says nothing once it is over
    if view.unit == "files":
        total = f"/{view.total}" if view.total is not None else ""
        return f"{view.done}{total} files"
    if view.total:
        return f"{human_size(view.done)} / {human_size(view.total)}"
    return human_size(view.done) if view.done else ""


# The narrow line's key column when no other is given (JobList gives its longest key).
COMPACT_KEY = 37
# The narrow line's phase column when no other is given (`download`, `extract`).
COMPACT_PHASE = 8


class CompactColumns(NamedTuple):
    """The narrow rows' columns, the same for every row of the panel (JobList._align): its
    longest key, its longest version label (the key's stand-in where the whole key does not
    fit) and its longest phase. With the phase column shared, every row puts its whole key or
    its version at the same widths: a `cancelled` row (a cell longer than `download`) fell
    to its version at a width where the others kept their whole keys, and versions of
    different lengths (`3.12.8`, `3.13.1t`) left the phases a cell apart."""

    key: int = COMPACT_KEY
    version: int = 0
    phase: int = COMPACT_PHASE


DEFAULT_COLUMNS = CompactColumns()


def compact_columns(views: Iterable[JobView]) -> CompactColumns:
    """The columns that line up the narrow rows of `views`."""
    views = list(views)
    if not views:
        return CompactColumns()
    return CompactColumns(
        key=max(cell_len(view.title) for view in views),
        version=max(cell_len(version_label(view.title)) for view in views),
        phase=max(COMPACT_PHASE, *(cell_len(view.phase_label or view.phase) for view in views)))


def compact_line(view: JobView, width: int, focused: bool = False,
                 phase_style: Style | str = "", show_eta: bool = True,
                 columns: CompactColumns = DEFAULT_COLUMNS) -> Text:
    """A narrow row in `width` cells. The key is what the row is about: the ETA, the speed,
    the bytes (first to a short form), the percentage and then the phase give way before it
    is cut (it is cut with
    "…" only when it alone is wider than the row). The key is padded to the panel's longest
    key (`columns`) where that fits, its version (where the whole key does not fit) to the
    longest version, the phase to the longest phase, so the rows' columns line up and the
    rows lose the same parts."""
    key = view.title
    phase = view.phase_label or view.phase
    percent = ""
    if not view.ended and view.total:
        percent = f"{whole_percent(view.done, view.total)}%"
    speed = human_speed(view.speed) if not view.ended and view.speed else ""
    eta = human_duration(view.eta) if show_eta and view.eta is not None else ""
    amount = amount_text(view)
    # (text, style, separator before it), in the order they give way last to first; the
    # bytes give way in two steps (`622.6 KiB / 2.9 MiB`, then `622.6K/2.9M`).
    phase_part = (f"{phase:<{columns.phase}}", phase_style, 2)
    percent_part = (f"{percent:>4}" if percent else "", "", 1)
    choices = [[phase_part, percent_part, (f"{amount:>19}", "", 2),
                (f"{speed:>10}" if speed else "", "", 2), (f"{eta:>5}" if eta else "", "", 2)]]
    short = _short_amount(view)
    for keep in (4, 3):
        choices.append(choices[0][:keep])
    choices += [[phase_part, percent_part, (short, "", 2)], [phase_part, percent_part],
                [phase_part], []]
    parts: list[tuple[str, Style | str, int]] = []
    # Where not even the phase fits beside the whole key (40 columns: a running download read
    # `cpython-3.12.8-linux-x86_64-gnu` and nothing else), the key's version says which build
    # (Details has the whole key) and the phase and percentage show.
    whole = key
    for shown in dict.fromkeys((key, version_label(key))):
        key = shown
        # (The version is padded to the longest version, not to the longest whole key.)
        column = (max(cell_len(key), min(columns.key, width)) if key == whole
                  else max(cell_len(key), columns.version))
        if key != whole:
            # Beside the version, the phase alone needs no padding (at 20 columns `done`
            # was left out for want of a column as wide as `download`); the whole keys'
            # rows never use it, or they would keep the key where the others fall to theirs.
            choices.insert(-1, [(phase, phase_style, 2)])
        for choice in choices:
            parts = [part for part in choice if part[0].strip()]
            if column + sum(len(text) + gap for text, _, gap in parts) <= width:
                break
        if parts:
            break
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    if cell_len(key) > width:
        line.append(key[:max(0, width - 1)] + "…", style="bold" if focused else "")
        return line
    line.append(key, style="bold" if focused else "")
    line.append(" " * (column - cell_len(key)))
    for text, style, gap in parts:
        line.append(" " * gap)
        line.append(text, style=style)
    line.rstrip()
    return line


def version_label(key: str) -> str:
    """A key's `KeyFields.version_label` (the key itself when it is no key)."""
    fields = parse_key(key)
    return key if fields is None else fields.version_label


def _short_amount(view: JobView) -> str:
    """`622.6K/2.9M`: the bytes in a few cells (a count of files is short already)."""
    if view.unit != "bytes" or not view.total or view.ended:
        return amount_text(view)

    return f"{short_size(view.done)}/{short_size(view.total)}"


class CompactLine:
    """`compact_line` drawn at whatever width the label has (it follows resizes)."""

    def __init__(self, view: JobView, focused: bool, phase_style: Style | str,
                 show_eta: bool, columns: CompactColumns) -> None:
        self.view, self.focused, self.phase_style = view, focused, phase_style
        self.show_eta, self.columns = show_eta, columns

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RichRenderResult:
        yield compact_line(self.view, options.max_width, self.focused, self.phase_style,
                           self.show_eta, columns=self.columns)
