"""Reading a whole input file safely: regular files only, and never more than a declared size.

`open()` on a FIFO blocks until a writer appears, and a device or a huge file would be read
without end. The file is opened non-blocking, checked with fstat on the open descriptor (so
nothing can be swapped in between), and read up to a limit.
"""

from __future__ import annotations

import os
import stat


class NotRegularFile(OSError):
    """The path names a FIFO, a directory, a device or a socket."""


class FileTooLarge(OSError):
    """The file holds more bytes than the caller reads."""


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def file_kind(mode: int) -> str:
    """`a FIFO`, `a directory`, ... for a non-regular file's mode."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular_file(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of `path` if it is a regular file of at most `max_bytes`.

    Raises `NotRegularFile` or `FileTooLarge` (OSError subclasses whose `strerror` says why),
    or the OSError of opening or reading.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(0, f"{file_kind(info.st_mode)}, not a regular file", str(path))
        if info.st_size > max_bytes:
            raise FileTooLarge(0, f"{info.st_size} bytes, more than the {max_bytes} read",
                               str(path))
        # One byte more than the limit tells a file that grew past it.
        data = read_at_most(fd, max_bytes + 1, info.st_size + 1)
        if len(data) > max_bytes:
            raise FileTooLarge(0, f"more than the {max_bytes} bytes read", str(path))
        return data
    finally:
        os.close(fd)


def read_at_most(fd: int, limit: int, expected: int | None = None) -> bytes:
    """Up to `limit` bytes from `fd` (fewer only at its end), read in bounded pieces: a file
    that grows, or a device that never ends, is cut at `limit`. The first read asks for
    `expected` bytes (its fstat size + 1: one allocation, no join copy for a file that did not
    grow); later ones go by 1 MiB. Raises the OSError of reading."""
    chunks = []
    remaining = limit
    size = min(remaining, expected or 1 << 20)
    while remaining > 0:
        chunk = os.read(fd, size)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
        size = min(remaining, 1 << 20)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def describe(err: OSError) -> str:
    """The cause of an OSError in a few words (`No such file or directory`, `a FIFO, ...`)."""
    return err.strerror or str(err)


__all__ = ["FileTooLarge", "NotRegularFile", "describe", "file_kind", "read_at_most", "read_regular_file"]
