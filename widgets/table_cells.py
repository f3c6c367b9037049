"""Drawing one line of a table cell as Rich would, without Rich's layout machinery.

DataTable renders each cell through Padding, Styled and `console.render_lines`, about a
quarter of a millisecond a cell; `cell_segments` builds the same segments directly for the
common case (one printable line), and hands everything else to Rich (`rich_cell`).
tests/ui/test_keyed_table.py checks the two against each other.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.renderables.styled import Styled

_EMPTY = Text("")
_MARKUP_TEXT: dict[str, Text] = {}
MAX_MARKUP_KEPT = 4096


class FormText(Text):
    """A cell with a shorter whole form (`ok +tree` / `ok`): drawn instead of cutting the
    full one when its column is narrower than the full text (KeyedTable.SHORT_FORMS). The
    short form may have one of its own (`bugfix → 2027-10` / `bugfix → 2027` / `bugfix…`)."""

    short: Text

    def __init__(self, text: str = "", style: str = "", *, short: Text) -> None:
        super().__init__(text, style=style)
        self.short = short


def size_cell(size: int) -> FormText:
    """A size, right-aligned, whose short form (`59.1M`) is drawn where `59.1 MiB` does not fit
    (the Cached and Installed panes at 80 columns)."""
    from pytui.widgets.format import human_size, short_size

    cell = FormText(human_size(size), short=Text(short_size(size), justify="right"))
    cell.justify = "right"
    return cell


# The most forms a cell is looked through for one that fits (a FormText's short may be one).
MAX_FORMS = 4


def cell_forms(cell: Text) -> tuple[Text, ...]:
    """`cell` and each shorter form of it, widest first (at most MAX_FORMS)."""
    forms = [cell]
    while isinstance(cell, FormText) and len(forms) < MAX_FORMS:
        cell = cell.short
        forms.append(cell)
    return tuple(forms)


def fitting_form(cell: object, inner: int) -> object:
    """`cell`, or, when it needs more than `inner` cells, the first of its shorter forms that
    fits (the shortest when none does)."""
    for _ in range(MAX_FORMS - 1):  # (drawn for each cell: no tuple of forms built)
        if not isinstance(cell, FormText) or cell.cell_len <= inner:
            return cell
        cell = cell.short
    return cell


def form_at(cell: object, level: int) -> object:
    """`cell`'s `level`-th shorter form (0: itself), its shortest when it has fewer: every row
    of a column drawn at one level reads alike (`bugfix…` beside `security…`)."""
    for _ in range(min(level, MAX_FORMS - 1)):
        if not isinstance(cell, FormText):
            break
        cell = cell.short
    return cell


def one_line_text(cell: object) -> Text | None:
    """The cell as DataTable reads it (a string is markup), when it is one plain line that
    `cell_segments` renders as Rich would; None otherwise."""
    if isinstance(cell, str):
        text = _MARKUP_TEXT.get(cell)
        if text is None:
            text = Text.from_markup(cell) if "[" in cell else Text(cell)
            if len(_MARKUP_TEXT) >= MAX_MARKUP_KEPT:
                _MARKUP_TEXT.clear()
            _MARKUP_TEXT[cell] = text
    elif isinstance(cell, Text):
        text = cell
    else:
        return None
    if not text.plain:  # DataTable draws any empty cell as a bare Text("")
        return _EMPTY
    # Tabs, newlines and other controls, and ellipsis cropping, follow Rich's own rules.
    if not text.plain.isprintable() or text.overflow == "ellipsis" or text.end != "\n":
        return None
    return text


def cell_segments(text: Text, width: int, padding: int, pre_style: Style, post_style: Style,
                  console: Console, *, ellipsis: bool = False) -> list[Segment]:
    """What Rich renders for `Styled(Padding(text, (0, padding)), pre_style, post_style)` on
    one line of `width` cells, without wrapping; with `ellipsis`, text that does not fit ends
    in "…" (in the style of the last cell kept) instead of being cut."""
    justify = text.justify
    # Rich styles a blank by its justification, strips before right-justifying and splits
    # the gap when centring: those follow Rich's own rules.
    if not text.plain or justify == "center" or (
            justify == "right" and text.plain[-1:].isspace()):
        return rich_cell(text, width, padding, pre_style, post_style, console)
    inner = max(0, width - 2 * padding)
    base = text.style if isinstance(text.style, Style) else console.get_style(text.style)
    # Rich puts the text's own style under its spans (Text.join makes it the first span).
    content = [segment for segment in Segment.apply_style(text.render(console, end=""), base)
               if segment.text]
    length = sum(segment.cell_length for segment in content)
    if not inner:  # Rich shows no text in no cells, not even characters of no width (U+FFA0)
        content, length = [], 0
    elif length > inner:
        keep = inner - 1 if ellipsis and inner > 0 else inner
        if ellipsis and keep > 0:
            keep = _word_end(text.plain, keep)
        content = [segment for segment in Segment.adjust_line_length(content, keep)
                   if segment.text]
        if ellipsis and inner > 0:
            content.append(Segment("…", content[-1].style if content else base))
        length = sum(segment.cell_length for segment in content)
    gap = inner - length
    line = [Segment(" " * padding)] if padding else []
    if gap and justify == "right":
        line.append(Segment(" " * gap, base))
        line.extend(content)
    else:
        line.extend(content)
        if gap:
            if justify == "left":  # "full" leaves a last (here: only) line alone
                line.append(Segment(" " * gap, base))
            else:
                line.append(Segment(" " * gap))
    if padding:
        line.append(Segment(" " * padding))
    return list(Segment.apply_style(line, pre_style, post_style))


# What a cut before a word leaves dangling: `bugfix → 2027-10` cut at 9 reads `bugfix…`.
_DANGLING = " →-·,:;/"


def _word_end(plain: str, keep: int) -> int:
    """Cells to keep of `plain` cut to `keep` before an "…": up to the last whole word when
    the cut falls inside a later word of several (`bugfix →…` reads `bugfix…`); a text with
    no space (a key, a file name) is cut where it is."""
    if " " not in plain[:keep]:
        return keep
    head = plain[:keep]
    if plain[keep:keep + 1] not in ("", " ", "-"):  # (`EOL 2024-10` cut at 8: `EOL 2024…`)
        head = head.rsplit(" ", 1)[0]  # the word the cut falls in goes whole
    words = head.rstrip(_DANGLING)
    return cell_len(words) if words else keep


def rich_cell(text: Text, width: int, padding: int, pre_style: Style, post_style: Style,
               console: Console) -> list[Segment]:
    """The same line as Rich renders it (the reference `cell_segments` is checked against)."""
    options = console.options.update_dimensions(width, 1).update(no_wrap=True)
    lines = console.render_lines(Styled(Padding(text, (0, padding)), pre_style=pre_style,
                                        post_style=post_style), options)
    return lines[0]


