"""The manifest's number columns (core/tree_manifest.py): format 2 writes each as one hex string
of unsigned 64-bit little-endian integers; format 1 (JSON lists) is still read, to the same
entries. A hex column of the wrong length, with spaces or signs, not hex, or past the 64-bit
bound a stat field has, is refused like any other malformed manifest.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytui.core.tree_manifest import (
    MANIFEST_VERSION,
    MAX_NUMBER,
    Entry,
    TreeCorrupt,
    manifest_sizes,
    manifest_text,
    pack_numbers,
    parse_columns,
    parse_manifest,
)

NUMBER_COLUMNS = ("mode", "size", "mtime_ns", "ino")

ENTRIES = [
    Entry("bin", "d", 0o755, 4096),
    Entry("bin/python3.12", "f", 0o755, 300, 1_736_900_000_123_456_789, 2**40 + 7),
    Entry("bin/python3", "l", target="python3.12"),
    Entry("lib", "d", 0o750, 0),
    Entry("lib/os.py", "f", 0o644, 0, 0, MAX_NUMBER),
]


def as_format_1(doc: dict[str, Any]) -> dict[str, Any]:
    """A manifest pytui wrote (format 2) as format 1, numbers as JSON lists (still read): what
    tests edit to change a number."""
    if doc["version"] == 2:
        count = len(doc["path"])
        for name in NUMBER_COLUMNS:
            raw = bytes.fromhex(doc[name])
            doc[name] = [int.from_bytes(raw[at:at + 8], "little") for at in range(0, 8 * count, 8)]
        doc["version"] = 1
    return doc


def written() -> dict[str, Any]:
    return json.loads(manifest_text("a" * 64, "x.tar.gz", "k", ENTRIES))


def test_pytui_writes_format_2_and_reads_it_back_whole() -> None:
    doc = written()
    assert doc["version"] == MANIFEST_VERSION == 2
    assert all(type(doc[name]) is str for name in NUMBER_COLUMNS)
    header, entries = parse_manifest(json.dumps(doc).encode())
    assert entries == ENTRIES
    assert header == {"sha256": "a" * 64, "archive": "x.tar.gz", "key": "k"}


def test_format_1_is_still_read_to_the_same_entries() -> None:
    old = json.dumps(as_format_1(written())).encode()
    assert parse_manifest(old)[1] == ENTRIES
    assert manifest_sizes(old) == manifest_sizes(json.dumps(written()).encode())


@pytest.mark.parametrize("column", NUMBER_COLUMNS)
@pytest.mark.parametrize("change", [
    "one value short", "one digit more", "a space between bytes", "a sign", "not hex",
    "past 2**63 - 1", "the last value past 2**63 - 1", "a list in format 2", "a number", "format 1 with hex",
])
def test_a_malformed_number_column_is_refused(column: str, change: str) -> None:
    doc = written()
    text: str = doc[column]
    if change == "one value short":
        doc[column] = text[:-16]
    elif change == "one digit more":
        doc[column] = text + "0"
    elif change == "a space between bytes":  # bytes.fromhex would skip it
        doc[column] = text[:2] + " " + text[2:-1]
    elif change == "a sign":
        doc[column] = "-" + text[1:]
    elif change == "not hex":
        doc[column] = "zz" + text[2:]
    elif change == "past 2**63 - 1":
        doc[column] = text[:14] + "80" + text[16:]  # the top byte of the first value
    elif change == "the last value past 2**63 - 1":
        doc[column] = text[:-2] + "ff"
    elif change == "a list in format 2":
        doc[column] = as_format_1(written())[column]
    elif change == "a number":
        doc[column] = 5
    elif change == "format 1 with hex":
        doc["version"] = 1
    data = json.dumps(doc).encode()
    with pytest.raises(TreeCorrupt):
        parse_columns(data)
    with pytest.raises(TreeCorrupt):
        manifest_sizes(data)


@pytest.mark.parametrize("values", [[-1], [MAX_NUMBER + 1], [2**64]])
def test_a_number_that_could_not_be_read_back_is_not_written(values: list[int]) -> None:
    with pytest.raises(TreeCorrupt):
        pack_numbers(values)


@given(st.lists(st.integers(0, MAX_NUMBER), max_size=50))
def test_numbers_round_trip(values: list[int]) -> None:
    entries = [Entry(f"f{n}", "f", 0o644, value, value, value) for n, value in enumerate(values)]
    _header, read = parse_manifest(manifest_text("a" * 64, "x", "k", entries).encode())
    assert read == entries
