"""core/wait_cut: a lock wait's note cut in one order for the CLI's bar (up to three wrapped
lines, app/progress_board) and the TUI's job row (one line, widgets/cut_rules): what follows
the holder goes first, then what precedes it, then the end of the holder's command; the pid and
the way out stay. Both views, over generated notes and widths (Hypothesis)."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pytui.app.progress_board import STOP_HINT, _wrapped
from pytui.core.wait_cut import WaitShape, cut_wait_note
from pytui.widgets.cut_rules import KEY_HINT, cut_keeping_hint

PROPS = settings(max_examples=300, deadline=None, derandomize=True, database=None)
AFTER = ", which is changing the install root; up to 300s, UV_LOCK_TIMEOUT)"

notes = st.builds(
    lambda path, pid, command: (f"waiting for the lock on {path} (", f"held by pid {pid}: {command}", AFTER),
    st.sampled_from(["~/.local/share/uv/python", "/srv/" + "d" * 90 + "/python", "/r"]),
    st.integers(1, 4_194_304),
    st.lists(st.sampled_from(["uv", "python", "install", "3.12", "flock", "/tmp/r/.lock", "sleep",
                              "x" * 30]), min_size=1, max_size=6).map(" ".join),
)


def _check(shown: str, parts: tuple[str, str, str], hint: str, width: int) -> None:
    """Compared without spaces: the CLI's lines break a long word where they must."""
    before, holder, after = (part.replace(" ", "") for part in parts)
    pid = holder.split(":")[0]
    text = shown.replace(" ", "")
    assert text.endswith(hint.replace(" ", "")), (width, shown)
    assert pid in text, (width, shown)  # the pid stays whole (never `held by pid 42…`)
    if "whichis" in text:  # what follows the holder goes first
        assert holder in text and before.rstrip("(") in text, (width, shown)
    if holder not in text:  # the command's end goes last: what follows it is gone by then
        assert "which" not in text and "300s" not in text, (width, shown)


@PROPS
@given(notes, st.integers(40, 220))
def test_the_tui_row_cuts_a_wait_note_in_the_one_order(parts: tuple[str, str, str], width: int) -> None:
    text = "".join(parts) + KEY_HINT
    shown = cut_keeping_hint(text, width)
    assert len(shown) <= width
    if len(parts[1].split(":")[0]) + len("…") + len(KEY_HINT) <= width:
        _check(shown, parts, KEY_HINT, width)


@PROPS
@given(notes, st.integers(30, 220))
def test_the_cli_bar_cuts_a_wait_note_in_the_one_order(parts: tuple[str, str, str], width: int) -> None:
    hint = f"; {STOP_HINT}"
    lines = _wrapped("".join(parts) + hint, width)
    assert len(lines) <= 3 and all(len(line) <= max(20, width - 3) + 2 for line in lines), lines
    _check("".join(line.strip() for line in lines), parts, hint, width)


def _cells(width: int) -> WaitShape:
    """One line of `width` cells: a part's end gives way, then "…"."""
    return WaitShape.one_line(width, lambda text, kept, _joined: text if len(text) <= kept else
                              (text[:kept - 1] + "…" if kept > 1 else ""),
                              lambda holder, pid_end, kept: holder[:pid_end + kept - 1] + "…" if kept else None)


def test_the_order_on_one_line_of_cells() -> None:
    """The owner alone, on a plain shape: each part gives way in turn as the line narrows."""
    note = "waiting on /root (pid 42: uv install) for long; stop"
    shown = {width: cut_wait_note(note, "; stop", _cells(width)) for width in (52, 43, 30, 25, 20, 13, 12)}
    assert shown == {
        52: note,
        43: "waiting on /root (pid 42: uv install…; stop",  # what follows the holder went
        30: "wait…pid 42: uv install…; stop",  # then what precedes it
        25: "pid 42: uv install…; stop",
        20: "pid 42: uv in…; stop",  # then the command's end
        13: "pid 42…; stop",
        12: None,  # not even the pid, "…" and the way out: the view cuts it as any line
    }, shown
    assert cut_wait_note("no way out named", "; stop", _cells(5)) is None


def _cut_at_boundaries(shown: str, note: str) -> bool:
    """Whether every piece of `shown` between the "…" it adds is a run of `note` that starts
    and ends at a word or a path component (never `waiting f…`, `/r…t/.local`, `/.lo`)."""
    for piece in (part.strip(" (") for part in shown.split("…")):
        if not piece:
            continue
        found, at = False, note.find(piece)
        while at >= 0 and not found:
            end = at + len(piece)
            starts = at == 0 or note[at - 1] in " (" or piece[0] in "/;,)"
            ends = end == len(note) or note[end] in " ,;:)" or piece[-1] in "/("
            found, at = starts and ends, note.find(piece, at + 1)
        if not found:
            return False
    return True


