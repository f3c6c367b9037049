"""core/wait_cut: a lock wait's note cut in one order for the CLI's bar (up to three wrapped
lines, app/progress_board) and the TUI's job row (one line, widgets/cut_rules): what follows
the holder goes first, then what precedes it, then the end of the holder's command; the pid and
the way out stay. Both views, over generated notes and widths (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.app.progress_board import STOP_HINT, _wrapped
from pytui.core.wait_cut import WaitShape, cut_wait_note, widest_in_cells
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
    return WaitShape(lambda form: len(form) <= width,
                     lambda form_of, _most, fixed: widest_in_cells(form_of, fixed, width),
                     lambda text, kept, _joined: text if len(text) <= kept else
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
