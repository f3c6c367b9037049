"""A zip's end: its end-of-central-directory record, and the zip64 locator and record before it.

Read from at most the file's last TAIL_BYTES (the record and the longest comment it may carry)
and the 76 bytes before the record, and checked against the file's size before anything it
points to is read. The record is found where zipfile (which reads the members afterwards)
finds it, so both see the same central directory: the last 22 bytes when they are a record
without a comment, else the last signature in the tail. What zipfile would take on trust is
refused here: a comment that does not end at the file's end, a second record in the tail (two
readers, two archives), a directory that starts before the file or ends past its record, more
entries than its bytes could hold, several disks, and a zip64 record that is not where its
locator says."""

from __future__ import annotations

import struct

TYPE_CHECKING = False  # no `typing` import at run time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import BinaryIO

END_SIGNATURE = b"PK\x05\x06"
# signature, this disk, the directory's disk, entries on this disk, entries, directory size,
# directory offset, comment length.
_END = struct.Struct("<4sHHHHIIH")
MAX_COMMENT = 0xFFFF
TAIL_BYTES = MAX_COMMENT + _END.size  # 65,557: where a record can start
_LOCATOR_SIGNATURE = b"PK\x06\x07"
_LOCATOR = struct.Struct("<4sIQI")  # signature, the record's disk, its offset, disks
_ZIP64_SIGNATURE = b"PK\x06\x06"
# signature, size of the rest, made by, needed, this disk, the directory's disk, entries on
# this disk, entries, directory size, directory offset.
_ZIP64 = struct.Struct("<4sQHHIIQQQQ")
ZIP64_TAIL = _ZIP64.size + _LOCATOR.size  # 76: between the directory and the end record
_ZIP64_REST = _ZIP64.size - 12  # its `size of the rest` with no extensible data (zipfile assumes none)
# A central directory entry's fixed part; no entry is shorter.
MIN_ENTRY_BYTES = 46


class ZipEndError(ValueError):
    """The end of a zip is missing or impossible; the reason is a phrase for the zip's line."""


class ZipEnd:
    """Where the central directory is (`start`, `size` bytes) and how many entries it says it
    has; `location` is the end record's offset, `zip64` whether a zip64 record gave the values."""

    __slots__ = ("entries", "location", "size", "start", "zip64")

    def __init__(self, location: int, start: int, size: int, entries: int, zip64: bool) -> None:
        self.location = location
        self.start = start
        self.size = size
        self.entries = entries
        self.zip64 = zip64

    def __repr__(self) -> str:
        return (f"ZipEnd(location={self.location}, start={self.start}, size={self.size}, "
                f"entries={self.entries}, zip64={self.zip64})")


def read_zip_end(fp: BinaryIO) -> ZipEnd:
    """The end of the zip open as `fp` (seekable); reads at most TAIL_BYTES + ZIP64_TAIL bytes."""
    file_size = fp.seek(0, 2)

    def read_at(offset: int, count: int) -> bytes:
        fp.seek(offset)
        return fp.read(count)

    return parse_zip_end(read_at, file_size)


