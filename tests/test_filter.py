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


# The minors the KEYS have (the view model passes the catalog's and the installs').
MINORS = frozenset({(3, 10), (3, 12), (3, 13), (3, 14)})


@pytest.mark.parametrize(("text", "expected"), [
    # On the way to `3.12`: no build is Python 3.1, so it is text (it emptied every pane, its
    # columns shrinking, at that keystroke), and matches the versions that start with it.
    ("3.1", KEYS),
    ("3.12", ["cpython-3.12.8-linux-x86_64-gnu", "cpython-3.12.8+debug-linux-x86_64-gnu"]),
    ("3.14", ["cpython-3.14.0-linux-aarch64-gnu"]),  # a minor some build has: still a request
    ("3.9", []),
    ("3.1 musl", ["cpython-3.13.14-linux-x86_64-musl"]),
])
def test_a_bare_minor_no_build_has_is_text(text: str, expected: list[str]) -> None:
    terms = parse_filter(text, MINORS)
    assert [key for key in KEYS if matches(terms, key, parse_key(key))] == expected


def test_a_bare_minor_some_build_has_stays_a_request() -> None:
    # Were there a Python 3.1 build, `3.1` would mean it, as uv reads it (never 3.13.1).
    [term] = parse_filter("3.1", MINORS | {(3, 1)})
    assert term.request is not None
    [term] = parse_filter("3.1")  # no rows known: as before
    assert term.request is not None


@pytest.mark.parametrize(("text", "kept"), [
    (">=3.14", True), (">=3.13", True), (">=3.14,<3.15", True), ("<3.14", False),
    (">=3.14.0rc3", False), (">=3.14.0rc1", True), ("3.14", True), (">=3.14 +free", False),
    (">=3.14 musl", False),
])
def test_a_range_reads_a_pre_release_by_its_release_part(text: str, kept: bool) -> None:
    # `>=3.14` hid the 3.14.0rc2 row the pane showed (PEP 440 puts rc2 below 3.14.0), and
    # `<3.14` kept it; a range naming a pre-release still compares pre-releases.
    key = "cpython-3.14.0rc2-linux-x86_64-gnu"
    assert matches(parse_filter(text), key, parse_key(key)) is kept, text
    threaded = "cpython-3.14.0rc2+freethreaded-linux-x86_64-gnu"
    assert matches(parse_filter(">=3.14"), threaded, parse_key(threaded))
    assert not matches(parse_filter(">=3.14+debug"), threaded, parse_key(threaded))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_filter(text: str) -> None:
    terms = parse_filter(text)
    for key in KEYS:
        assert matches(terms, key, parse_key(key)) in (True, False)


# -- the fast path (FilterIndex) gives exactly the rows of the simple rule ----------------------

# Words a user types: versions whole and half-typed, requests, key parts and their prefixes,
# runs with `-` and `+`, and noise.
WORDS = st.sampled_from([
    "3", "3.", "3.1", "3.12", "3.12.", "3.12.8", "3.13", "3.13t", "3.14", "3.14.0rc2", "3.9",
    "2", "312", ">=3.11", ">=3.11,", ">=3.11,<3.13", "<3.10", ">=3.14", "<3.14", ">=3.14.0rc3", "==3.12.*", "~=3.12.0", "3.12+debug",
    "3.13+freethreaded", "pypy", "pypy3.10", "pp", "cpython", "cpython@3.12", "graalpy",
    "cpython-3.12", "cpython-3.12-linux", "cpython-3.13-linux-x86_64-gnu", "linux-x86",
    "linux-aarch64-gnu", "+free", "+debug", "musl", "mu", "m", "gnu", "free", "freethreaded",
    "debug", "aarch", "aarch64", "x86", "x86_64", "x86_64_v3", "v3", "windows", "macos",
    "darwin", "armv7", "ppc", "s390x", "riscv", "any", "default", "-", "+", "@", "t", "",
])


def _kept(index, terms, count: int) -> list[int]:
    rows = index.rows(terms)
    return list(range(count)) if rows is None else sorted(rows)


def _catalog_items(path) -> tuple[list[str], list]:
    from pytui.core.catalog import parse_uv_json

    builds, _ = parse_uv_json(path.read_bytes(), str(path))
    return [build.key for build in builds], builds


def test_filter_index_matches_the_rule_on_uv_catalog(uv_catalog_path) -> None:
    from pytui.app.filter import FilterIndex

    keys, builds = _catalog_items(uv_catalog_path)
    index = FilterIndex(keys, list(builds))
    for text in ["3.12 musl", "3.1", "3.", "3", "pypy 3.10", "3.13t aarch64", ">=3.11,<3.13 gnu",
                 ">=3.14", "<3.14 aarch64",
                 "cpython-3.12-linux", "linux-x86 +free", "windows 3.14", "zzz"]:
        terms = parse_filter(text)
        expected = [row for row, (key, build) in enumerate(zip(keys, builds, strict=True))
                    if matches(terms, key, build)]
        assert _kept(index, terms, len(keys)) == expected, text


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=4), st.data())
def test_filter_index_is_the_rule(words: list[str], data: st.DataObject) -> None:
    """Any mix of words over keys of every shape: the index, asked in any order (remembered
    terms reused), keeps exactly the rows `matches` keeps."""
    from pytui.app.filter import FilterIndex

    keys = KEYS + ["cpython-3.13.0rc2-linux-x86_64_v3-gnu", "cpython-3.14.0rc2+debug-linux-x86_64-gnu", "cpython-3.12.8-windows-x86_64-none",
                   "graalpy-3.11.0-macos-aarch64-none", "cpython-3.14.0+freethreaded+debug-linux-x86_64-gnu",
                   "pypy-3.10.14-linux-aarch64-gnu", "cpython-3.9.23-linux-armv7-gnueabihf"]
    items = [parse_key(key) for key in keys]
    index = FilterIndex(keys, items)
    for text in [" ".join(words), *data.draw(st.lists(st.text(max_size=12), max_size=3))]:
        terms = parse_filter(text)
        expected = [row for row, (key, item) in enumerate(zip(keys, items, strict=True))
                    if matches(terms, key, item)]
        assert _kept(index, terms, len(keys)) == expected, text
