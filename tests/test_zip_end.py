"""core/zip_end: a zip's end record (and zip64 locator and record) read by pytui, not by
zipfile's private `_EndRecData`. Any tail gives a ZipEnd or one ZipEndError; an accepted end is
the one zipfile then reads (the same directory start and size), read from a bounded tail; the
zips the tests build (and zipfile's zip64) give what `_EndRecData` gave; hostile ends are refused
by name. Hypothesis draws tails from raw bytes and from record-shaped parts."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from archive_writers import KINDS
from fixtures_archives import make_pbs_archive
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytui.core.zip_end import TAIL_BYTES, ZipEnd, ZipEndError, parse_zip_end, read_zip_end

PROPS = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def end_record(entries: int, size: int, offset: int, comment: int = 0, *, disk: int = 0,
               on_disk: int | None = None) -> bytes:
    on = entries if on_disk is None else on_disk
    return struct.pack("<4sHHHHIIH", b"PK\x05\x06", disk, 0, on, entries, size, offset, comment)


def locator(offset: int, disks: int = 1) -> bytes:
    return struct.pack("<4sIQI", b"PK\x06\x07", 0, offset, disks)


def zip64_record(entries: int, size: int, offset: int, rest: int = 44) -> bytes:
    return struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", rest, 45, 45, 0, 0, entries, entries, size, offset)


def from_zipfile(data: bytes) -> tuple[int, int] | None:
    """(directory start, size) as zipfile's own end search finds them, or None."""
    reference = getattr(zipfile, "_EndRecData", None)  # private: the reference this module replaces
    if reference is None:
        pytest.skip("this Python's zipfile has no _EndRecData to compare with")
    try:
        end = reference(io.BytesIO(data))
    except (OSError, zipfile.BadZipFile):
        return None
    if end is None:
        return None
    tail = 76 if end[0] == b"PK\x06\x06" else 0
    return end[9] - end[5] - tail, end[5]