def parse_zip_end(read_at: Callable[[int, int], bytes], file_size: int) -> ZipEnd:
    """The end of a zip of `file_size` bytes, whose bytes `read_at(offset, count)` returns."""
    base = max(0, file_size - TAIL_BYTES)
    tail = read_at(base, file_size - base)
    if len(tail) != file_size - base:
        raise ZipEndError(f"its last {file_size - base} bytes could not be read")
    at = _record_at(tail)
    location = base + at
    (_, disk, directory_disk, on_disk, entries, size, offset,
     comment) = _END.unpack_from(tail, at)
    if at + _END.size + comment != len(tail):
        raise ZipEndError(f"its end-of-central-directory record at byte {location} has a "
                          f"{comment}-byte comment, but {len(tail) - at - _END.size} bytes follow it")
    _refuse_another_record(tail, at, base)
    zip64 = False
    if location >= _LOCATOR.size:
        locator = read_at(location - _LOCATOR.size, _LOCATOR.size)
        if locator[:4] == _LOCATOR_SIGNATURE:
            disk, directory_disk, on_disk, entries, size, offset = _zip64_values(read_at, location,
                                                                                 locator)
            zip64 = True
    if disk or directory_disk or on_disk != entries:
        raise ZipEndError("it spans several disks, and pytui reads single-file zips")
    start = location - size - (ZIP64_TAIL if zip64 else 0)
    if start < 0:
        raise ZipEndError(f"its end record's {size}-byte central directory would start before "
                          "the file's first byte")
    if offset > start:
        raise ZipEndError(f"its end record puts the central directory at byte {offset}, past "
                          f"byte {start} where it is")
    if entries * MIN_ENTRY_BYTES > size:
        raise ZipEndError(f"its end record counts {entries} entries, more than its {size}-byte "
                          "central directory can hold")
    return ZipEnd(location, start, size, entries, zip64)


def _record_at(tail: bytes) -> int:
    """Where zipfile takes the end record to be: the last 22 bytes when they are one with no
    comment, else the last signature (a later one inside the record's own fields is no record)."""
    last = len(tail) - _END.size
    if last >= 0 and tail[last:last + 4] == END_SIGNATURE and tail[-2:] == b"\0\0":
        return last
    at = tail.rfind(END_SIGNATURE)
    if at < 0:
        raise ZipEndError(f"it has no end-of-central-directory record in its last {len(tail)} "
                          "bytes: it was cut short, or it is no zip")
    if at > last:
        raise ZipEndError("its last end-of-central-directory signature starts no whole record: it "
                          "was cut short, or its comment holds the signature")
    return at


def _refuse_another_record(tail: bytes, at: int, base: int) -> None:
    """A second end record in the tail, one whose comment reaches the file's end (the chosen
    record then sits in its comment) or one whose directory lies before it (zips one after
    another), is a second archive that another reader may take; PBS zips have one."""
    other = tail.rfind(END_SIGNATURE, 0, at)
    while other >= 0:
        (_, disk, directory_disk, on_disk, entries, size, offset,
         comment) = _END.unpack_from(tail, other)
        fits = not disk and not directory_disk and on_disk == entries and offset + size <= base + other
        if other + _END.size + comment == len(tail) or fits:
            raise ZipEndError(f"it has two end-of-central-directory records, at bytes {base + other} "
                              f"and {base + at}, where a zip has one")
        other = tail.rfind(END_SIGNATURE, 0, other)


def _zip64_values(read_at: Callable[[int, int], bytes], location: int,
                  locator: bytes) -> tuple[int, int, int, int, int, int]:
    """The zip64 record's disks, counts, size and offset: directly before its locator, as
    zipfile reads it, and where the locator says (the directory's offset plus its size)."""
    _, record_disk, record_offset, disks = _LOCATOR.unpack(locator)
    if record_disk or disks > 1:
        raise ZipEndError("it spans several disks, and pytui reads single-file zips")
    if location < ZIP64_TAIL:
        raise ZipEndError("its zip64 locator points to no zip64 end record")
    record = read_at(location - ZIP64_TAIL, _ZIP64.size)
    if len(record) != _ZIP64.size or record[:4] != _ZIP64_SIGNATURE:
        raise ZipEndError("its zip64 locator points to no zip64 end record")
    (_, rest, _, _, disk, directory_disk, on_disk, entries, size,
     offset) = _ZIP64.unpack(record)
    if rest != _ZIP64_REST or offset + size != record_offset:
        raise ZipEndError(f"its zip64 locator says the zip64 end record is at byte {record_offset}, "
                          f"not where the record is, after the {size}-byte central directory at "
                          f"byte {offset}")
    return disk, directory_disk, on_disk, entries, size, offset
