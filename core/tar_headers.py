"""Tar headers read strictly: every field validated and bounded before anything uses it.

`parse_header` turns one 512-byte block into a `Header` or raises `HeaderError` (a reason,
one line); `parse_pax` does the same for a pax extended header's records. Numbers are octal
(digits only) or GNU base-256; a negative or oversized size is refused here, so no caller
ever skips, reads or allocates by an unchecked value. Nothing in this module does I/O.
"""

from __future__ import annotations

import struct

BLOCK = 512
ZERO_BLOCK = bytes(BLOCK)
# Largest member body accepted (PBS's largest files are a few hundred MB).
MAX_MEMBER_SIZE = 1 << 36  # 64 GiB
# Longest member name or link target, in bytes (Linux PATH_MAX).
MAX_NAME_BYTES = 4096
# GNU long-name/long-link bodies hold one name (plus a NUL); pax headers hold a few records.
MAX_LONG_NAME_BODY = MAX_NAME_BYTES + BLOCK
MAX_PAX_BODY = 1 << 20
MAX_PAX_RECORDS = 10_000

REGULAR = frozenset((b"0", b"\0", b"7"))
DIRECTORY = b"5"
SYMLINK = b"2"
HARDLINK = b"1"
LONG_NAME = b"L"
LONG_LINK = b"K"
PAX = b"x"
PAX_GLOBAL = b"g"
EXTENDED = frozenset((LONG_NAME, LONG_LINK, PAX, PAX_GLOBAL))
SPECIAL = {b"3": "character device", b"4": "block device", b"6": "fifo"}

_POSIX_MAGIC = b"ustar\x0000"
_OCTAL_DIGITS = frozenset(b"01234567")
_SIGNED = struct.Struct("148b8x356b")


class HeaderError(ValueError):
    """A header that cannot be used; `reason` says why in a few words."""

    def __init__(self, reason: str, name: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        # The member's name when the header got far enough to have one.
        self.name = name


class Header:
    """One parsed ustar/GNU/pax header block (names still raw text, extended headers not applied)."""

    __slots__ = ("link", "mode", "name", "size", "type")

    def __init__(self, type_flag: bytes, name: str, link: str, size: int, mode: int) -> None:
        self.type = type_flag
        self.name = name
        self.link = link
        self.size = size
        self.mode = mode


def text(raw: bytes) -> str:
    """A name from the archive: UTF-8, undecodable bytes kept (surrogateescape) so they round-trip."""
    return raw.decode("utf-8", "surrogateescape")


def parse_number(field: bytes, what: str) -> int:
    """An octal field (NUL/space padded) or GNU base-256 (first byte 0x80 or 0xff, may be negative)."""
    lead = field[0] if field else 0
    if lead == 0x80 or lead == 0xFF:
        value = int.from_bytes(field[1:], "big")
        return value - (1 << (8 * (len(field) - 1))) if lead == 0xFF else value
    digits = field.split(b"\0", 1)[0].strip(b" ")
    if not digits:
        return 0
    if not _OCTAL_DIGITS.issuperset(digits):
        raise HeaderError(f"has a damaged {what} field ({digits[:24]!r} is not an octal number)")
    return int(digits, 8)


def check_size(size: int, limit: int = MAX_MEMBER_SIZE) -> int:
    if size < 0:
        raise HeaderError(f"has a negative size ({size})")
    if size > limit:
        raise HeaderError(f"claims a size of {size} bytes, more than the {limit} allowed")
    return size


def parse_header(block: bytes) -> Header:
    """One 512-byte header block (not the zero end-of-archive block) -> `Header`."""
    if len(block) != BLOCK:
        raise HeaderError("is cut short (a tar header needs 512 bytes)")
    stored = parse_number(block[148:156], "checksum")
    unsigned = sum(block) - sum(block[148:156]) + 256
    if stored != unsigned and stored != sum(_SIGNED.unpack(block)) + 256:
        raise HeaderError("is not a valid tar header (checksum mismatch)")
    type_flag = block[156:157]
    name = text(block[:100].split(b"\0", 1)[0])
    if block[257:265] == _POSIX_MAGIC:
        # POSIX ustar splits long names into prefix + name (GNU uses those bytes otherwise).
        prefix = block[345:500].split(b"\0", 1)[0]
        if prefix:
            name = f"{text(prefix)}/{name}"
    try:
        size = parse_number(block[124:136], "size")
        if type_flag in EXTENDED:
            check_size(size, MAX_PAX_BODY if type_flag in (PAX, PAX_GLOBAL) else MAX_LONG_NAME_BODY)
        else:
            check_size(size)
        mode = parse_number(block[100:108], "mode") if type_flag in REGULAR else 0
    except HeaderError as err:
        raise HeaderError(err.reason, name if type_flag not in EXTENDED else None) from None
    link = text(block[157:257].split(b"\0", 1)[0]) if type_flag in (SYMLINK, HARDLINK) else ""
    return Header(type_flag, name, link, size, mode)


def long_name(data: bytes) -> str:
    """The body of a GNU `L`/`K` header: one NUL-terminated name."""
    name = data.split(b"\0", 1)[0]
    if len(name) > MAX_NAME_BYTES:
        raise HeaderError(f"has a GNU long name of {len(name)} bytes (at most {MAX_NAME_BYTES})")
    return text(name)


def parse_pax(data: bytes) -> dict[str, str]:
    """pax records `"<len> <key>=<value>\\n"`, each checked (length, layout, key)."""
    records: dict[str, str] = {}
    pos = 0
    end = len(data)
    count = 0
    while pos < end:
        if data[pos] == 0:
            break  # NUL padding after the last record
        count += 1
        if count > MAX_PAX_RECORDS:
            raise HeaderError(f"has more than {MAX_PAX_RECORDS} pax records")
        space = data.find(b" ", pos, min(end, pos + 12))
        digits = data[pos:space] if space > pos else b""
        if not digits or not digits.isdigit():
            raise HeaderError("is malformed (bad record length)")
        length = int(digits)
        if length < len(digits) + 3 or pos + length > end or data[pos + length - 1] != 0x0A:
            raise HeaderError("is malformed (record length does not match)")
        key, sep, value = data[space + 1:pos + length - 1].partition(b"=")
        if not sep or not key:
            raise HeaderError("is malformed (record without key=value)")
        records[key.decode("utf-8", "replace")] = text(value)
        pos += length
    for name in ("path", "linkpath"):
        if name in records and len(records[name].encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
            raise HeaderError(f"has a pax {name} longer than {MAX_NAME_BYTES} bytes")
    return records


def pax_size(value: str) -> int:
    """The pax `size` record: a plain non-negative decimal, bounded like the header field."""
    digits = value[1:] if value.startswith("-") else value
    if not digits.isascii() or not digits.isdigit() or len(digits) > 20:
        raise HeaderError(f"has a bad pax size {value[:40]!r}")
    if digits is not value:
        raise HeaderError(f"has a negative size ({value})")
    return check_size(int(value))
