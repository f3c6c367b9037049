"""The shared libraries an ELF executable names (DT_NEEDED) and where it asks the loader to look
for them (DT_RUNPATH, DT_RPATH), read with a few bounded reads.

install_damage asks this of an install's interpreter: a PBS build on Linux links
`libpythonX.Y.so.1.0` from `$ORIGIN/../lib`, and an interpreter whose libpython is gone does
not start, so uv's list (which runs it) leaves it out. The file is hostile: every offset and
size read from it is bounded, and anything that is not a well-formed ELF is "names nothing".
"""

from __future__ import annotations

import os
import stat
import struct

# Bounds on what is read of one executable (a real interpreter has ~10 program headers, a
# dynamic section of ~40 entries, names of a few dozen bytes).
MAX_PROGRAM_HEADERS = 64
MAX_DYNAMIC_BYTES = 16 * 1024
MAX_NAME_BYTES = 4096
MAX_NAMES = 64
# Read first in one go: a shared build's interpreter is ~20 KiB, its headers, dynamic section
# and names all in the first pages (one read instead of five; a static one reads on past it).
HEAD_BYTES = 16 * 1024

_PT_LOAD, _PT_DYNAMIC = 1, 2
_DT_NULL, _DT_NEEDED, _DT_STRTAB, _DT_RPATH, _DT_RUNPATH = 0, 1, 5, 15, 29


class DynamicLinks:
    """What an executable asks of the dynamic loader: `needed` library names, `search` paths
    (its RUNPATH or RPATH entries, split at `:`, `$ORIGIN` left as written)."""

    __slots__ = ("needed", "search")

    def __init__(self, needed: tuple[str, ...], search: tuple[str, ...]) -> None:
        self.needed = needed
        self.search = search


def dynamic_links(path: str) -> DynamicLinks | None:
    """What the ELF executable at `path` names for the loader, or None (not a regular file,
    not ELF, static, malformed, unreadable). Opened without blocking (a FIFO is no ELF)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return _read(_Reader(fd))
    except (OSError, struct.error, ValueError, OverflowError):
        return None
    finally:
        os.close(fd)


class _Reader:
    """preads served from the file's first HEAD_BYTES where they fall in it."""

    __slots__ = ("fd", "head")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.head = os.pread(fd, HEAD_BYTES, 0)

    def read(self, size: int, offset: int) -> bytes:
        if offset < 0 or size < 0:
            raise ValueError("negative offset")
        if offset + size <= len(self.head) or len(self.head) < HEAD_BYTES:
            return self.head[offset:offset + size]
        return os.pread(self.fd, size, offset)


def _read(reader: _Reader) -> DynamicLinks | None:
    found = _segments(reader)
    if found is None:
        return None
    order, wide, loads, (offset, size) = found
    data = reader.read(min(size, MAX_DYNAMIC_BYTES), offset)
    pair = struct.Struct(order + ("qQ" if wide else "iI"))
    needed: list[int] = []
    search: list[int] = []
    strtab = None
    for tag, value in pair.iter_unpack(data[:len(data) - len(data) % pair.size]):
        if tag == _DT_NULL:
            break
        if tag == _DT_NEEDED:
            needed.append(value)
        elif tag == _DT_STRTAB:
            strtab = value
        elif tag in (_DT_RPATH, _DT_RUNPATH):
            search.append(value)
    if strtab is None:
        return None
    # DT_STRTAB is an address: the file offset is found through the segment that maps it.
    base = next((offset + strtab - vaddr for vaddr, offset, filesz in loads
                 if vaddr <= strtab < vaddr + filesz), None)
    if base is None:
        return None
    paths = tuple(part for value in search[:MAX_NAMES]
                  for part in _string(reader, base + value).split(":") if part)
    return DynamicLinks(tuple(_string(reader, base + value) for value in needed[:MAX_NAMES]), paths)


def _segments(reader: _Reader) -> tuple[str, bool, list[tuple[int, int, int]], tuple[int, int]] | None:
    """(byte order, 64-bit, the PT_LOAD segments as (vaddr, offset, filesz), the PT_DYNAMIC
    segment as (offset, filesz)), or None: not ELF, or no dynamic section."""
    ident = reader.read(64, 0)
    if len(ident) < 52 or ident[:4] != b"\x7fELF" or ident[4] not in (1, 2) or ident[5] not in (1, 2):
        return None
    wide = ident[4] == 2
    order = "<" if ident[5] == 1 else ">"
    if wide:
        phoff, (phentsize, phnum) = struct.unpack_from(order + "Q", ident, 32)[0], struct.unpack_from(
            order + "HH", ident, 54)
        entry = struct.Struct(order + "IIQQQQQQ")  # type, flags, offset, vaddr, paddr, filesz, ...
    else:
        phoff, (phentsize, phnum) = struct.unpack_from(order + "I", ident, 28)[0], struct.unpack_from(
            order + "HH", ident, 42)
        entry = struct.Struct(order + "IIIIIIII")  # type, offset, vaddr, paddr, filesz, ...
    if not 0 < phnum <= MAX_PROGRAM_HEADERS or phentsize < entry.size:
        return None
    table = reader.read(phentsize * phnum, phoff)
    loads: list[tuple[int, int, int]] = []
    dynamic: tuple[int, int] | None = None
    for at in range(0, len(table) - entry.size + 1, phentsize):
        fields = entry.unpack_from(table, at)
        kind, offset, vaddr, filesz = ((fields[0], fields[2], fields[3], fields[5]) if wide
                                       else (fields[0], fields[1], fields[2], fields[4]))
        if kind == _PT_LOAD:
            loads.append((vaddr, offset, filesz))
        elif kind == _PT_DYNAMIC and dynamic is None:
            dynamic = (offset, filesz)
    return None if dynamic is None else (order, wide, loads, dynamic)


def _string(reader: _Reader, offset: int) -> str:
    """The NUL-ended string at `offset` (cut at MAX_NAME_BYTES), decoded without failing."""
    raw = reader.read(MAX_NAME_BYTES, offset)
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")
