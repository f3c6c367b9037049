"""What a catalog's entries may cost (core/catalog_parse.py). A catalog of 16 MiB or more is
decoded entry by entry, and an entry spanning more than MAX_ENTRY_CHARS (64 KiB; uv's are under
1 KiB) is refused in one line before it is decoded: a 200 MB catalog whose one entry held a
200 MB string in a field pytui ignores listed its other builds after holding 740 MB (the
string's text, its window, its value), and one whose entry held 3 million names 636 MB. Any
catalog is refused past MAX_MALFORMED_ENTRIES malformed entries: each is kept until the end,
and 3 million of 7 bytes each (`"k":0,`, 32 MB) took 47 s and 1 GB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytui.app.cli import main
from pytui.core import catalog_parse as catalog_module
from pytui.core.catalog import parse_catalog
from pytui.core.catalog_parse import MAX_ENTRY_CHARS, MAX_MALFORMED_ENTRIES
from pytui.core.errors import CatalogError
from test_catalog import entry

LONG = MAX_ENTRY_CHARS + 1


def _catalog(**fields: object) -> str:
    return json.dumps({"ok": entry(minor=13), "long": entry(**fields), "after": entry(minor=11)})


@pytest.mark.parametrize("fields", [
    {"extra": "a" * LONG},  # a field pytui reads not at all
    {"url": "https://x/" + "a" * LONG + ".tar.gz"},
    {"arch": {"family": "x86_64", "variant": None, **{f"k{i}": 0 for i in range(LONG // 8)}}},
    {"extra": "\\u00e9" * (LONG // 6 + 1)},  # escapes: the span is counted in JSON, not decoded
])
@pytest.mark.parametrize("window", [catalog_module.WINDOW_CHARS, 4096, 1])
def test_a_streamed_entry_longer_than_the_bound_is_refused(monkeypatch, fields, window) -> None:
    monkeypatch.setattr(catalog_module, "STREAM_FROM_BYTES", 0)
    monkeypatch.setattr(catalog_module, "WINDOW_CHARS", window)
    with pytest.raises(CatalogError) as caught:
        parse_catalog(_catalog(**fields).encode(), "c.json")
    line = str(caught.value)
    assert line.startswith("catalog c.json holds an entry longer than 64 KiB (at character "), line
    assert line.endswith("point --downloads-json at a uv download-metadata.json") and "\n" not in line


def test_a_long_name_is_refused_too_and_non_ascii_text_the_same(monkeypatch) -> None:
    monkeypatch.setattr(catalog_module, "STREAM_FROM_BYTES", 0)
    named = json.dumps({"n" * LONG: entry()}).encode()
    with pytest.raises(CatalogError, match="holds an entry longer than 64 KiB"):
        parse_catalog(named, "c.json")
    # Not ASCII: the text is decoded whole (no windows), and the span is checked all the same.
    with pytest.raises(CatalogError, match="holds an entry longer than 64 KiB"):
        parse_catalog(_catalog(extra="é" * LONG).encode(), "c.json")


def test_entries_within_the_bound_stream_as_before(monkeypatch) -> None:
    text = _catalog(extra="a" * (MAX_ENTRY_CHARS - 1024)).encode()
    whole = parse_catalog(text, "c.json")
    monkeypatch.setattr(catalog_module, "STREAM_FROM_BYTES", 0)
    assert parse_catalog(text, "c.json") == whole and len(whole.builds) == 3


def test_list_refuses_a_large_catalog_with_a_long_entry_in_one_line(tmp_path: Path, monkeypatch,
                                                                    capsys) -> None:
    for name, sub in (("UV_PYTHON_INSTALL_DIR", "root"), ("UV_PYTHON_CACHE_DIR", "cache"),
                      ("PYTUI_STATE_DIR", "state")):
        monkeypatch.setenv(name, str(tmp_path / sub))
    path = tmp_path / "c.json"
    # Past STREAM_FROM_BYTES (16 MiB), as it is: one 17 MB string in a field no one reads.
    path.write_text(_catalog(extra="a" * (17 << 20)))
    code = main(["list", "--downloads-json", str(path)])
    out, err = capsys.readouterr()
    assert code == 1 and out == "", (code, out[:200])
    (line,) = err.splitlines()
    assert line.startswith(f"error: catalog {path} holds an entry longer than 64 KiB"), line[:300]


@pytest.mark.parametrize("streamed", [False, True])
def test_a_catalog_past_the_malformed_bound_is_refused_in_one_line(monkeypatch, streamed) -> None:
    if streamed:
        monkeypatch.setattr(catalog_module, "STREAM_FROM_BYTES", 0)
    names = [f"{i:x}" for i in range(MAX_MALFORMED_ENTRIES + 1)]
    flood = ("{" + ",".join(f'"{name}":0' for name in names) + ', "ok": ' + json.dumps(entry()) + "}")
    with pytest.raises(CatalogError) as caught:
        parse_catalog(flood.encode(), "c.json")
    assert str(caught.value) == (
        "catalog c.json holds more than 10,000 malformed entries (first: entry '0': the entry is "
        "a number, not an object); point --downloads-json at a uv download-metadata.json")


@pytest.mark.parametrize("streamed", [False, True])
def test_up_to_the_bound_malformed_entries_are_skipped_and_counted(monkeypatch, streamed) -> None:
    if streamed:
        monkeypatch.setattr(catalog_module, "STREAM_FROM_BYTES", 0)
    doc = {f"{i:x}": 0 for i in range(MAX_MALFORMED_ENTRIES)} | {"ok": entry()}
    parsed = parse_catalog(json.dumps(doc).encode(), "c.json")
    assert parsed.invalid == MAX_MALFORMED_ENTRIES and len(parsed.builds) == 1
    # A name given again with a good entry is no longer malformed: the bound counts what stays.
    text = json.dumps(doc)[:-1] + ', "0": ' + json.dumps(entry(minor=13)) + ', "x": 1}'
    again = parse_catalog(text.encode(), "c.json")
    assert again.invalid == MAX_MALFORMED_ENTRIES and len(again.builds) == 2


@pytest.mark.parametrize("window", [catalog_module.WINDOW_CHARS, 4096, 1])
def test_a_syntax_error_in_a_streamed_catalog_is_said_as_json_says_it(monkeypatch, window) -> None:
    """A large catalog's syntax error is json's own line, as for a small one: with more than
    a window of text after it, it was said as an entry longer than 64 KiB (review37)."""
    text = ('{"bad": {"a": 1 2}, ' + json.dumps({"pad": "a" * 2_000_000})[1:]).encode()
    with pytest.raises(CatalogError) as whole:
        parse_catalog(text, "c.json")
    monkeypatch.setattr(catalog_module, "STREAM_FROM_BYTES", 0)
    monkeypatch.setattr(catalog_module, "WINDOW_CHARS", window)
    with pytest.raises(CatalogError) as streamed:
        parse_catalog(text, "c.json")
    assert "Expecting ',' delimiter" in str(streamed.value), streamed.value
    assert str(streamed.value) == str(whole.value)


def test_every_window_edge_streams_as_the_whole_document(monkeypatch) -> None:
    """A window may end inside a keyword or number (`nu` of `null`, `-1` of `-12`), which the
    scanner words from its start, before the edge: read again in a larger window, never taken
    for a syntax error."""
    text = json.dumps({f"e{i}": entry(minor=10 + i % 4, extra=[None, -12, True, "x"])
                       for i in range(6)}).encode()
    whole = parse_catalog(text, "c.json")
    monkeypatch.setattr(catalog_module, "STREAM_FROM_BYTES", 0)
    for window in range(1, 400):
        monkeypatch.setattr(catalog_module, "WINDOW_CHARS", window)
        assert parse_catalog(text, "c.json") == whole, window
