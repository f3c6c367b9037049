"""app/terminal_strings.py through the parser pytui's driver reads with: an OSC, DCS, SOS, PM or
APC string in the input is dropped whole, however long and however the reads cut it, and the
keys around it pass (Textual sent a string's every character as a key: a 10 MB OSC was ten
million key presses; the tmux test: test_ui_terminal_string_tmux)."""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.app.terminal_driver import PasteSafeParser
from pytui.app.terminal_strings import StringGuard
from textual import _parser as textual_parser
from textual import events


def _keys(*chunks: str) -> list[str]:
    parser = PasteSafeParser()
    got = []
    for chunk in chunks:
        got += [event.key for event in parser.feed(chunk) if isinstance(event, events.Key)]
    return got


def test_a_long_osc_string_is_no_key() -> None:
    body = "A" * 1_000_000
    assert _keys("x\x1b]0;" + body[:4000], body[4000:] + "\x07", "y") == ["x", "y"]


def test_every_kind_of_string_ends_at_its_terminator() -> None:
    for introducer in "]PX^_":
        assert _keys(f"a\x1b{introducer}1;2;payload\x1b\\b") == ["a", "b"], introducer
    assert _keys("a\x1bPq#0;2;0;0;0\x1b\\", "b") == ["a", "b"]  # a sixel DCS


def test_an_st_cut_between_reads_is_dropped_and_another_esc_passes() -> None:
    assert _keys("\x1b]11;rgb:0/0/0\x1b", "\\x") == ["x"]
    assert _keys("\x1b]11;rgb:0/0/0\x1b", "[A") == ["up"]  # the next sequence after the string


def test_alt_bracket_typed_is_not_a_string() -> None:
    guard = StringGuard()
    assert guard.feed("\x1b]") == "\x1b]"  # Alt+] alone in a read passes as typed
    assert guard.feed("q") == "q"


_PIECES = st.lists(st.sampled_from(["a", "q", ";", "\\", "\x07", "\x1b", "\x1b]0;", "\x1bPx", "\x1b_y",
                                    "\x1b\\", "\x1b[A", "AAAA"]), max_size=30)


def _inside_introducer(data: str, cut: int) -> bool:
    return any(at >= 0 and data[at] == "\x1b" and data[at + 1:at + 2] in set("]PX^_") - {""}
               for at in (cut - 1, cut - 2))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(_PIECES, st.lists(st.integers(0, 200), max_size=8))
def test_any_input_cut_anywhere_gives_the_same_text(pieces: list[str], cuts: list[int]) -> None:
    """Cut anywhere but inside an introducer (right after it is where `Alt+]` typed ends a read;
    between its ESC and its second character, the ESC has gone to the parser already, where it
    reads as Escape), the same text passes, and no string's introducer is in it with anything
    after it."""
    data = "".join(pieces)
    whole = StringGuard().feed(data)
    guard = StringGuard()
    at, parts = 0, []
    for cut in sorted(c % (len(data) + 1) for c in cuts):
        if _inside_introducer(data, cut):
            continue
        parts.append(guard.feed(data[at:cut]))
        at = cut
    parts.append(guard.feed(data[at:]))
    assert "".join(parts) == whole, (data, parts)
    for at, char in enumerate(whole[:-2]):
        assert not (char == "\x1b" and whole[at + 1] in "]PX^_"), (data, whole)


def test_a_huge_csi_is_no_key() -> None:
    # `ESC[1;1;…m` of 1 MB in 4 KiB reads: Textual typed a million keys (`1` moved the focus).
    data = "x\x1b[" + "1;" * 500_000 + "my"
    assert _keys(*(data[at:at + 4096] for at in range(0, len(data), 4096))) == ["x", "y"]
    # Cut between its ESC and `[`: the ESC is the parser's already, and takes what follows the
    # dropped CSI as one key (here `ESC [ b`, shift+down), not five thousand.
    got = _keys("a\x1b", "[" + "9" * 5000 + "Hb", "c")
    assert got[0] == "a" and got[-1] == "c" and len(got) <= 3, got


