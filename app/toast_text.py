"""How a notification's text is worded so Textual's toast wraps it well (no Textual here).

Textual wraps a toast only at whitespace and folds a longer word wherever the line ends, so a
URL or a path broke in the middle of a name (`…/uv/main/crat` / `es/uv-python/…`). The toast
names the thing briefly (a URL as its host and file name; History keeps the whole line), and a
word still wider than the toast is cut after a `/` (else after `-`, `_`, `+` or `.`: the rule
Details and dialogs wrap by, widgets/cut_rules.name_break) with a line break of its own, so
Textual never has to fold it. A toast taller than the screen is cut to fit, its last line
saying that History (H) has the rest: the rack scrolled to its end, so on a 40x12 terminal the
catalog's refresh failure showed its last lines only, its title and cause above the edge.

A toast's text reaches Textual already wrapped (each line fits, so Textual wraps nothing), with
a size and its unit kept on one line: Textual breaks a line at any space, a no-break one too,
and an uninstall's toast read `…; 97.9` / `KiB stay in the cache's kept tree` at 80 columns.

On a screen under NARROW_TOAST_BELOW columns (40x12) a toast takes the screen's width, without
its blank rows, and says at most NARROW_TOAST_LINES lines (a third of a taller screen's; History
has the rest): at half the
width, 16 cells, the refresh failure was 20 lines over the right half of the screen for 10 s,
and a host name too long for the line was folded inside a name (`githubuserconten` / `t.com`).
"""

from __future__ import annotations

import re
import textwrap
from urllib.parse import unquote, urlsplit

from pytui.widgets.cut_rules import fold_ranges
from rich.cells import cell_len, get_character_cell_size

# Textual's Toast: `width: 60; max-width: 50%` of its rack (the screen less the rack's
# scrollbar, two cells: with one, a toast at 40 or 81 columns was worded a cell too wide and
# Textual wrapped its lines again; none under NARROW_TOAST_BELOW, app.tcss), one cell of border
# and two of padding.
TOAST_WIDTH = 60
TOAST_FRAME = 3
RACK_SCROLLBAR = 2
# Rows a toast takes besides its text (its title, padding above and below, margin above) and
# the rack's margin under it (RACK_MARGIN, the footer's row; the main screen's toasts sit
# higher, above the Jobs panel: app/toast_shelf.lift_toasts).
TOAST_ROWS_BESIDE_TEXT = 5
RACK_MARGIN = 1
# Under this many columns a toast is the screen's width (app.tcss `Screen.-slim Toast`, no
# padding rows: TOAST_ROWS_BESIDE_TEXT less 2) and says at most NARROW_TOAST_LINES lines, or a
# third of a taller screen's rows (40x24: 7): the 3 of 40x12 hid a first install's PATH note.
NARROW_TOAST_BELOW = 60
NARROW_TOAST_LINES = 3
# The last line of a toast cut to the screen's height (History keeps every toast whole).
MORE_IN_HISTORY = "… more: H"

# A byte count or a speed as core/units.format_bytes writes it (`97.9 KiB`, `512 B`, `1.2 MiB/s`):
# one word when pytui wraps a toast.
_SIZE = r"\d[\d.,]* (?:B|KiB|MiB|GiB|TiB)(?:/s)?(?![\w/])"
# A word for wrapping: a run of non-space characters, a size's space included.
_WORD = re.compile(rf"(?:{_SIZE}|\S)+")
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+", re.IGNORECASE)
# Closing punctuation after a URL in a sentence is not part of it.
_TRAILING = ".,;:)]}'\""


