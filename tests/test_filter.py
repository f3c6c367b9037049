"""The TUI's `/` filter (app/filter.py, no Textual): versions match as requests, words as key parts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.app.filter import matches, parse_filter
from pytui.core.keys import parse_key

KEYS = [
    "cpython-3.12.8-linux-x86_64-gnu",
    "cpython-3.13.12-linux-x86_64-gnu",
    "cpython-3.13.14-linux-x86_64-musl",
    "cpython-3.14.0-linux-aarch64-gnu",
    "cpython-3.13.1+freethreaded-linux-x86_64-gnu",
    "cpython-3.12.8+debug-linux-x86_64-gnu",
    "pypy-3.10.14-linux-x86_64-gnu",
]


def selected(text: str) -> list[str]:
    terms = parse_filter(text)
    return [key for key in KEYS if matches(terms, key, parse_key(key))]


@pytest.mark.parametrize(("text", "expected"), [
    ("3.12", ["cpython-3.12.8-linux-x86_64-gnu", "cpython-3.12.8+debug-linux-x86_64-gnu"]),
    ("3.14", ["cpython-3.14.0-linux-aarch64-gnu"]),  # never 3.13.14
    ("3.13.12", ["cpython-3.13.12-linux-x86_64-gnu"]),
    ("musl", ["cpython-3.13.14-linux-x86_64-musl"]),
    ("free", ["cpython-3.13.1+freethreaded-linux-x86_64-gnu"]),
    ("3.13t", ["cpython-3.13.1+freethreaded-linux-x86_64-gnu"]),
    ("aarch64", ["cpython-3.14.0-linux-aarch64-gnu"]),
    ("AARCH", ["cpython-3.14.0-linux-aarch64-gnu"]),
    ("pypy", ["pypy-3.10.14-linux-x86_64-gnu"]),
    (">=3.13,<3.14 gnu", ["cpython-3.13.12-linux-x86_64-gnu",
                          "cpython-3.13.1+freethreaded-linux-x86_64-gnu"]),
    ("3.12+debug", ["cpython-3.12.8+debug-linux-x86_64-gnu"]),
    ("linux-aarch", ["cpython-3.14.0-linux-aarch64-gnu"]),
    ("12", []),  # not a part's start: "12" is inside 3.13.12, not at the start of a part
    ("", KEYS),
    # Half-typed versions match as text for now: the pane does not empty at "3.".
    ("3.", KEYS),
    ("3.13.", ["cpython-3.13.12-linux-x86_64-gnu", "cpython-3.13.14-linux-x86_64-musl",
               "cpython-3.13.1+freethreaded-linux-x86_64-gnu"]),
])
def test_filter_selects(text: str, expected: list[str]) -> None:
    assert selected(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_filter(text: str) -> None:
    terms = parse_filter(text)
    for key in KEYS:
        assert matches(terms, key, parse_key(key)) in (True, False)