def test_a_csi_begun_in_one_read_and_grown_in_the_next_gives_at_most_its_start() -> None:
    # The parser holds `ESC[1;2;3`, then `b` after the drop, and types what it holds once it
    # gives up on it (past 32 characters, or its Escape delay): tens of keys, not ten thousand.
    got = _keys("a\x1b[1;2;3", ";4" * 5000 + "mb", "c" * 40)
    assert got[0] == "a" and got[-1] == "c" and len(got) < 80, got


def test_the_sequences_a_terminal_sends_pass() -> None:
    parser = PasteSafeParser()
    far = list(parser.feed("\x1b[<0;99999999;99999999M"))  # a click far off the screen
    assert [type(event) for event in far] == [events.MouseDown], far
    cut = list(parser.feed("\x1b[<0;1")) + list(parser.feed("0;5M"))  # cut inside, short
    assert [type(event) for event in cut] == [events.MouseDown], cut
    assert _keys("\x1b[A", "\x1b[1;5C", "\x1b[97;5u") == ["up", "ctrl+right", "ctrl+a"]


# --- a string still open when the terminal falls quiet --------------------------------------


def _ticked_keys(*chunks: str | None) -> list[str]:
    """The keys for `chunks` read as Textual's input thread reads them: each read fed, then the
    tick after every wait; None is a wait with nothing read (the terminal quiet), past which
    Textual's parser takes an ESC it holds for a key (its clock moved on, not waited for)."""
    clock = [0.0]
    parser = PasteSafeParser()
    got = []
    with mock.patch.object(textual_parser, "get_time", lambda: clock[0]):
        for chunk in chunks:
            if chunk is None:
                clock[0] += 1.0
            found = list(parser.feed(chunk)) if chunk is not None else []
            got += [event.key for event in [*found, *parser.tick()] if isinstance(event, events.Key)]
    return got


def test_alt_shift_p_with_keys_in_the_same_read_is_keys_once_the_terminal_is_quiet() -> None:
    # `ESC P j k` in one read (Alt+Shift+P, j, k typed while the app was busy) opened a DCS
    # string: j, k and every key after them were dropped until the next ESC or BEL.
    # (The first key is what Textual makes of ESC and the introducer: `alt+shift+p`, `underscore`.)
    for introducer in "PX^_]":
        got = _ticked_keys(f"\x1b{introducer}jk", None, "l", None)
        assert got[1:] == ["j", "k", "l"], (introducer, got)
    # Cut between reads of one burst: the same.
    assert _ticked_keys("\x1bPj", "k", None, "l", None)[1:] == ["j", "k", "l"]


def test_a_string_longer_than_typed_keys_is_dropped_to_its_end_as_before() -> None:
    body = "A" * 100
    assert _ticked_keys("x\x1bP" + body, None, "B" * 50, None, "\x1b\\y") == ["x", "y"]
    # A whole string in one burst is dropped, quiet or not.
    assert _ticked_keys("x\x1b]0;title\x07", None, "y") == ["x", "y"]


def test_a_short_open_string_is_held_to_the_bound() -> None:
    guard = StringGuard()
    assert guard.feed("a\x1bPj") == "a" and guard.idle() == "\x1bPj"
    assert guard.feed("k") == "k" and guard.idle() == ""
    typed = "\x1bP" + "j" * 30
    assert guard.feed(typed) == "" and guard.idle() == typed  # 32: the bound, still keys
    assert guard.feed(typed + "j") == "" and guard.idle() == ""  # 33: a string, dropped to its end
    # Its ESC the last character of a read: passed already; the introducer is kept with the rest.
    guard = StringGuard()
    assert guard.feed("\x1b") == "\x1b" and guard.feed("Pjk") == "" and guard.idle() == "Pjk"
