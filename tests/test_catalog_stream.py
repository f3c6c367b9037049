"""A large catalog is decoded entry by entry (core/catalog_parse.py, `STREAM_FROM_BYTES`): the same
builds, counts and problem line as decoding the whole document, or the whole-document path
(and its error line) for anything that is not a plain JSON object of entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pytui.core import catalog_parse as catalog_module
from pytui.core.catalog_parse import _parse_streamed, parse_catalog, parse_streamed_array
from pytui.core.errors import CatalogError
from test_catalog import entry
from test_catalog_hostile import JSON_VALUES, entries

NAMES = st.sampled_from(["a", "b", "c", "version", "k\"q", "é", "\\u0000"]) | st.text(max_size=6)
SPACES = st.sampled_from(["", " ", "\n", "\t", "\r\n  "])


def whole(data: bytes | str) -> object:
    """What the whole-document path gives: a ParsedCatalog, or the CatalogError's line."""
    try:
        return parse_catalog(data, "c.json")
    except CatalogError as err:
        return str(err)


@st.composite
def documents(draw) -> str:
    """A JSON object written by hand, so names can repeat and space can stand anywhere."""
    items = draw(st.lists(st.tuples(NAMES, entries() | JSON_VALUES), max_size=5))
    space = lambda: draw(SPACES)  # noqa: E731 - a fresh draw at each place
    body = ",".join(f"{space()}{json.dumps(name)}{space()}:{space()}{json.dumps(value)}{space()}"
                    for name, value in items)
    return f"{space()}{{{body or space()}}}{space()}"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@example('{"a":null,"a":{},"a":{},"a":{"variant": {"version": null}}}')  # a nested "version"
def test_streamed_equals_whole(text: str) -> None:
    streamed = _parse_streamed(text.encode())
    expected = whole(text.encode())
    # The names at the top level only (a nested "version" key is an entry's business).
    top_names = {name for name, _ in json.loads(text, object_pairs_hook=lambda pairs: pairs)}
    if "version" in top_names:  # uv's format hook: left to the whole-document path's refusal
        assert streamed is None
    else:
        assert streamed == expected


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet='{}[]":,. \n0123456789abcdeflnrstuv\\', max_size=40)
       | st.binary(max_size=40))
def test_any_text_streams_to_the_same_result_or_to_none(data: str | bytes) -> None:
    raw = data.encode() if isinstance(data, str) else data
    streamed = _parse_streamed(raw)
    if streamed is not None:
        assert streamed == whole(raw)


@pytest.mark.parametrize("text", ['{"a": {}} x', '{"a": 1,}', '{"a" 1}', "[]", '{"version": 1}',
                                  '\ufeff{"a": 1}', '{"a": ' * 100_000, "{", ""])
def test_over_the_threshold_the_error_line_is_the_same(text: str, monkeypatch) -> None:
    expected = whole(text.encode())
    monkeypatch.setattr(catalog_module, "STREAM_FROM_BYTES", 0)
    assert whole(text.encode()) == expected


def test_uvs_catalog_streams_to_the_same_builds(uv_catalog_path: Path) -> None:
    data = uv_catalog_path.read_bytes()
    assert _parse_streamed(data) == parse_catalog(data, "uv")
    assert len(_parse_streamed(data).builds) == 5530  # type: ignore[union-attr]
    assert _with_window(4096, _parse_streamed, data) == parse_catalog(data, "uv")


def test_a_repeated_name_keeps_its_first_place_and_its_last_entry(tmp_path: Path) -> None:
    first, other, last = (json.dumps(entry(minor=minor)) for minor in (11, 13, 12))
    text = f'{{"x": {first}, "y": {other}, "x": {last}}}'
    streamed = _parse_streamed(text)
    assert streamed is not None and [build.minor for build in streamed.builds] == [12, 13]
    assert streamed == whole(text)



# --- windows: an ASCII document is decoded a window at a time (`WINDOW_CHARS`) -------------