def toast_text_width(screen_width: int) -> int:
    """The cells a toast's text gets on a screen this wide."""
    if screen_width < NARROW_TOAST_BELOW:
        return max(10, screen_width - TOAST_FRAME)
    return max(10, min(TOAST_WIDTH, (screen_width - RACK_SCROLLBAR) // 2) - TOAST_FRAME)


def short_url(url: str) -> str:
    """`host[:port]/…/file name` (the name unquoted: `+`, not `%2B`); `host/file` when that is all."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = parts.netloc.rpartition("@")[2]  # host and port, never a user or a password
    segments = [s for s in parts.path.split("/") if s]
    if not host or not segments:
        return url
    name = unquote(segments[-1])
    return f"{host}/{name}" if len(segments) == 1 else f"{host}/…/{name}"


def shorten_urls(text: str) -> str:
    """Every URL in `text` as `short_url` says it."""
    def one(match: re.Match[str]) -> str:
        url = match.group(0)
        kept = url.rstrip(_TRAILING)
        return short_url(kept) + url[len(kept):]
    return _URL.sub(one, text)


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _cut(word: str, width: int) -> list[str]:
    """`word` in pieces of at most `width` cells, each ending where a name may end: the rule
    Details and the dialogs wrap by (cut_rules.fold_ranges, by cells: a CJK folder name
    counted by characters was twice as wide as its line, and Textual folded it again)."""
    return [word[first:last] for first, last in fold_ranges(word, width, get_character_cell_size)]


def break_long_words(text: str, width: int) -> str:
    """Each word wider than `width` cut into lines of its own at a `/` (see `_cut`)."""
    def one(match: re.Match[str]) -> str:
        word = match.group(0)
        return word if _cells(word) <= width else "\n".join(_cut(word, width))
    return re.sub(r"\S+", one, text)


def _wrapped(paragraph: str, width: int) -> list[str]:
    """`paragraph` in lines of at most `width` cells, broken at spaces but never inside a size
    (`_WORD`); as given when it fits. A word wider than the line (break_long_words cut every
    other one) is one line, a size too wide for it broken at its space."""
    if _cells(paragraph) <= width:
        return [paragraph]
    words: list[str] = []
    for word in _WORD.findall(paragraph):
        words.extend(word.split(" ") if _cells(word) > width else [word])
    lines: list[str] = []
    for word in words:
        if lines and _cells(lines[-1]) + 1 + _cells(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def wrap_whole_sizes(text: str, width: int) -> str:
    """`text` wrapped to `width` cells as Textual would (at spaces), each size whole on a line."""
    return "\n".join(line for paragraph in text.split("\n")
                     for line in _wrapped(paragraph, width))


def toast_text_lines(screen_height: int, screen_width: int = 0, title_lines: int = 1,
                     lifted: int = 0) -> int:
    """The lines a toast's text gets on a screen this tall and wide (0: not known, no bound),
    under a title of `title_lines` lines, its rack `lifted` rows above the footer (above the
    Jobs panel: a narrow screen's third is still of the whole screen's rows)."""
    if screen_height <= 0:
        return 0
    if 0 < screen_width < NARROW_TOAST_BELOW:
        room = screen_height - lifted - (TOAST_ROWS_BESIDE_TEXT - 2) - (title_lines - 1)
        return max(2, min(max(NARROW_TOAST_LINES, (screen_height - 3) // 3), room))
    return max(2, screen_height - lifted - TOAST_ROWS_BESIDE_TEXT - (title_lines - 1))


def toast_rows(message: str, title: str, screen_width: int, text_lines: int | None = None) -> int:
    """The rows a toast worded by `toast_message` takes on a screen this wide, its margin
    above included (a narrow screen's toast has no padding rows; one with no title no title
    line). `text_lines`: its title and text as Textual wraps them (app/toast_shelf measures
    with Textual's own wrapping; a markup text with brackets is wrapped by Textual, not here),
    else counted from the text as worded."""
    beside = TOAST_ROWS_BESIDE_TEXT - RACK_MARGIN - 1 - (2 if 0 < screen_width < NARROW_TOAST_BELOW else 0)
    if text_lines is not None:
        return beside + text_lines
    width = toast_text_width(screen_width)
    return beside + (title_lines(title, width) if title else 0) + message.count("\n") + 1


def title_lines(title: str, width: int) -> int:
    """The lines Textual wraps a toast's title to in `width` cells (at spaces; a word longer
    than a line folded)."""
    return sum(len(textwrap.wrap(line, max(width, 1), break_on_hyphens=False)) or 1
               for line in title.split("\n"))  # toast_title's breaks


def fit_lines(text: str, width: int, lines: int) -> str:
    """`text` as Textual wraps it in `width` cells (at white space; its words already fit),
    cut to `lines` lines when longer, the last one MORE_IN_HISTORY; as given when it fits."""
    if lines <= 0:
        return text
    wrapped = [line for paragraph in text.split("\n")
               for line in (textwrap.wrap(paragraph, width, break_long_words=False,
                                          break_on_hyphens=False) or [""])]
    if len(wrapped) <= lines:
        return text
    return "\n".join([*wrapped[:lines - 1], MORE_IN_HISTORY])


def toast_message(text: str, screen_width: int, screen_height: int = 0, *,
                  markup: bool = False, title: str = "", lifted: int = 0) -> str:
    """What a toast titled `title` shows for `text` on a screen `screen_width` by
    `screen_height` cells, its rack `lifted` rows higher than Textual's (a markup text is not
    cut to the height: a cut could split a tag)."""
    width = toast_text_width(screen_width)
    worded = break_long_words(shorten_urls(text), width)
    if markup:
        # A text with no tag reads the same as markup: wrapped as a plain one (a tag's
        # characters are not drawn, so a tagged text is left to Textual).
        return worded if "[" in worded else wrap_whole_sizes(worded, width)
    worded = wrap_whole_sizes(worded, width)
    lines = toast_text_lines(screen_height, screen_width, title_lines(title, width), lifted)
    return fit_lines(worded, width, lines)


def toast_title(title: str, screen_width: int) -> str:
    """A title's word wider than the toast (a long key: `cpython-3.13.7+freethreaded-linux-
    x86_64-gnu failed (H: history)`) cut where a name may end, as the text's words are: Textual
    folded it at the edge, inside a name (`…-linux-x8` / `6_64-gnu`). Such a title is wrapped
    here whole, at spaces and those cuts (as Details wraps), so it takes no more lines than
    Textual's fold did; any other is left to Textual."""
    width = toast_text_width(screen_width)
    if all(_cells(word) <= width for word in title.split()):
        return title
    return "\n".join(title[first:last].strip()
                     for first, last in fold_ranges(title, width, get_character_cell_size))


def copied_message(text: str) -> str:
    """The `y` toast: a URL names its host and file (the whole URL is on the clipboard and
    in History); a path is shown whole (it breaks after a `/`)."""
    if _URL.fullmatch(text):
        return f"{short_url(text)} (the whole URL is on the clipboard and in History)"
    return text