def _rejoined(lines: list[str]) -> str:
    """The CLI's wrapped lines as one text: a line that ends in `/` broke inside a path."""
    text = ""
    for line in (line.strip() for line in lines):
        text += line if not text or text.endswith("/") else f" {line}"
    return text


LOCK_NOTE = ("waiting for the lock on /root/.local/share/uv/python (held by pid 8567: flock "
             "/root/.local/share/uv/python/.lock sleep 300, which is changing the install root; "
             "up to 300s, UV_LOCK_TIMEOUT)")


@pytest.mark.parametrize("width", [40, 44, 50, 60, 80])
def test_a_wait_note_is_cut_at_words_and_path_components(width: int) -> None:
    """A newcomer's 40-column terminal read `waiting for the loc…h35-988eljeh/root` under the
    bar (the middle cut took part of `lock` and of a path component) and the holder's command
    cut inside its lock file's path: both views cut only where a word or a path component
    ends, `…` where text went."""
    cli = _rejoined(_wrapped(f"{LOCK_NOTE}; {STOP_HINT}", width))
    assert _cut_at_boundaries(cli, f"{LOCK_NOTE}; {STOP_HINT}"), cli
    assert "pid 8567" in cli and cli.endswith(STOP_HINT), cli
    tui = cut_keeping_hint(LOCK_NOTE + KEY_HINT, width - 4)
    assert _cut_at_boundaries(tui, LOCK_NOTE + KEY_HINT), tui
    assert "pid 8567" in tui and tui.endswith(KEY_HINT), tui


@PROPS
@given(notes, st.integers(30, 220))
@example(("waiting for the lock on ~/.local/share/uv/python (", "held by pid 1: " + "x" * 30,
          ", which is changing the install root; up to 300s, UV_LOCK_TIMEOUT)"), 34)
def test_both_views_cut_a_wait_note_at_words_and_path_components(parts: tuple[str, str, str],
                                                                width: int) -> None:
    note = "".join(parts)
    # A name the line cannot hold breaks where it must: the bar's room is width - 3, and a cut
    # may attach "…;" to the name it ends on (30 x's at width 34 broke, rightly).
    if max(len(name) for name in re.split(r"[ /]", note)) <= width - 5:
        cli = _rejoined(_wrapped(f"{note}; {STOP_HINT}", width))
        assert _cut_at_boundaries(cli, f"{note}; {STOP_HINT}"), (width, cli)
    if width >= 40:
        tui = cut_keeping_hint(note + KEY_HINT, width)
        assert _cut_at_boundaries(tui, note + KEY_HINT), (width, tui)


def test_the_tui_row_keeps_the_holders_command_whole_where_it_fits() -> None:
    """At 120x36 the row read `waiting for the lock on ~/.local/share/uv/python (held by pid
    8567: flock…; c cancels`, the command cut before the words preceding the holder, though it
    was whole at 76 cells (papercut35): the words before the holder give way first."""
    note = LOCK_NOTE.replace("/root/.local/share/uv/python (", "~/.local/share/uv/python (") + KEY_HINT
    holder = "held by pid 8567: flock /root/.local/share/uv/python/.lock sleep 300"
    for width in (80, 100, 116, 120):
        shown = cut_keeping_hint(note, width)
        assert f"{holder}…{KEY_HINT}" in shown and len(shown) <= width, (width, shown)
    assert cut_keeping_hint(note, 120) == f"waiting for the lock on… {holder}…{KEY_HINT}"
    # The words before it whole keep the `(` that opens the holder; a cut one says so by `…`.
    short = f"waiting for the lock on /r (held by pid 1: python python{AFTER}{KEY_HINT}"
    assert cut_keeping_hint(short, 68) == f"waiting for the lock on /r (held by pid 1: python python…{KEY_HINT}"
    assert cut_keeping_hint(short, 67) == f"waiting for the lock on… held by pid 1: python python…{KEY_HINT}"
    # Where the holder fits whole but not with the `…` after it, its end goes, marked (it
    # read `held by pid 10000: flock /tmp/r/.lock xx…x; c cancels`, as if nothing followed);
    # the words before it take the room that left.
    holder = "held by pid 10000: flock /tmp/r/.lock " + "x" * 30
    long_one = f"waiting for the lock on /r ({holder}{AFTER}{KEY_HINT}"
    assert cut_keeping_hint(long_one, len(holder) + len(KEY_HINT)) == \
        f"waiting for the lock on /r (held by pid 10000: flock /tmp/r/.lock…{KEY_HINT}"


@PROPS
@given(notes, st.integers(40, 219))
def test_a_wider_tui_row_never_shows_less_of_the_holder(parts: tuple[str, str, str], width: int) -> None:
    text = "".join(parts) + KEY_HINT
    narrow, wide = cut_keeping_hint(text, width), cut_keeping_hint(text, width + 1)
    if parts[1] in narrow:
        assert parts[1] in wide, (width, narrow, wide)
