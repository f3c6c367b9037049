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


def _events(parser: object, *chunks: str) -> list:
    out = []
    for chunk in chunks:
        out += list(parser.feed(chunk))  # type: ignore[attr-defined]
    return out


def test_a_paste_holding_escs_is_one_paste_event_and_no_key() -> None:
    # Textual's own parser sent Escape, then `^`, `u`, `y` as keys, and a Paste of `3.13`.
    got = _events(PasteSafeParser(), PASTE_START + PASTED + PASTE_END, "x")
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
    assert guard.feed("1~\x1b") == PASTE_END + "\x1b"


_PIECES = st.lists(st.sampled_from(["a", "3", "\x1b", "[", "2", "0", "1", "~", PASTE_START, PASTE_END, "\x1b[201",
                                    "\n"]), max_size=30)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(_PIECES, st.lists(st.integers(0, 200), max_size=8))
def test_any_input_cut_anywhere_gives_the_same_text(pieces: list[str], cuts: list[int]) -> None:
    data = "".join(pieces) + PASTE_END  # (a paste left open keeps a possible end back)
    whole = PasteGuard().feed(data)
    guard = PasteGuard()
    at, parts = 0, []
    for cut in sorted(c % (len(data) + 1) for c in cuts):
        parts.append(guard.feed(data[at:cut]))
        at = cut
    parts.append(guard.feed(data[at:]))
    assert "".join(parts) == whole
    # Only ESCs changed, and none is left inside a paste but its end marker's.
    assert whole.replace(ESC_PICTURE, "\x1b") == data
    rest = whole
    while PASTE_START in rest:
        body, _, rest = rest.split(PASTE_START, 1)[1].partition(PASTE_END)
        assert "\x1b" not in body, whole


def test_a_read_the_guard_holds_back_whole_does_not_end_the_input() -> None:
    # A read that is only the start of the paste's end marker is held back whole: given as "",
    # Textual's parser took it for the end of the input and refused every later read
    # (ParseError in the input thread: no key answered again).
    got = _events(PasteSafeParser(), PASTE_START + "3.13", "\x1b[20", "1~", "x")
    assert [type(event) for event in got] == [events.Paste, events.Key]
    assert got[0].text == "3.13" and got[1].key == "x"


def test_a_huge_paste_is_handed_on_to_its_bound_and_the_keys_after_it_pass() -> None:
    # A 1 MB paste read as a terminal writes it (4 KiB reads): Textual's parser took each of its
    # characters (a 10 MB one kept the input thread busy 27 s) to hand on a text no box holds.
    data = PASTE_START + "3.12 " * 200_000 + PASTE_END + "x"
    parser = PasteSafeParser()
    got = _events(parser, *(data[at:at + 4096] for at in range(0, len(data), 4096)))
    assert [type(event) for event in got] == [events.Paste, events.Key]
    assert got[0].text == ("3.12 " * 200_000)[:MAX_PASTE_CHARS] and got[1].key == "x"
    # The next paste has its own bound.
    again = _events(parser, PASTE_START + "3.13" + PASTE_END)
    assert [event.text for event in again] == ["3.13"]
