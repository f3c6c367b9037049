"""What the loopback server (tests/fixtures_http.py) serves at a path and how it misbehaves
(`Faults`), what each request was (`RecordedRequest`), and the byte-serving helpers its request
handler (tests/http_handler.py) and hostile modes (tests/http_modes.py) share."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 64 * 1024


@dataclass
class Faults:
    """How one path misbehaves. All off by default (a well-behaved server with Range support)."""

    # Answer every request with this status and a short body (404, 403, 500...).
    status: int | None = None
    # Answer the first `fail` requests with `fail_status`, then behave.
    fail: int = 0
    fail_status: int = 500
    # Close the connection cleanly (FIN) after sending this many body bytes of a response.
    cut_at: int | None = None
    cut_times: int = 1
    # Reset the connection (RST, SO_LINGER 0) after this many body bytes.
    reset_at: int | None = None
    reset_times: int = 1
    # Stop sending for `stall_seconds` after this many body bytes (to trip read timeouts).
    stall_at: int | None = None
    stall_seconds: float = 5.0
    stall_times: int = 1
    # Set by the test, ends a stall at once with the connection closed (FIN), as a server that
    # gave up: the response fails when the test has seen what it waits for (its bytes reported).
    stall_release: threading.Event | None = None
    # Set by the test, ends a stall by sending the rest of the same response (a held server that
    # goes on): the stall lasts until then (or until the server stops), whatever stall_seconds.
    stall_resume: threading.Event | None = None
    # Serve wrong bytes of the right length (every byte XOR 0xFF).
    corrupt: bool = False
    # Always answer 200 with the full body, whatever Range says.
    ignore_range: bool = False
    # Trickle the body at this many bytes per second (the first `rate_times` responses; -1 = all).
    rate: int | None = None
    rate_times: int = -1
    # Validators; set False to send none (then If-Range never matches).
    etag: bool = True
    last_modified: bool = True
    # Send Content-Length (False: the body ends when the connection closes).
    content_length: bool = True
    # Send this Content-Length instead of the true one (a server that lies about the size).
    declare_length: int | None = None
    # The Content-Type sent (`text/html`: a Wi-Fi login page or a proxy's error page).
    content_type: str = "application/octet-stream"
    # Over TLS: end the connection with TLS's close_notify (False: a bare TCP close after the
    # body, as a sloppy server does; a close-delimited body then ends without a proper close).
    tls_close_notify: bool = True
    # A hostile mode from `MODES` answers the request instead (see the module docstring).
    mode: str | None = None
    mode_args: dict = field(default_factory=dict)


@dataclass
class Resource:
    data: bytes | None
    file: Path | None
    faults: Faults
    etag: str
    last_modified: str
    served: int = 0  # responses started for this path (for the *_times counters)

    @property
    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.file is not None
        return self.file.stat().st_size


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    status: int = 0
    # The byte range served for a 206, as (first, last) inclusive.
    range: tuple[int, int] | None = None
    body_sent: int = 0
    # What the server did on purpose: "cut", "reset", "stall", "fail", "" for none.
    fault: str = ""
    time: float = field(default_factory=time.monotonic)

    @property
    def range_header(self) -> str | None:
        return self.headers.get("range")


def times_left(times: int, served_before: int) -> bool:
    return times < 0 or served_before < times


def slices(resource: Resource, start: int, length: int, chunk: int) -> Iterator[bytes]:
    if resource.data is not None:
        view = memoryview(resource.data)
        for offset in range(start, start + length, chunk):
            yield bytes(view[offset:min(offset + chunk, start + length)])
        return
    assert resource.file is not None
    with open(resource.file, "rb") as f:
        f.seek(start)
        left = length
        while left > 0:
            piece = f.read(min(chunk, left))
            if not piece:
                return
            left -= len(piece)
            yield piece


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """One `bytes=a-b` / `bytes=a-` / `bytes=-n` range; None to ignore the header (multi-range, junk)."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    try:
        if first == "":
            n = int(last)
            return (max(0, size - n), size - 1) if n > 0 and size else "unsatisfiable"
        a = int(first)
        b = int(last) if last else size - 1
    except ValueError:
        return None
    if a >= size or a > b:
        return "unsatisfiable"
    return a, min(b, size - 1)


def etag_for(seed: str) -> str:
    return f'"{seed[:20]}"'
