"""core/pep440.py answers plain texts without its patterns (a text that cannot start a version
or a specifier; a dotted run of digits): for every text, the answer is the patterns' own."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.core.pep440 import Specifier, Version

# Version-like pieces, and characters where the patterns and str methods could disagree, or
# where Python reads a number uv does not: non-ASCII digits (`\d`, `isdecimal` and int() take
# Arabic-Indic and fullwidth digits, `isdigit` superscripts too), `_` and `+` (int() takes
# `1_2`, `+12`), ASCII and Unicode whitespace (uv trims a version of ASCII whitespace only,
# without the vertical tab; a specifier of Rust's whitespace, without U+001C..U+001F), a
# capital V, letters that lower() changes (the Kelvin sign becomes `k`).
PIECES = ["3", "11", "7", "0", "012", ".", "..", "v", "V", "a", "b", "rc", "c", "pre", "post",
          "dev", "-", "_", "+", "1_2", "+12", "-0", "local", " ", "\t", "\n", "\x0b", "\x0c",
          "\x1c", "\u00a0", "\u2003", "\u3000", "\u0663", "\uff13", "\u0661\u0662", "\u00b2",
          "\u0130", "\u212a", "~=", "==", "!=", "<=", ">=", "<", ">", "===", ".*", "*", "cpython-",
          "x", "1" * 20, "1" * 21]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)


@settings(max_examples=1500, deadline=None)
@given(TEXTS)
def test_a_version_read_without_the_pattern_is_the_patterns_version(text: str) -> None:
    assert Version.parse(text) == Version._parse_with_pattern(text), repr(text)


@settings(max_examples=1500, deadline=None)
@given(TEXTS)
def test_a_specifier_read_without_the_pattern_is_the_patterns_specifier(text: str) -> None:
    assert Specifier.parse(text) == Specifier._parse_with_pattern(text), repr(text)


def test_plain_and_unusual_texts() -> None:
    for text in ("3.12", "3.11.7", " 3.12 ", "3", "v3.12", "V3.12", "3.13t", "3.12rc1", "3.12.",
                 "3..12", "", "cpython-3.11.7-linux-x86_64-gnu", "-3.11.7", "\u0663.\u0661\u0662",
                 "3.1" + "1" * 21, "\u00b2.1", ">=3.11", " ==3.12.*", "~=3.11", "3.\uff112",
                 "\u20033.12", "3.12\x0b", "3.1_2", "+3.12", ">=\u20033.12", "\x1c>=3.12",
                 ">=3.12\u3000", "3.12+\u212a"):
        assert Version.parse(text) == Version._parse_with_pattern(text), repr(text)
        assert Specifier.parse(text) == Specifier._parse_with_pattern(text), repr(text)
    assert Version.parse("3.11.7") == Version((3, 11, 7))
    # uv reads ASCII digits only, and trims a version of ASCII whitespace only.
    for text in ("\u0663.\u0661\u0662", "3.\uff112", "\u20033.12", "3.1_2", "+3.12", "3.12\x0b"):
        assert Version.parse(text) is None, repr(text)
    assert Version.parse(" 3.12\n") == Version((3, 12))
    assert Specifier.parse(">=\u20033.12") == Specifier(">=", Version((3, 12)))
    assert Specifier.parse("\x1c>=3.12") is None
