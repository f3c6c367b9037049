"""Where a narrow cell or label may be cut, and what it gives way to (no Textual, no Rich).

The rules the tables, the header and the Environments view share, tested at 80, 120 and 200
columns in tests/ui/test_cut_rules.py:

- a build key is never cut inside its version: `cpython-3.14.0rc1…`, never `cpython-3.14.0r…`
  (`key_floor`: the cells a key column keeps at least);
- a text of several words is cut after a whole word, never inside one, and never leaves a
  version half shown (`cut_words`: `pinned to 3.14.0rc1` in 12 cells is `pinned to…`);
- a label gives way to a shorter form that is whole (`pick_form`), dropping its least useful
  part first: `embedded (pbs-installer 2026.10.25)` -> `embedded 2026.10.25` -> `embedded`
  (`label_forms`), never its middle.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from pytui.core.elide import ELLIPSIS

# `cpython-3.14.0rc1`, `pypy-3.10.14`, `cpython-3.13.7+freethreaded`: the implementation and the
# version (with a pre-release or dev suffix), the part of a key that says which build it is.
_KEY_HEAD = re.compile(r"[a-z]+-\d+\.\d+(?:\.\d+)?(?:(?:a|b|rc)\d+)?(?:\.?dev\d+)?(?:\+[a-z0-9]+)?")
_VERSION = re.compile(r"\d+\.\d+")
# A parenthesised part at the end of a label: `embedded (pbs-installer 2026.10.25)`.
_TRAILING_PARENS = re.compile(r"^(?P<head>.+?) \((?P<inner>[^()]*)\)$")


def version_end(key: str) -> int:
    """Cells of `key` up to the end of its version (`cpython-3.14.0rc1-linux-…` -> 17; a
    variant written after the version is not part of it); the whole key if it has none."""
    match = _KEY_HEAD.match(key)
    if match is None:
        return len(key)
    head = match.group(0)
    plus = head.find("+")
    return plus if plus > 0 else len(head)


def key_floor(keys: Iterable[str], minimum: int = 0) -> int:
    """The fewest cells a column of these keys may keep: the longest one up to the end of its
    version, and the "…" after it (at least `minimum`). A key that is shorter is whole."""
    floor = minimum
    for key in keys:
        end = version_end(key)
        need = end if end >= len(key) else end + 1
        if need > floor:
            floor = need
    return floor


# The way out a job's note ends with (app/job_bodies.py): kept when the note is cut.
KEY_HINT = "; c cancels"


def cut_keeping_hint(text: str, width: int) -> str:
    """`text` cut after a word (`cut_words`), its ending `; c cancels` kept: at 80 columns a
    waiting job's line lost it (`… (held by pid 8567: flock…`), the one thing it says to do.
    A lock wait's note keeps its holder too, in core/wait_cut's order (the CLI's bar follows
    it): `waiting… held by pid 8567: flock…; c cancels`."""
    if len(text) <= width or not text.endswith(KEY_HINT):
        return cut_words(text, width)
    from pytui.core.wait_cut import WaitShape, cut_wait_note

    room = width - len(KEY_HINT)

    def before(words: str, kept: int, joined: bool) -> str:
        # Beside the holder, the words before it, when a few fit (else they say nothing).
        if not joined:
            return cut_words(words, kept)
        if len(words) <= kept:  # whole, with the `(` that opens the holder
            return words
        words = words.rstrip(" (")
        # Cut, and so marked `…`, even where only its `(` would not fit.
        lead = cut_words(words, min(kept - 1, len(words) - 1)) if kept - 1 >= 8 and words else ""
        return f"{lead} " if lead else ""

    def command(holder: str, pid_end: int, kept: int) -> str | None:
        shown = cut_words(holder, pid_end + kept)
        return shown if shown.startswith(holder[:pid_end]) else None

    shape = WaitShape.one_line(width, before, command, plain=lambda body: cut_words(body, room))
    shown = cut_wait_note(text, KEY_HINT, shape)
    if shown is not None:
        return shown
    # Not even the holder's pid beside the hint: cut as any line, the hint kept if a word fits.
    head = cut_words(text[:-len(KEY_HINT)], room)
    return head + KEY_HINT if head else cut_words(text, width)


def cut_words(text: str, width: int) -> str:
    """`text` in at most `width` cells, cut after a whole word and ending in "…": a word is
    never cut, nor a version left half shown; a single word (a key, a path) is cut where it
    must. Empty when not even the first word and "…" fit."""
    if len(text) <= width:
        return text
    if width <= 0:
        return ""
    if " " not in text:
        return text[:width - 1] + ELLIPSIS if width > 1 else ELLIPSIS
    words = text.split(" ")
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) + 1 > width:
            break
        kept = candidate
    # A cut after a joining word or a separator reads as a typo (`pinned to…`, `bugfix →…`).
    while kept and (kept.rsplit(" ", 1)[-1] in _JOINERS or kept[-1] in _DANGLING):
        if kept.rsplit(" ", 1)[-1] in _JOINERS:
            kept = kept.rsplit(" ", 1)[0] if " " in kept else ""
        kept = kept.rstrip(_DANGLING)
    return kept + ELLIPSIS if kept else ""


_JOINERS = frozenset({"to", "of", "in", "and", "or", "from", "for", "by", "the", "a", "→", "·"})
_DANGLING = " →-·,:;/("


def pick_form(forms: Sequence[str], width: int) -> str:
    """The first (fullest) of `forms` that fits in `width` cells; the last one cut with
    `cut_words` when none does."""
    for form in forms:
        if len(form) <= width:
            return form
    return cut_words(forms[-1], width) if forms else ""


def label_forms(label: str) -> tuple[str, ...]:
    """A catalog label's forms, fullest first, each whole: a trailing parenthesis gives way
    first to its dated part, then entirely (`embedded (pbs-installer 2026.10.25)`,
    `embedded 2026.10.25`, `embedded`); a second source joined by ` + ` goes before that
    (`versions.json (fetched) + embedded (…)` -> `versions.json (fetched)`)."""
    forms = [label]
    if " + " in label:
        label = label.split(" + ", 1)[0]
        forms.append(label)
    match = _TRAILING_PARENS.match(label)
    if match is not None:
        head, inner = match.group("head"), match.group("inner")
        dated = [word for word in inner.split() if _VERSION.search(word)]
        if dated:
            forms.append(f"{head} {dated[-1]}")
        forms.append(head)
    return tuple(dict.fromkeys(forms))


def cut_parts(parts: Sequence[str], width: int, sep: str = " · ") -> str:
    """As many whole `parts` as fit in `width` cells joined by `sep` (`build 20250818 ·
    install_only …`), " …" after the last one kept when some were left out; a part with a
    number is never cut inside (a size cut reads as another size), one of words only is cut
    after a word (`in Available, Cached…`). Empty when not even the first fits."""
    kept: list[str] = []
    used = 0
    for index, part in enumerate(parts):
        add = len(part) + (len(sep) if kept else 0)
        more = index < len(parts) - 1
        if used + add + (2 if more else 0) > width:
            # A part of words only (`in Available, Cached, Installed`) is cut after a word;
            # one with a number (a size, a date) is whole or left out.
            cut = "" if any(ch.isdigit() for ch in part) or " " not in part else cut_words(
                part, width - used - (len(sep) if kept else 0))
            if cut.endswith(ELLIPSIS) and " " in cut:
                return sep.join([*kept, cut])
            if kept:
                return sep.join(kept) + " " + ELLIPSIS
            return ""
        kept.append(part)
        used += add
    return sep.join(kept)


_PARENS = re.compile(r" \([^()]*\)")


def line_forms(line: str, sep: str = " · ", keep: str = "") -> tuple[str, ...]:
    """A status line's forms, fullest first, each whole: its parenthesised details dropped
    (the last first), then its parts after `sep` (the last first); `keep` (a filter's lead,
    someone's text) stays whole where it is, whatever it holds (`“a (b) · c”: `), as long
    as what precedes it does."""
    mark = next((chr(code) for code in range(*_MARKS) if chr(code) not in line), "") if keep else ""
    masked = line.replace(keep, mark, 1) if mark else line
    forms = [masked]
    while (groups := list(_PARENS.finditer(forms[-1]))):
        last = groups[-1]
        forms.append(forms[-1][:last.start()] + forms[-1][last.end():])
    while sep in forms[-1]:
        forms.append(forms[-1].rsplit(sep, 1)[0])
    return tuple(dict.fromkeys(form.replace(mark, keep, 1) if mark else form for form in forms))


# Where line_forms looks for a character the line lacks, to stand for its kept piece: the
# Private Use Area, which no status line's words use (a line holding all 6400 keeps nothing).
_MARKS = (0xE000, 0xF900)


# Where a word too long for a line (a URL, a path) may be broken: after a `/` where there is
# one (a line then ends at a directory and the next holds whole names), else after a mark
# inside a name, else after a dot; the Details, the dialogs, History and the toasts share it.
_BREAK_TIERS = ("/", "-_+&?=", ".,;")


def name_break(head: str) -> int:
    """Where a word whose first cells are `head` is best broken: the number of its characters
    on the line (after the last `/` in `head`, else the last `-`, …), 0 when it has no mark."""
    for marks in _BREAK_TIERS:
        at = max(head.rfind(mark) for mark in marks)
        if at > 0:
            return at + 1
    return 0


def fold_ranges(plain: str, width: int,
                char_cells: Callable[[str], int] | None = None) -> list[tuple[int, int]]:
    """(start, stop) offsets of the lines `plain` wraps to in `width` cells: at spaces, and a
    word longer than a line (a URL, a path) where `name_break` says (`…/download/20250818/` then
    `cpython-3.12.8%2B…-` then `unknown-linux-gnu…`), never inside a name (`unkn` / `own`)
    unless it has no mark. `char_cells` gives a character's cells (2 for a wide one, 0 for a
    combining one); without it each character is one cell."""
    ranges: list[tuple[int, int]] = []
    width = max(width, 1)
    cells = None if char_cells is None or plain.isascii() else char_cells
    start = 0
    for line in plain.split("\n"):
        pos, end = start, start + len(line)
        while (fit := _fitting(plain, pos, end, width, cells)) < end - pos:
            window = plain[pos:pos + fit + 1]
            space = window.rfind(" ")
            if space > 0:
                cut = _start_long_word_here(plain, pos + space + 1, pos + fit, end, width, cells)
                if cut:
                    ranges.append((pos, cut))
                    pos = cut
                    continue
                ranges.append((pos, pos + space))
                pos += space + 1
                continue
            cut = pos + (name_break(plain[pos:pos + fit]) or fit)
            ranges.append((pos, cut))
            pos = cut
        ranges.append((pos, end))
        start = end + 1
    return ranges


def _fitting(plain: str, pos: int, end: int, width: int, cells: Callable[[str], int] | None) -> int:
    """How many characters of `plain[pos:end]` fit in `width` cells (at least one: a character
    wider than the line is a line of its own)."""
    if cells is None:
        return min(width, end - pos)
    used = 0
    for index in range(pos, end):
        used += cells(plain[index])
        if used > width:
            return max(index - pos, 1)
    return end - pos


def _start_long_word_here(plain: str, word: int, room_end: int, end: int, width: int,
                          cells: Callable[[str], int] | None) -> int:
    """Where to cut a word starting at `word` that is longer than a whole line (a URL, a path):
    on this line, after a mark that fits before `room_end`, rather than alone on the next line
    (`Downloads` alone, its URL below); 0 to break at the space before it instead."""
    after = plain.find(" ", word, end)
    stop = end if after < 0 else after
    if _fitting(plain, word, stop, width, cells) >= stop - word:
        return 0
    inside = name_break(plain[word:room_end])
    return word + inside if inside else 0