class Reads:
    """A file of `data`, counting the bytes read."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.read = 0

    def __call__(self, offset: int, count: int) -> bytes:
        assert offset >= 0 and count >= 0
        self.read += count
        return self.data[offset:offset + count]


def _near(draw: st.DrawFn, value: int, most: int) -> int:
    """`value` mostly, sometimes a neighbour or anything up to `most`."""
    return draw(st.one_of(st.just(value), st.just(value), st.integers(max(0, value - 2), value + 2),
                          st.integers(0, most))) & most


@st.composite
def tails(draw: st.DrawFn) -> bytes:
    """A body, a directory, maybe a zip64 record and locator, an end record and a comment: each
    field the consistent value or a neighbour or anything, and raw bytes or bare signatures
    spliced in, so each check is reached and ends are accepted too."""
    body = bytes(draw(st.integers(0, 300)))
    entries = draw(st.integers(0, 4))
    directory = draw(st.binary(min_size=entries * 46, max_size=entries * 46 + 60))
    offset, size = len(body), len(directory)
    middle = b""
    if draw(st.booleans()):
        middle = zip64_record(_near(draw, entries, (1 << 64) - 1), _near(draw, size, (1 << 64) - 1),
                              _near(draw, offset, (1 << 64) - 1), rest=_near(draw, 44, (1 << 64) - 1))
        middle += locator(_near(draw, offset + size, (1 << 64) - 1), draw(st.sampled_from([1, 1, 0, 2])))
        middle = middle[draw(st.sampled_from([0, 0, 0, 30])):]
    comment = draw(st.one_of(st.just(b""), st.binary(max_size=40),
                             st.sampled_from([b"PK\x05\x06", b"xxPK\x05\x06" + bytes(20)])))
    end = end_record(_near(draw, entries, 0xFFFF), _near(draw, size, 0xFFFFFFFF),
                     _near(draw, offset, 0xFFFFFFFF), _near(draw, len(comment), 0xFFFF))
    tail = draw(st.sampled_from([b"", b"", b"", b"PK\x05\x06", bytes(3), end]))
    return body + directory + middle + end + comment + tail


@PROPS
@given(tails())
def test_any_tail_gives_an_end_or_one_refusal_and_an_end_is_the_one_zipfile_reads(data: bytes) -> None:
    reads = Reads(data)
    try:
        end = parse_zip_end(reads, len(data))
    except ZipEndError as err:
        # A phrase inside the zip's line's parentheses: none of its own, none of its lines.
        assert str(err) and "\n" not in str(err) and "(" not in str(err) and ")" not in str(err), str(err)
        return
    assert 0 <= end.start <= end.start + end.size <= end.location <= len(data) - 22
    assert from_zipfile(data) == (end.start, end.size)
    assert reads.read <= TAIL_BYTES + 76


@PROPS
@given(st.binary(max_size=600), st.integers(0, 3 * TAIL_BYTES))
def test_raw_bytes_after_any_body_give_an_end_or_one_refusal(tail: bytes, body: int) -> None:
    data = bytes(body) + tail
    reads = Reads(data)
    try:
        end = parse_zip_end(reads, len(data))
    except ZipEndError as err:
        assert "(" not in str(err) and ")" not in str(err), str(err)
        return
    assert from_zipfile(data) == (end.start, end.size)
    assert reads.read <= TAIL_BYTES + 76


@pytest.mark.parametrize("kind", [k for k in KINDS if k == "zip"])
def test_the_zips_the_tests_build_read_as_zipfile_read_them(tmp_path: Path, kind: str) -> None:
    made = make_pbs_archive(tmp_path / "a", version="3.12.8", kind=kind)
    data = made.path.read_bytes()
    with made.path.open("rb") as fp:
        end = read_zip_end(fp)
    assert (end.start, end.size) == from_zipfile(data)
    with zipfile.ZipFile(made.path) as zf:
        assert end.entries == len(zf.infolist()) and not end.zip64


def test_zipfiles_zip64_end_reads_as_zipfile_read_it(tmp_path: Path) -> None:
    path = tmp_path / "z64.zip"
    with zipfile.ZipFile(path, "w", allowZip64=True) as zf:
        for index in range(3):
            zf.writestr(f"python/{index}", b"x")
    data = bytearray(path.read_bytes())
    # zipfile writes zip64 ends past 65,535 entries; the same end for three, made by hand.
    classic = data[-22:]
    _, _, _, _, entries, size, offset, _ = struct.unpack("<4sHHHHIIH", classic)
    rebuilt = bytes(data[:-22]) + zip64_record(entries, size, offset) + locator(offset + size) + \
        end_record(0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    end = parse_zip_end(Reads(rebuilt), len(rebuilt))
    assert end.zip64 and end.entries == 3 and (end.start, end.size) == from_zipfile(rebuilt) == (offset, size)


def _zip(entries: int = 1) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for index in range(entries):
            zf.writestr(f"python/{index}", b"x")
    return out.getvalue()


def _refusal(data: bytes) -> str:
    with pytest.raises(ZipEndError) as info:
        parse_zip_end(Reads(data), len(data))
    assert "(" not in str(info.value) and ")" not in str(info.value), str(info.value)
    return str(info.value)


def test_hostile_ends_are_refused_by_name() -> None:
    good = _zip(2)
    size, offset = struct.unpack("<II", good[-10:-2])
    assert isinstance(parse_zip_end(Reads(good), len(good)), ZipEnd)

    assert "two end-of-central-directory records" in _refusal(good + good[-22:])
    assert "two end-of-central-directory records" in _refusal(good + _zip(1))
    inner = end_record(1, 46, 0)  # a whole record in the comment, ending the file
    assert "two end-of-central-directory records" in _refusal(good[:-2] + struct.pack("<H", 22) + inner)
    assert "its comment holds the signature" in _refusal(good[:-2] + struct.pack("<H", 9) + b"PK\x05\x06junk")
    assert "bytes follow it" in _refusal(good[:-2] + struct.pack("<H", 30) + b"PK\x05\x06" + b"j" * 26)
    assert "bytes follow it" in _refusal(good + b"\0" * 5)  # trailing bytes past the comment
    assert "no end-of-central-directory record in its last" in _refusal(good[:-22])
    assert "cut short" in _refusal(good[:-5])
    assert "more than its" in _refusal(good[:-22] + end_record(60_000, size, offset))
    assert "before the file's first byte" in _refusal(good[:-22] + end_record(2, len(good) * 2, 0))
    assert "past byte" in _refusal(good[:-22] + end_record(2, size, offset + 1000))
    assert "several disks" in _refusal(good[:-22] + end_record(2, size, offset, disk=1))
    assert "several disks" in _refusal(good[:-22] + end_record(2, size, offset, on_disk=1))
    body = good[:-22]
    assert "no zip64 end record" in _refusal(body + locator(offset + size) + end_record(2, size, offset))
    lying = body[:-56] + zip64_record(2, size - 56, offset) + locator(12345) + end_record(2, size, offset)
    assert "zip64 locator says" in _refusal(lying)
