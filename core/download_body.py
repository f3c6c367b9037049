"""Where a download's bytes go (a `.part` file, or a consumer with `--no-cache`), what has been
received so far, and the state file beside a `.part` that lets a later process resume it.

The state file (`<part>.json`) is pytui's own, yet read as hostile: it must be a small regular
file holding an object whose fields have the right types (`url`, `etag`, `last_modified`:
printable ASCII strings or null; `total`: a non-negative integer or null; `sha256`: 64 hex
digits or null). Anything else is discarded together with its `.part`, and the download starts
over: no run is ever stuck on a file pytui wrote itself. The `.part` is opened without following
links and must be a regular file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
import time
from pathlib import Path

from pytui.core.errors import DownloadError
from pytui.core.keys import TYPE_CHECKING
from pytui.core.progress import CancelToken
from pytui.core.writer_pids import process_exists

if TYPE_CHECKING:
    from typing import Any

STATE_SUFFIX = ".json"
# A state file pytui writes is ~300 bytes; a larger one is not pytui's.
MAX_STATE_BYTES = 16 * 1024
# The longest validator (ETag, Last-Modified) or URL kept for a resume.
MAX_VALIDATOR_CHARS = 1024
MAX_URL_CHARS = 8192
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Errors that mean the disk (or the user's quota) is full.
_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
# A resume state's temp (`FileBody._state_tmp`), `<part>.json.<pid>.tmp`; the part after
# `<part>.json.` alone.
_STATE_TEMP = re.compile(r".+\.part\.json\.([0-9]{1,10})\.tmp", re.DOTALL)
_PID_TEMP = re.compile(r"[0-9]{1,10}\.tmp")


def killed_state_temp(name: str) -> bool:
    """A resume state's temp (`<part>.json.<pid>.tmp`) whose writer is not running: it was
    killed between writing it and the rename (a live one's temp lives microseconds)."""
    found = _STATE_TEMP.fullmatch(name)
    if found is None:
        return False
    return not process_exists(int(found.group(1)))


class DiskFull(Exception):
    """Writing the `.part` (or its state) failed with ENOSPC/EDQUOT, or would have (free space
    checked against the declared size before the first byte). Internal: the downloader removes
    the `.part` and raises `NoSpace` with the numbers."""

    def __init__(self, directory: Path, needed: int | None) -> None:
        super().__init__(str(directory))
        self.directory = directory
        self.needed = needed


class NoSpace(DownloadError):
    """The download did not fit on the disk; its `.part` was removed."""


def no_space_message(what: str, full: DiskFull) -> str:
    """The one line for a download that did not fit: what it needs, what is free, what to do."""
    from pytui.core.units import format_bytes  # one unit system everywhere (MiB, as uv)

    free = free_bytes(full.directory)
    free_text = f"{format_bytes(free)} is free there" if free is not None else "the disk is full"
    need = (f"the archive needs {format_bytes(full.needed)} ({full.needed} bytes)" if full.needed
            else "the archive's size was not declared")
    return (f"not enough space in {full.directory} to download {what}: {need} and {free_text}; "
            "the partial download was removed (free some space, or point --cache-dir / "
            "UV_PYTHON_CACHE_DIR at a larger disk)")


def free_bytes(directory: Path) -> int | None:
    """Bytes this process may still write under `directory` (root may use reserved blocks)."""
    try:
        st = os.statvfs(directory)
    except OSError:
        return None
    blocks = st.f_bfree if hasattr(os, "geteuid") and os.geteuid() == 0 else st.f_bavail
    return blocks * st.f_frsize


def _header_text(value: object, limit: int = MAX_VALIDATOR_CHARS) -> bool:
    """A string that can be sent back in a header: printable ASCII, bounded."""
    return isinstance(value, str) and 0 < len(value) <= limit and value.isascii() and value.isprintable()


def clean_validator(value: str | None) -> str | None:
    """A server's ETag / Last-Modified if it can be sent back in If-Range; else None."""
    return value if _header_text(value) else None


def validate_part_state(doc: object) -> dict[str, Any] | None:
    """The state with checked types, or None when anything is wrong with it."""
    if not isinstance(doc, dict):
        return None
    state: dict[str, Any] = {}
    for name, limit in (("url", MAX_URL_CHARS), ("etag", MAX_VALIDATOR_CHARS),
                        ("last_modified", MAX_VALIDATOR_CHARS)):
        value = doc.get(name)
        if value is not None and not _header_text(value, limit):
            return None
        state[name] = value
    total = doc.get("total")
    if total is not None and (type(total) is not int or total < 0):
        return None
    sha256 = doc.get("sha256")
    if sha256 is not None and not (isinstance(sha256, str) and _SHA256.fullmatch(sha256)):
        return None
    state["total"], state["sha256"] = total, sha256
    return state


def _load_state(path: Path) -> tuple[dict[str, Any] | None, bool]:
    """(state, bad): (None, False) when there is none; (None, True) when one is there but unusable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None, False
    except OSError:
        return None, True  # a link, a directory, unreadable: not what pytui wrote
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, True
        raw = os.read(fd, MAX_STATE_BYTES + 1)
    except OSError:
        return None, True
    finally:
        os.close(fd)
    if len(raw) > MAX_STATE_BYTES:
        return None, True
    try:
        state = validate_part_state(json.loads(raw))
    except (ValueError, RecursionError):
        return None, True
    return state, state is None


def read_part_state(part: Path) -> dict[str, Any] | None:
    """The checked state saved beside a `.part` (url, etag, last_modified, total, sha256), or None."""
    return _load_state(part.with_name(part.name + STATE_SUFFIX))[0]


def sent_as(content_type: str | None, content_encoding: str | None, *, unsized: bool = False) -> str:
    """Why a body whose sha256 does not match may be no archive at all, from the response's
    headers: `text/html` (a Wi-Fi login page, a proxy's or a mirror's error page sent with 200)
    or an encoding pytui does not undo (a proxy that gzips what it passes on); or why it may be
    the archive cut short: `unsized`, a body that ends where its TCP connection does (no
    Content-Length, not chunked), where a cut reads as the end; "" otherwise. Said beside a
    mismatch, whose line alone sent the user to check the catalog."""
    encoding = (content_encoding or "").strip().lower()[:40]
    if encoding not in ("", "identity"):
        return (f"it came with Content-Encoding {encoding!r}, which pytui does not undo (a proxy "
                "that compresses what it passes on?)")
    kind = (content_type or "").partition(";")[0].strip().lower()[:60]
    if kind.startswith("text/") or kind in ("application/json", "application/xhtml+xml"):
        return f"it came as {kind}, not an archive (a login page, or a proxy's or mirror's error page?)"
    if unsized:
        return ("it came with no Content-Length, so a connection cut short would read as its end "
                "(a cut, or a wrong file?)")
    return ""


class Body:
    """What has been received so far: byte count, running sha256, validators."""

    def __init__(self, expected_sha256: str | None, expected_size: int | None = None) -> None:
        self.expected_sha256 = expected_sha256.lower() if expected_sha256 else None
        # The size the catalog declares, when it does.
        self.expected_size = expected_size
        self.have = 0
        self.total: int | None = None
        self.hasher = hashlib.sha256()
        self.etag: str | None = None
        self.last_modified: str | None = None
        self.url: str | None = None
        self.resumed_from = 0
        # True when the bytes came from more than one response (a resume): a hash mismatch
        # is then worth one fresh download.
        self.spliced = False
        # True when a server sent more than it may: what was received is not worth keeping.
        self.poisoned = False
        # Requests (or file reads) made, failed ones included.
        self.requests = 0
        # What the last response said its body was, when that is no archive's (`sent_as`).
        self.sent_as = ""
        # The last response's body ended where its TCP connection did (no Content-Length, not
        # chunked, not TLS): a cut reads as that end.
        self.ended_by_close = False

    def validator(self) -> str | None:
        """A strong validator for If-Range: a strong ETag, else Last-Modified."""
        if self.etag and not self.etag.startswith("W/"):
            return self.etag
        return self.last_modified

    def accept(self, chunk: bytes) -> None:
        self.hasher.update(chunk)
        self.have += len(chunk)

    def remember(self, url: str, etag: str | None, last_modified: str | None,
                 total: int | None) -> None:
        self.url, self.total = url, total
        self.etag, self.last_modified = clean_validator(etag), clean_validator(last_modified)

    def full_body_coming(self) -> int:
        """The server is about to send the whole body again; return how many leading bytes to skip."""
        raise NotImplementedError

    def hexdigest(self) -> str:
        return self.hasher.hexdigest()

    def cut_by_close(self) -> bool:
        """Whether the bytes so far fail the sha256 after a body that ended with its plain TCP
        connection (no declared size): a cut reads as that end, so the download resumes once
        from them (`Downloader.download` and `stream` alike); the sha256 still decides."""
        return bool(self.expected_sha256 and self.ended_by_close and self.have
                    and self.hexdigest() != self.expected_sha256)


class FileBody(Body):
    """Bytes go to a `.part` file; validators to `<part>.json`, so another process can resume."""

    def __init__(self, part: Path, expected_sha256: str | None, expected_size: int | None = None,
                 *, max_bytes: int | None = None) -> None:
        super().__init__(expected_sha256, expected_size)
        self.part = part
        self.state_path = part.with_name(part.name + STATE_SUFFIX)
        self.max_bytes = max_bytes
        self._file: Any = None
        # 0: the first chunk is flushed at once, so the `.part` on disk shows that bytes arrived.
        self._flushed = 0.0

    def open(self, cancel: CancelToken) -> None:
        self._remove_state_temps()
        state, bad = _load_state(self.state_path)
        if state is not None and self.expected_sha256 and state.get("sha256") not in (None, self.expected_sha256):
            bad = True  # a .part of some other content
        if bad:
            state = None
            self.discard()
        self.part.parent.mkdir(parents=True, exist_ok=True)
        self._file = self._open_part()
        size = self._file.tell()
        if state is not None:
            self.etag = state["etag"]
            self.last_modified = state["last_modified"]
            self.total = state["total"]
            self.url = state["url"]
        bound = self.expected_size if self.expected_size is not None else self.total
        if size and ((bound is not None and size > bound)
                     or (self.max_bytes is not None and size > self.max_bytes)):
            self._truncate()
            size = 0
        if size:
            # Hash what is already there so the final digest covers the whole file: through the
            # descriptor opened above (no link, a regular file) and `size` bytes at most. The
            # path opened again could be a link swapped in meanwhile (to /dev/zero: no end).
            fd, hashed = self._file.fileno(), 0
            while hashed < size:
                cancel.check("download")
                chunk = os.pread(fd, min(1 << 20, size - hashed), hashed)
                if not chunk:
                    break  # cut meanwhile: the rest is downloaded from here
                self.hasher.update(chunk)
                hashed += len(chunk)
            self.have = size = hashed
            self.resumed_from = size

    def _open_part(self) -> Any:
        """Open the `.part` for appending (and for hashing what it holds): never through a link,
        never anything but a regular file."""
        flags = (os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK
                 | getattr(os, "O_CLOEXEC", 0))
        for attempt in (1, 2):
            try:
                fd = os.open(self.part, flags, 0o644)
            except OSError as err:
                if err.errno == errno.ELOOP and attempt == 1:
                    # A link where pytui keeps its .part: not pytui's; remove the link itself.
                    with contextlib.suppress(FileNotFoundError):
                        self.part.unlink()
                    continue
                if err.errno in _DISK_FULL:
                    raise DiskFull(self.part.parent, None) from None
                raise DownloadError(f"cannot write {self.part}: {err.strerror or err}; remove it or "
                                    "check that the cache dir is writable") from None
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise DownloadError(f"cannot write {self.part}: not a regular file; remove it")
            os.set_blocking(fd, True)
            # 1 MiB buffer: network reads are ~64 KiB; fewer, larger writes are measurably faster.
            file = os.fdopen(fd, "ab", buffering=1 << 20)
            file.seek(0, os.SEEK_END)
            return file
        raise AssertionError("unreachable")

    def _write_failed(self, err: OSError) -> Exception:
        if err.errno in _DISK_FULL:
            return DiskFull(self.part.parent, self.total)
        return DownloadError(f"cannot write {self.part}: {err.strerror or err}; check the cache dir")

    def accept(self, chunk: bytes) -> None:
        try:
            self._file.write(chunk)
            now = time.monotonic()
            if now - self._flushed >= 1.0:
                # On a slow link, keep what arrived on disk: a killed process resumes from there.
                self._file.flush()
                self._flushed = now
        except OSError as err:
            raise self._write_failed(err) from None
        super().accept(chunk)

    def remember(self, url: str, etag: str | None, last_modified: str | None,
                 total: int | None) -> None:
        super().remember(url, etag, last_modified, total)
        if total is not None and total > self.have:
            free = free_bytes(self.part.parent)
            if free is not None and free < total - self.have:
                raise DiskFull(self.part.parent, total)
        state = {"url": url if _header_text(url, MAX_URL_CHARS) else None,
                 "etag": self.etag, "last_modified": self.last_modified, "total": total,
                 "sha256": self.expected_sha256}
        tmp = self._state_tmp()
        try:
            tmp.write_text(json.dumps(state))
            os.replace(tmp, self.state_path)
        except OSError as err:
            with contextlib.suppress(OSError):
                tmp.unlink()
            if err.errno in _DISK_FULL:
                raise DiskFull(self.part.parent, total) from None
            # Something that is not pytui's is in the way (a directory...): the state only
            # saves a later process a re-download, so go on without it.
            with contextlib.suppress(OSError):
                self.state_path.unlink()

    def _remove_state_temps(self) -> None:
        """The temps of this `.part`'s state that writers killed before their rename left: the
        `.part.lock` held now means no other writer of it runs, so each is stale."""
        prefix = self.state_path.name + "."
        try:
            with os.scandir(self.part.parent) as scan:
                names = [entry.name for entry in scan if entry.name.startswith(prefix)
                         and _PID_TEMP.fullmatch(entry.name, len(prefix))]
        except OSError:
            return
        for name in names:
            with contextlib.suppress(OSError):
                os.unlink(self.part.parent / name)

    def _state_tmp(self) -> Path:
        return self.state_path.with_name(self.state_path.name + f".{os.getpid()}.tmp")

    def full_body_coming(self) -> int:
        self._truncate()
        return 0

    def _truncate(self) -> None:
        self._file.seek(0)
        self._file.truncate()
        self.hasher = hashlib.sha256()
        self.have = 0
        self.spliced = False
        self.resumed_from = 0

    def close(self) -> None:
        """Close the `.part`, flushing what is buffered (a full disk can surface here)."""
        file, self._file = self._file, None
        if file is None:
            return
        try:
            file.close()
        except OSError as err:
            with contextlib.suppress(OSError):
                file.close()
            raise self._write_failed(err) from None

    def discard(self) -> None:
        """Forget the `.part` and its state file."""
        with contextlib.suppress(Exception):
            self.close()
        for path in (self.part, self.state_path, self._state_tmp()):
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
                path.unlink()
        self.have = 0
        self.hasher = hashlib.sha256()
        self.spliced = False
        self.resumed_from = 0
        self.etag = self.last_modified = None
        self.total = None

    def forget_state(self) -> None:
        with contextlib.suppress(OSError):
            self.state_path.unlink()


class StreamBody(Body):
    """Bytes go to the consumer; a full body after a cut is skipped up to what was already given."""

    def full_body_coming(self) -> int:
        self.spliced = True
        return self.have
