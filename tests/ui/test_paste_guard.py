"""app/paste_guard.py and the parser pytui's driver reads the terminal with: a bracketed paste
is one Paste event of its text, an ESC in it as `␛`, however the terminal's bytes are cut into
reads; outside a paste every byte passes as it came (the tmux test: test_ui_paste_escape_tmux)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.app.paste_guard import ESC_PICTURE, MAX_PASTE_CHARS, PASTE_END, PASTE_START, PasteGuard
from pytui.app.terminal_driver import PasteSafeParser, safe_driver
from textual import events
from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver

PASTED = "3.13\x1b\x1buy"


# The terminal falls quiet: a wait for a read passes with nothing read (its tick).
IDLE = None


def _events(parser: object, *chunks: str | None) -> list:
    """What the parser gives for `chunks` read as Textual's input thread reads them: each read
    fed, then the tick that follows every wait; IDLE is a wait with nothing read."""
    out = []
    for chunk in chunks:
        if chunk is not IDLE:
            out += list(parser.feed(chunk))  # type: ignore[attr-defined]
        out += list(parser.tick())  # type: ignore[attr-defined]
    return out


def test_a_paste_holding_escs_is_one_paste_event_and_no_key() -> None:
    # Textual's own parser sent Escape, then `^`, `u`, `y` as keys, and a Paste of `3.13`.
    got = _events(PasteSafeParser(), PASTE_START + PASTED + PASTE_END, IDLE, "x")
    assert [type(event) for event in got] == [events.Paste, events.Key]
    assert got[0].text == "3.13" + ESC_PICTURE * 2 + "uy" and got[1].key == "x"


def test_the_driver_reads_with_the_paste_safe_parser() -> None:
    assert safe_driver(LinuxDriver) is not LinuxDriver
    assert linux_driver.XTermParser is PasteSafeParser


def test_escape_and_keys_outside_a_paste_pass_at_once() -> None:
    guard = PasteGuard()
    assert guard.feed("\x1b") == "\x1b"  # a lone Escape key is not held back
    assert guard.feed("[A") == "[A"
    assert guard.feed("\x1b[200") == "\x1b[200"  # the start of a paste's marker, passed
    assert guard.feed("~a\x1bb\x1b[20") == "~a" + ESC_PICTURE + "b"  # inside: a possible end held
    assert guard.feed("1~\x1b") == PASTE_END  # what follows the end in its burst: held back
    assert guard.idle() == "\x1b"  # the burst over, it was a key
    assert guard.feed("\x1b") == "\x1b" and guard.idle() == ""


_PIECES = st.lists(st.sampled_from(["a", "3", "\x1b", "[", "2", "0", "1", "~", PASTE_START, PASTE_END, "\x1b[201",
                                    "\n"]), max_size=30)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(_PIECES, st.lists(st.integers(0, 200), max_size=8))
def test_any_input_cut_anywhere_gives_the_same_text(pieces: list[str], cuts: list[int]) -> None:
    data = "".join(pieces) + PASTE_END  # (a paste left open keeps a possible end back; one
    # burst: the terminal does not fall quiet in it)
    whole = PasteGuard().feed(data)
    guard = PasteGuard()
    at, parts = 0, []
    for cut in sorted(c % (len(data) + 1) for c in cuts):
        parts.append(guard.feed(data[at:cut]))
        at = cut
    parts.append(guard.feed(data[at:]))
    assert "".join(parts) == whole
    if PASTE_START not in data:
        assert whole == data  # no paste: every character passes as it came
        return
    # Keys are only what came before the first paste: what follows, up to the last end marker
    # (the terminal's, which ends the burst), is pasted text however many markers it holds, and
    # no ESC is left in a paste but its markers'.
    keys = data[:data.index(PASTE_START)]
    assert whole.startswith(keys + PASTE_START), whole
    rest = whole[len(keys):]
    while rest:
        assert rest.startswith(PASTE_START), whole
        body, end, rest = rest[len(PASTE_START):].partition(PASTE_END)
        assert end and "\x1b" not in body, whole
        assert body.replace(ESC_PICTURE, "\x1b") in data
    assert guard.idle() == ""  # nothing held after the burst's last end


def test_a_read_the_guard_holds_back_whole_does_not_end_the_input() -> None:
    # A read that is only the start of the paste's end marker is held back whole: given as "",
    # Textual's parser took it for the end of the input and refused every later read
    # (ParseError in the input thread: no key answered again).
    got = _events(PasteSafeParser(), PASTE_START + "3.13", "\x1b[20", "1~", IDLE, "x")
    assert [type(event) for event in got] == [events.Paste, events.Key]
    assert got[0].text == "3.13" and got[1].key == "x"


def test_a_huge_paste_is_handed_on_to_its_bound_and_the_keys_after_it_pass() -> None:
    # A 1 MB paste read as a terminal writes it (4 KiB reads): Textual's parser took each of its
    # characters (a 10 MB one kept the input thread busy 27 s) to hand on a text no box holds.
    data = PASTE_START + "3.12 " * 200_000 + PASTE_END + "x"
    parser = PasteSafeParser()
    got = _events(parser, *(data[at:at + 4096] for at in range(0, len(data), 4096)), IDLE)
    assert [type(event) for event in got] == [events.Paste, events.Key]
    assert got[0].text == ("3.12 " * 200_000)[:MAX_PASTE_CHARS] and got[1].key == "x"
    # The next paste has its own bound.
    again = _events(parser, PASTE_START + "3.13" + PASTE_END)
    assert [event.text for event in again] == ["3.13"]


# --- an end marker inside a paste's text (tmux sends it as it is: test_ui_paste_escape_tmux) --


def _kinds(got: list) -> list:
    return [type(event).__name__ for event in got]


def test_a_forged_end_marker_in_a_paste_leaves_what_follows_it_text() -> None:
    # Textual read `3.13`, then ESC ESC `u` `y` as keys: Escape closed the filter, and `u`, `y`
    # uninstalled the highlighted build.
    forged = PASTE_START + "3.13" + PASTE_END + "\x1b\x1buy" + PASTE_END
    for chunks in ([forged, IDLE],
                   # the forged end last in one read, the rest in the next
                   [PASTE_START + "3.13" + PASTE_END, "\x1b\x1buy" + PASTE_END, IDLE],
                   # the forged end cut between two reads
                   [PASTE_START + "3.13\x1b[2", "01~\x1b\x1bu", "y\x1b[201", "~", IDLE]):
        got = _events(PasteSafeParser(), *chunks)
        assert _kinds(got) == ["Paste", "Paste"], (chunks, got)
        assert [event.text for event in got] == ["3.13", ESC_PICTURE * 2 + "uy"]


def test_a_forged_start_after_a_forged_end_keeps_the_keys_between_text() -> None:
    got = _events(PasteSafeParser(), PASTE_START + "a" + PASTE_END + "uy" + PASTE_START + "b" + PASTE_END, IDLE)
    assert _kinds(got) == ["Paste", "Paste"]
    assert [event.text for event in got] == ["a", "uy" + ESC_PICTURE + "[200~b"]
    # A paste right after another, in one burst, is two pastes of their own text.
    got = _events(PasteSafeParser(), PASTE_START + "a" + PASTE_END + PASTE_START + "b" + PASTE_END, IDLE)
    assert [event.text for event in got] == ["a", "b"]


def test_keys_after_a_paste_in_its_burst_pass_once_the_terminal_falls_quiet() -> None:
    parser = PasteSafeParser()
    assert _kinds(_events(parser, PASTE_START + "a" + PASTE_END + "j", "k")) == ["Paste"]
    got = _events(parser, IDLE)
    assert _kinds(got) == ["Key", "Key"] and [event.key for event in got] == ["j", "k"]
    # Then keys pass at once again, and the next paste is guarded the same way.
    assert [event.key for event in _events(parser, "x")] == ["x"]
    got = _events(parser, PASTE_START + "b" + PASTE_END + "q" + PASTE_END, IDLE)
    assert [event.text for event in got] == ["b", "q"]


def test_what_is_held_after_a_paste_is_bounded_and_read_as_its_text() -> None:
    # More than MAX_PASTE_CHARS after an end marker, in one burst: no one types that fast, it is
    # the paste's text; it is handed on to its bound and nothing of it is a key.
    data = PASTE_START + "a" + PASTE_END + "u" * (MAX_PASTE_CHARS + 5000) + PASTE_END
    got = _events(PasteSafeParser(), *(data[at:at + 4096] for at in range(0, len(data), 4096)), IDLE)
    assert _kinds(got) == ["Paste", "Paste"]
    assert got[0].text == "a" and got[1].text == "u" * MAX_PASTE_CHARS


def test_input_after_a_paste_is_held_half_a_second_at_most(monkeypatch) -> None:
    # Mouse reports as the mouse moves keep the terminal from falling quiet: what follows the
    # paste (the reports, a key) is held MAX_HOLD_SECONDS at most, then read as it came (the
    # parser's clock moved on by hand, not waited for).
    from pytui.app import terminal_driver

    clock = [100.0]
    monkeypatch.setattr(terminal_driver.time, "monotonic", lambda: clock[0])
    parser = PasteSafeParser()
    got = _events(parser, PASTE_START + "a" + PASTE_END)
    move = "\x1b[<35;10;5M"
    start = clock[0]
    while clock[0] < start + terminal_driver.MAX_HOLD_SECONDS:
        got += _events(parser, move)
        assert _kinds(got) == ["Paste"]  # held, while the mouse moves on
        clock[0] += 0.1
    got += _events(parser, "j")
    kinds = _kinds(got)
    assert kinds[0] == "Paste" and kinds.count("Paste") == 1 and "Key" in kinds, kinds
    assert [event.key for event in got if isinstance(event, events.Key)] == ["j"]
