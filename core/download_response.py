"""One HTTP exchange of a download: the request's resume headers, and what a response may be
(status, byte range, declared length) before its body is taken.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable

from pytui.core.download_body import Body
from pytui.core.download_policy import TRANSIENT_STATUS, TransferFailure
from pytui.core.keys import TYPE_CHECKING, is_digits

# Characters of a server's reason phrase said in a failure (its own text, as long as its header
# block allows: a 60,000-character one made each retry's note and the error line as long).
MAX_REASON = 80

if TYPE_CHECKING:
    from typing import Any

    import httpx


def byte_count(text: str) -> int | None:
    """A byte position or size as the header's grammar writes it: ASCII digits, at most 19 (int()
    would also take `1_0`, `+1`, ` 1`, `１`)."""
    return int(text) if is_digits(text) and len(text) < 20 else None


def content_range(value: str | None) -> tuple[int, int, int | None] | None:
    """`bytes a-b/total` -> (a, b, total or None)."""
    if not value or not value.startswith("bytes "):
        return None
    span, slash, total = value[6:].partition("/")
    if not slash:  # the grammar's `/` is not optional: `bytes 0-0` names no complete-length
        return None
    first_text, _, last_text = span.partition("-")
    first, last = byte_count(first_text), byte_count(last_text)
    unknown = total in ("", "*")
    size = None if unknown else byte_count(total)
    if first is None or last is None or (size is None and not unknown):
        return None
    return first, last, size


def unsatisfied_total(value: str | None) -> int | None:
    """The total size in a 416's `Content-Range: bytes */N`."""
    return byte_count(value[8:]) if value and value.startswith("bytes */") else None


def _shut_socket(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        # The base class's shutdown: SSLSocket's would drop its TLS state under the reader. A
        # shutdown (unlike a close) wakes a recv blocked in another thread at once.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def shut(response: Any) -> Callable[[], None]:
    """A callback that shuts the response's socket, so a read blocked in another thread returns."""
    def shut() -> None:
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is not None:
            _shut_socket(sock)
    return shut


# The trace events whose `return_value` is the network stream a request is about to wait on:
# httpcore's (and core/plain_http.py's) for a new connection, and for its TLS layer.
STREAM_EVENTS = ("connection.connect_tcp.complete", "connection.start_tls.complete")


class InFlight:
    """The connections of one exchange from the moment they are made, so a cancel can shut
    them while the request still waits for the response's head (a mirror that accepted the
    connection and never answers), not only once a response has arrived.

    Both clients call `trace` (the `trace` request extension, public in httpcore) when they
    connect, with the new network stream; a redirect's next hop connects again and is traced
    too. A connection taken from httpx's pool makes no such event, so archive requests ask
    for `Connection: close` (request_headers): none is kept for a later request to reuse.
    `tests/test_download_cancel.py` fails if httpcore stops reporting its streams this way.
    With `strict_tls_close` (downloads), a TLS connection ending without TLS's close raises
    `ssl.SSLEOFError` (`ended_without_tls_close`) rather than reading as the body's end.

    `peer_closed` says whether a read of the exchange's connection met its end (a network
    stream's `read` returning no bytes, its contract in both clients): a protocol error after
    that is a body cut short, told without the client's wording of it.
    """

    def __init__(self, *, strict_tls_close: bool = False) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._shut = False
        self._strict_tls_close = strict_tls_close
        self.peer_closed = False

    def _note_end(self, stream: Any) -> None:
        """Read `stream` through a wrapper that notes the connection's end (`peer_closed`)."""
        read = getattr(stream, "read", None)
        if not callable(read):
            return

        def read_noting_end(max_bytes: int, timeout: float | None = None) -> bytes:
            data = read(max_bytes, timeout)
            if not data:
                self.peer_closed = True
            return data

        with contextlib.suppress(AttributeError):  # a stream with __slots__: no note, no harm
            stream.read = read_noting_end

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event in STREAM_EVENTS:
            stream = info.get("return_value")
            if stream is not None:
                self._note_end(stream)
            sock = stream.get_extra_info("socket") if stream is not None else None
            if isinstance(sock, socket.socket):
                if self._strict_tls_close and hasattr(sock, "suppress_ragged_eofs"):
                    # A TLS connection that ends without TLS's close is a cut (RFC 9112 section
                    # 8), which Python's ssl passes off as the end by default: a body of no
                    # declared size cut short then read as whole (ssl.SSLEOFError instead).
                    sock.suppress_ragged_eofs = False
                self.add(sock)

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            shut_now = self._shut
            if not shut_now:
                self._sockets.append(sock)
        if shut_now:  # cancelled while it was connecting
            _shut_socket(sock)

    def shut(self) -> None:
        """Shut every connection made so far, and any made from now on."""
        with self._lock:
            self._shut = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut_socket(sock)


def ended_without_tls_close(err: BaseException) -> bool:
    """True when `err` (a client's error) comes of a TLS connection that ended without TLS's
    close (`InFlight(strict_tls_close=True)`): the body was cut short."""
    import sys

    ssl = sys.modules.get("ssl")  # never loaded by a plain http:// download
    seen: BaseException | None = err
    for _ in range(8):
        if seen is None:
            return False
        if ssl is not None and isinstance(seen, ssl.SSLEOFError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def request_headers(body: Body) -> tuple[dict[str, str], int]:
    """The request's headers, and the offset it resumes from (0: from the start)."""
    # Raw bytes only: no content coding is asked for, and none is undone (iter_raw below).
    # One connection per exchange, never kept in a pool: a cancel can only shut a connection it
    # saw being made (InFlight), and a reused one would keep a silent mirror's read waiting.
    headers = {"Accept-Encoding": "identity", "Connection": "close"}
    resume_from = body.have
    if resume_from:
        validator = body.validator()
        if validator:
            headers["If-Range"] = validator
        if validator or body.expected_sha256:
            # Without a validator the sha256 still guards a splice of two versions.
            headers["Range"] = f"bytes={resume_from}-"
        else:
            body.full_body_coming()
            resume_from = 0
    return headers, resume_from

def accept_response(url: str, body: Body, response: httpx.Response,
                    resume_from: int) -> tuple[int, int | None] | None:
    """Check the status and range; return (bytes to skip, declared total), or None when a
    416 says the `.part` is already complete."""
    status = response.status_code
    if status == 416 and resume_from:
        if unsatisfied_total(response.headers.get("content-range")) == resume_from:
            # Whole already: its true size, not the larger one a first response may have
            # declared before it came up short (the bar would stay at 75% to the end).
            body.total = resume_from
            return None
        body.full_body_coming()
        raise TransferFailure(url, "server refused to resume (416); starting over", transient=True)
    if status not in (200, 206):
        reason = response.reason_phrase
        if len(reason) > MAX_REASON:
            reason = reason[:MAX_REASON - 1] + "…"
        raise TransferFailure(url, f"HTTP {status} {reason}".strip(),
                              transient=status in TRANSIENT_STATUS, status=status)
    if status == 206:
        span = content_range(response.headers.get("content-range"))
        if not resume_from or span is None or span[0] != resume_from:
            body.full_body_coming()
            raise TransferFailure(url, "server sent an unexpected byte range; starting over", transient=True)
        body.spliced = True
        return 0, span[2]
    skip = body.full_body_coming() if resume_from else 0
    length = response.headers.get("content-length", "").strip()
    return skip, byte_count(length)
