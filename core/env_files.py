"""Reading the small files the environment scan looks at: `pyvenv.cfg` and `.python-version`.

Both are input like any other: read only when regular (a FIFO named pyvenv.cfg must not block
the scan, a device must not be read), never past a declared size. A file's identity (inode,
mtime, size, ctime) says whether a stored reading of it is still good: an edit in place that
keeps the size and puts the mtime back still moves the ctime.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator

from pytui.core.bounded_read import read_at_most
from pytui.core.keys import RUST_WHITESPACE

CFG_MAX_BYTES = 64 * 1024
PIN_MAX_BYTES = 4 * 1024
# The pyvenv.cfg keys pytui uses; a value is kept to this many characters.
CFG_KEYS = ("home", "executable", "base-executable", "version", "version_info")
CFG_VALUE_MAX = 4096
PIN_TEXT_MAX = 200

FileIdent = tuple[int, int, int, int]


def is_file_text(text: str) -> bool:
    """Whether `text` is what a file name or file's text decodes to (UTF-8, undecodable bytes
    as surrogate escapes). A state file's JSON can hold a lone surrogate no file gives
    ("\\ud800"), which `os` and the terminal refuse with UnicodeEncodeError wherever it is used."""
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeError:
        return False
    return True


def read_regular(path: str | os.PathLike[str], limit: int, *, dir_fd: int | None = None) -> bytes | None:
    """Up to `limit` bytes of a regular file (`path` relative to `dir_fd` when given); None for
    anything else or any error."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        return read_open(fd, limit)
    finally:
        os.close(fd)


def read_open(fd: int, limit: int) -> bytes | None:
    """Up to `limit` bytes of the regular file open as `fd` (left open); None for anything else
    or any error."""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return read_at_most(fd, limit)
    except OSError:
        return None


def file_ident(path: str) -> FileIdent | None:
    """(inode, mtime ns, size, ctime ns) of what `path` names (followed), or None."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size, st.st_ctime_ns)


def parse_pyvenv_cfg(data: bytes) -> dict[str, str]:
    """The keys pytui uses (`home`, `executable`, `base-executable`, `version`, `version_info`)."""
    text = data[:CFG_MAX_BYTES].decode("utf-8", "replace")
    out: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if not sep:
            continue
        name = name.strip().lower()
        if name in CFG_KEYS and name not in out:
            out[name] = value.strip()[:CFG_VALUE_MAX]
    return out


def version_file_lines(data: bytes) -> Iterator[str]:
    """The requests in a version file's bytes as uv reads them (crates/uv-python/src/
    version_files.rs): lines end at `\n` alone (a `\r\n`'s `\r` goes with the trim), not at
    the other ends `str.splitlines` knows (a form feed, NEL, U+2028: uv reads `3.13\x0c3.12` as
    one request, which is none); each trimmed as Rust trims; blank lines and `#` comments
    skipped. Each line whole: a cut one asks for something else (`==3.12.10` cut to
    `==3.12.1`); the caller bounds the bytes."""
    for line in data.decode("utf-8", "replace").split("\n"):
        line = line.strip(RUST_WHITESPACE)
        if line and not line.startswith("#"):
            yield line


def parse_pin(data: bytes) -> str | None:
    """The first request in a `.python-version` file (comments and blank lines skipped), at
    most PIN_TEXT_MAX characters: what the environment scan keeps of it (its state files)."""
    pin = next(version_file_lines(data[:PIN_MAX_BYTES]), None)
    return None if pin is None else pin[:PIN_TEXT_MAX]


def read_pin(path: str) -> str | None:
    """The request in the `.python-version` file at `path`, or None (unreadable or empty)."""
    data = read_regular(path, PIN_MAX_BYTES)
    return None if data is None else parse_pin(data)


# What a broken pin's line says is wrong with what is at its name, when it is no file: the view
# tells its mend by it (uv's pin cannot replace it, so it is removed first).
NOT_A_FILE = ", not a file: "


def pin_how(minor: str | None) -> str:
    """The command that pins a version, naming `minor` (core/example_minor.py's rule as far as
    the caller has it); with none, no made-up version (it named 3.12 whatever was installed)."""
    return f"`uv python pin {minor}`" if minor else "`uv python pin` and the version the project needs"


def pin_is_no_file(error: str | None) -> bool:
    """Whether `error` (a broken pin's, `pin_trouble`'s) says something other than a file is there."""
    return error is not None and NOT_A_FILE in error


def pin_trouble(path: str, minor: str | None = None) -> str:
    """Why the `.python-version` at `path` gave the scan no request, and what to do (`pin_how`
    of `minor`): what is there (a stat, never an open of what is no regular file: a FIFO would
    block), past what the scan reads, empty, or unreadable."""
    from pytui.core.fs_errors import cause, file_kind

    how = pin_how(minor)
    try:
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode):
            os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC))
    except OSError as err:
        return f"cannot be read ({cause(err)})"
    if not stat.S_ISREG(st.st_mode):
        # `uv python pin` cannot replace what is no file ("not a regular file"): remove it first.
        return f"{file_kind(st.st_mode)}{NOT_A_FILE}uv passes over it; remove it, then pin a version there ({how})"
    if st.st_size > PIN_MAX_BYTES:
        # uv reads it whole, and its pin replaces it.
        return (f"no request in its first {PIN_MAX_BYTES // 1024} KiB, all pytui reads of it "
                f"({st.st_size:,} bytes); put the request first ({how})")
    return f"no request in it (empty, or comments only); pin a version in it ({how})"
