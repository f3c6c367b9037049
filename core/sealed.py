"""A CRC-32 line at the end of a state file pytui writes and reads back (the parsed-catalog
cache, the quick scan's results): a bit flipped on disk that keeps the JSON and every value
valid (a version digit, a letter of a path) is caught before anything is decoded. CRC-32
catches every single flipped bit and every burst of up to 32; it is no defence against someone
who rewrites the file on purpose (who can also recompute it)."""

from __future__ import annotations

import zlib

# The last line: b"\n" and the CRC-32 of everything before it as 8 lower-case hex digits.
SEAL_LENGTH = 9


def seal(body: bytes) -> bytes:
    return b"%s\n%08x" % (body, zlib.crc32(body))


def unseal(data: bytes) -> bytes | None:
    """The body when the last line is its CRC-32; None otherwise (damaged, truncated, or
    written without one)."""
    body, tail = data[:-SEAL_LENGTH], data[-SEAL_LENGTH:]
    if len(tail) != SEAL_LENGTH or tail != b"\n%08x" % zlib.crc32(body):
        return None
    return body
