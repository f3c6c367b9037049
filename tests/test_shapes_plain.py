"""Shapes an install checks with string methods instead of compiling a pattern on its path
(core/keys.py's key version, core/support.py's minor versions and dates, core/catalog_entry.py's
pre-release and build fields): for every text, the answer is the pattern's own."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.core.catalog_entry import is_build_name, is_prerelease
from pytui.core.keys import split_version
from pytui.core.support import date_fields, minor_fields

# Pieces of versions, dates and names, and characters where a pattern and str methods could
# disagree, or where Python reads a number uv does not: non-ASCII decimal digits (`\d`,
# `isdecimal` and int() take Arabic-Indic and fullwidth ones), superscripts (`isdigit` takes
# them), newlines (`$` matches before a final one), `_` and whitespace (int() takes `1_2` and
# ` 12 `), `+` and `-` (int() takes `+12`, `-0`), numbers past u64's 20 digits, and the
# characters at the edges of the build-name class.
PIECES = ["3", "11", "7", "0", "13", "2024", "10", "01", "012", "1234", "12345", ".", "..", "-",
          "a", "b", "rc", "r", "c", "a1", "rc10", "\n", " ", "\t", "\u00a0", "\u0663", "\uff13",
          "\u00b2", "\u0661\u0662", "_", "1_2", "+", "+12", "-0", "/", ":", "~", "Z", "z", "\u00e9",
          "x" * 30, "9" * 20, "1" * 21]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=8).map("".join) | st.text(max_size=12)

VERSION = re.compile(r"^([0-9]{1,20})\.([0-9]{1,20})\.([0-9]{1,20})((?:a|b|rc)[0-9]+)?$")
MINOR = re.compile(r"^([0-9]{1,2})\.([0-9]{1,3})$")
DATE = re.compile(r"^([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?$")
PRERELEASE = re.compile(r"(?:a|b|rc)[0-9]{1,4}")
BUILD = re.compile(r"[A-Za-z0-9._+-]{1,64}")


def _version_by_pattern(text: str) -> tuple[int, int, int, str] | None:
    match = VERSION.match(text)
    return (int(match[1]), int(match[2]), int(match[3]), match[4] or "") if match else None


def _groups(pattern: re.Pattern[str], text: str) -> tuple[str | None, ...] | None:
    match = pattern.match(text)
    return match.groups() if match else None


@settings(max_examples=2000, deadline=None)
@given(TEXTS)
def test_each_shape_is_its_patterns(text: str) -> None:
    assert split_version(text) == _version_by_pattern(text), repr(text)
    assert minor_fields(text) == _groups(MINOR, text), repr(text)
    assert date_fields(text) == _groups(DATE, text), repr(text)
    assert is_prerelease(text) == bool(PRERELEASE.fullmatch(text)), repr(text)
    assert is_build_name(text) == bool(BUILD.fullmatch(text)), repr(text)


def test_plain_and_unusual_texts() -> None:
    for text in ("3.12.8", "3.13.0rc1", "3.14.0a7", "3.12.8\n", "3.12.8\n\n", "3.12.8rc", "3.12.rc1",
                 "3.12.8b1a2", "\u0663.\u0661\u0662.0", "3.12", "3.12\n", "2024-10", "2024-10-07",
                 "2024-10-07\n", "2024-1-07", "\u00b2\u00b2\u00b2\u00b2-10", "rc1", "rc12345", "a",
                 "b0", "20250115", "7.3.19", "x" * 64, "x" * 65, "", "\n", "a1\n", "3.12.8 ",
                 "3.\uff113.1", "3.1_3.1", " 3.12.1", "+3.12.1", "3.12.+1", "3.12.-0", "3.12.1rc\u0661",
                 "1" * 21 + ".1.1", "9" * 20 + ".1.1", "\uff13.12", "\uff12\uff10\uff12\uff14-10"):
        assert split_version(text) == _version_by_pattern(text), repr(text)
        assert minor_fields(text) == _groups(MINOR, text), repr(text)
        assert date_fields(text) == _groups(DATE, text), repr(text)
        assert is_prerelease(text) == bool(PRERELEASE.fullmatch(text)), repr(text)
        assert is_build_name(text) == bool(BUILD.fullmatch(text)), repr(text)
    assert split_version("3.13.0rc1") == (3, 13, 0, "rc1")
    # uv reads ASCII digits only: a fullwidth or Arabic-Indic digit is no digit.
    assert split_version("3.\uff113.1") is None and split_version("\u0663.\u0661\u0662.0") is None
    assert minor_fields("\uff13.12") is None and date_fields("\uff12\uff10\uff12\uff14-10") is None
    assert minor_fields(non_str := 3.12) is None and date_fields(non_str) is None
