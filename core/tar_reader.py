"""The tar member loop: headers from `core/tar_headers.py`, writes through `core/stage_tree.py`.

Reads the decompressed stream as bounded chunks; file bodies go straight from the chunks to
`os.write`, no per-member chmod/utime (only the executable bit is kept, as uv keeps it).
Every failure leaves as `ExtractError`: one line naming the archive and the member.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from pytui.core.decompress import Producer
from pytui.core.errors import Cancelled, ExtractError
from pytui.core.file_writers import SMALL_FILE, WriteFailed
from pytui.core.member_policy import Refused, clean_name, shorten
from pytui.core.progress import CancelToken
from pytui.core.stage_tree import StageTree
from pytui.core.tar_headers import (
    BLOCK,
    DIRECTORY,
    EXTENDED,
    HARDLINK,
    LONG_LINK,
    LONG_NAME,
    PAX,
    REGULAR,
    SPECIAL,
    SYMLINK,
    ZERO_BLOCK,
    HeaderError,
    long_name,
    parse_header,
    parse_pax,
    pax_size,
)

TYPE_CHECKING = False  # no `typing` import at run time
if TYPE_CHECKING:
    from pytui.core.zstd_process import ProcessProducer


class _Truncated(Exception):
    pass


class Chunks:
    """The decompressed stream as chunks, with a read position."""

    __slots__ = ("buf", "end", "next_chunk", "pos", "view")

    def __init__(self, next_chunk: Callable[[], bytes | None]) -> None:
        self.next_chunk = next_chunk
        self.buf = b""
        self.view = memoryview(b"")
        self.pos = 0
        self.end = 0

    def _fetch(self) -> None:
        chunk = self.next_chunk()
        if chunk is None:
            raise _Truncated
        self.buf = chunk
        self.view = memoryview(chunk)
        self.pos = 0
        self.end = len(chunk)

    def read(self, n: int) -> bytes:
        """Exactly `n` bytes (callers bound `n`: a header block or a checked extended header)."""
        pos = self.pos
        if self.end - pos >= n:
            self.pos = pos + n
            return self.buf[pos:pos + n]
        parts = [self.buf[pos:]]
        need = n - (self.end - pos)
        while need:
            self._fetch()
            if self.end >= need:
                parts.append(self.buf[:need])
                self.pos = need
                need = 0
            else:
                parts.append(self.buf)
                need -= self.end
                self.pos = self.end
        return b"".join(parts)

    def take(self, n: int) -> bytes | memoryview:
        """`n` bytes, without a copy when they lie in the current chunk."""
        pos = self.pos
        if self.end - pos >= n:
            self.pos = pos + n
            return self.view[pos:pos + n]
        return self.read(n)

    def write_to(self, fd: int, n: int) -> None:
        while n > 0:
            avail = self.end - self.pos
            if not avail:
                self._fetch()
                continue
            take = avail if avail < n else n
            written = os.write(fd, self.view[self.pos:self.pos + take])
            self.pos += written
            n -= written

    def skip(self, n: int) -> None:
        while n > 0:
            avail = self.end - self.pos
            if not avail:
                self._fetch()
                continue
            take = avail if avail < n else n
            self.pos += take
            n -= take


def decode_failure(archive: str, error: Exception) -> ExtractError:
    """The line for data that did not decompress; a zstd child that misbehaved itself (hung,
    would not exit: `child_fault`) is named as the program's fault, not the archive's."""
    if getattr(error, "child_fault", False):
        return ExtractError(f"cannot extract {archive}: {error}; check the program PYTUI_ZSTD or "
                            "PATH names, or set PYTUI_ZSTD=0 to decompress in-process")
    text = str(error)
    if "too much memory" in text or "--memory=" in text:
        # Not corrupt: a frame whose window is past the decoder's bound (zstd's `Use --long=31
        # or --memory=2048MB`, zstandard's `Frame requires too much memory for decoding`).
        from pytui.core.zstd_process import WINDOW_LIMIT_MB

        return ExtractError(f"cannot extract {archive}: a zstd frame in it needs more memory to "
                            f"decompress than the {WINDOW_LIMIT_MB} MiB pytui allows (a window past "
                            "that; python-build-standalone's need far less)", data_fault=True)
    return ExtractError(f"cannot extract {archive}: the compressed data is corrupt ({text})", data_fault=True)


def extract_tar(producer: Producer | ProcessProducer, tree: StageTree, archive: str, report: Callable[[], None],  # noqa: C901 - the per-member hot loop: helper calls per member cost time (bench/extract.py)
                cancel: CancelToken | None) -> None:
    """Apply every member of the tar stream to `tree`; ExtractError on anything refused."""
    chunks = Chunks(producer.next_chunk)
    next_name: str | None = None
    next_link: str | None = None
    pax: dict[str, str] = {}
    member = "(the first header)"
    zero_blocks = 0
    cancelled = cancel._event.is_set if cancel is not None else None  # noqa: SLF001 - hot loop
    read = chunks.read
    try:
        while True:
            block = read(BLOCK)
            if block == ZERO_BLOCK:
                zero_blocks += 1
                if zero_blocks == 2:
                    break
                continue
            zero_blocks = 0
            try:
                header = parse_header(block)
            except HeaderError as err:
                raise Refused(err.name or _after(member, block[156:157]), err.reason) from None
            size = header.size
            type_flag = header.type
            if type_flag in EXTENDED:
                data = read(size)
                chunks.skip(-size % BLOCK)
                try:
                    if type_flag == LONG_NAME:
                        next_name = long_name(data)
                    elif type_flag == LONG_LINK:
                        next_link = long_name(data)
                    elif type_flag == PAX:
                        pax = parse_pax(data)
                    else:
                        parse_pax(data)  # global records: checked, not used
                except HeaderError as err:
                    raise Refused(_after(member, type_flag), err.reason) from None
                continue

            raw_name = next_name if next_name is not None else pax.get("path", header.name)
            member = raw_name
            if pax:
                if "size" in pax:
                    try:
                        size = pax_size(pax["size"])
                    except HeaderError as err:
                        raise Refused(member, err.reason) from None
                if any(key.startswith("GNU.sparse") for key in pax):
                    raise Refused(member, "is a sparse file, which PBS archives never contain")
            name = clean_name(raw_name)

            if type_flag in REGULAR:
                if raw_name.endswith("/") and type_flag != b"7":
                    # Old tars mark directories only by a trailing slash.
                    if name:
                        tree.count(name)
                        tree.directory(name)
                    chunks.skip(size + (-size % BLOCK))
                elif not name:
                    raise Refused(member, "is a file named like the archive root")
                elif size <= SMALL_FILE:
                    tree.count(name)
                    tree.small_file(name, header.mode, chunks.take(size))
                    chunks.skip(-size % BLOCK)
                else:
                    tree.count(name)
                    fd = tree.create(name, header.mode)
                    try:
                        chunks.write_to(fd, size)
                    finally:
                        os.close(fd)
                    tree.files += 1
                    chunks.skip(-size % BLOCK)
            elif type_flag == DIRECTORY:
                if name:
                    tree.count(name)
                    tree.directory(name)
            elif type_flag in (SYMLINK, HARDLINK):
                if not name:
                    raise Refused(member, "is a link named like the archive root")
                target = next_link if next_link is not None else pax.get("linkpath", header.link)
                tree.count(name)
                if type_flag == SYMLINK:
                    tree.symlink(name, target)
                else:
                    tree.hardlink(name, target)
            elif type_flag in SPECIAL:
                raise Refused(member, f"is a {SPECIAL[type_flag]}; devices and fifos are not allowed")
            else:
                raise Refused(member, f"has the unsupported tar type {type_flag.decode('latin-1')!r}")
            next_name = next_link = None
            if pax:
                pax = {}
            if cancelled is not None and cancelled():
                raise Cancelled(f"extraction of {archive} cancelled")
            report()
        tree.flush()
    except _Truncated:
        if producer.decode_error is not None:
            raise decode_failure(archive, producer.decode_error) from None
        raise ExtractError(f"cannot extract {archive}: it ends in the middle of {member}",
                           data_fault=True, maybe_cut=True) from None
    except Refused as refused:
        raise ExtractError(refused_line(archive, refused)) from None
    except WriteFailed as failed:
        raise ExtractError(f"cannot extract {archive}: writing {shorten(failed.member)!r} failed: "
                           f"{failed.error.strerror or failed.error}") from None
    except OSError as err:
        raise ExtractError(f"cannot extract {archive}: writing {shorten(member)!r} failed: "
                           f"{err.strerror or err}") from None


_HEADER_KINDS = {LONG_NAME: "GNU long-name header", LONG_LINK: "GNU long-link header",
                 PAX: "pax header", b"g": "pax global header"}


def _after(member: str, type_flag: bytes) -> str:
    """How to name a header that has no usable name: by its kind and the last member before it."""
    kind = _HEADER_KINDS.get(type_flag, "header")
    if member.startswith("("):
        return f"(the first {kind})" if member == "(the first header)" else f"(a {kind})"
    return f"(the {kind} after {shorten(member)!r})"


def refused_line(archive: str, refused: Refused) -> str:
    """`refusing to extract A: member 'm' <reason>`, or `...: the pax header after 'm' <reason>`."""
    member = refused.member
    what = member[1:-1] if member.startswith("(") else f"member {shorten(member)!r}"
    return f"refusing to extract {archive}: {what} {refused.reason}"