def _with_window(chars: int, parse, data):
    """`parse(data)` with windows of `chars` characters (every value then crosses an edge)."""
    saved = catalog_module.WINDOW_CHARS
    catalog_module.WINDOW_CHARS = chars
    try:
        return parse(data)
    finally:
        catalog_module.WINDOW_CHARS = saved


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.sampled_from([1, 2, 3, 5, 8, 13]))
@example('{"a": 123}', 6)  # a number cut at the window's edge still reads as a number
@example('{"a": 1} ', 3)
@example('{"a":0.0}', 1)  # `0.` of `0.0` reads as a number: taken only before a `,:]}`
@example('{"a": -1.5e+30, "b": [true, null]}', 2)
def test_small_windows_stream_what_the_whole_text_streams(text: str, chars: int) -> None:
    raw = text.encode()
    if not raw.isascii():
        raw = text.encode("ascii", "backslashreplace")
    assert _with_window(chars, _parse_streamed, raw) == _parse_streamed(raw.decode())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet='{}[]":,. \n0123456789abcdeflnrstuv\\', max_size=40),
       st.sampled_from([1, 2, 3, 7]))
def test_any_array_text_streams_to_its_items_or_to_none(text: str, chars: int) -> None:
    raw = text.encode()
    items = _with_window(chars, lambda data: parse_streamed_array(data, list), raw)
    if items is not None:
        assert items == json.loads(raw)
    try:
        whole_items = json.loads(raw)
    except (ValueError, RecursionError):
        return
    if type(whole_items) is list:  # a valid array always streams, to the same items
        assert items == whole_items


@pytest.mark.parametrize("text", ['[1, 23, [4, {"a": "b,c]"}], "x"]  ', "[]", "[ ]", " [1]",
                                  "[0.0, -1.5e+30, 1E5]", '["a\\"b", "\\u00e9"]',
                                  "[1,]", "[1 2]", "[1] x", '{"a": 1}', "[\ufeff1]", "[" * 50_000])
def test_arrays_stream_as_json_reads_them(text: str) -> None:
    for chars in (1, 4, 1 << 20):
        items = _with_window(chars, lambda data: parse_streamed_array(data, list), text.encode())
        try:
            expected = json.loads(text)
        except (ValueError, RecursionError):
            expected = None
        assert items == (expected if type(expected) is list else None), (text, chars)


def test_pbs_installers_file_streams_to_the_same_builds(monkeypatch) -> None:
    from pytui.core import embedded

    path = embedded.versions_json_path()
    if path is None:
        pytest.skip("pbs-installer is not installed")
    data = path.read_bytes()
    whole_parse = embedded._parse_versions(data)
    monkeypatch.setattr(catalog_module, "STREAM_FROM_BYTES", 0)  # read by embedded on a parse
    monkeypatch.setattr(catalog_module, "WINDOW_CHARS", 4096)
    assert embedded._parse_versions(data) == whole_parse and len(whole_parse.builds) > 1000
    # Not JSON (a trailing comma, a missing bracket): json.loads's own error, as before.
    for broken in (data.rstrip()[:-1] + b",]", data.rstrip()[:-1]):
        with pytest.raises(ValueError):
            embedded._parse_versions(broken)


def test_malformed_entries_hold_nothing_once_parsed(monkeypatch) -> None:
    """Each malformed entry's error was kept with its traceback, whose frames held the decoded
    entry and, in a cycle, the parse's own results: with the collector paused (as pytui runs),
    200,000 such entries held 790 MB after the parse, 3 KB each, where as many builds hold 260."""
    import gc
    import tracemalloc

    monkeypatch.setattr(catalog_module, "STREAM_FROM_BYTES", 0)
    data = json.dumps({f"k{i}": entry(patch=256, build=str(20000000 + i)) for i in range(5000)}).encode()
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        tracemalloc.start()
        parsed = parse_catalog(data, "c.json")
        held, _peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        if collecting:
            gc.enable()
    assert parsed.invalid == 5000 and not parsed.builds and "patch is 256" in parsed.problem
    assert held < 1 << 20, f"{held} bytes held after the parse"
