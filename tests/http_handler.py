"""The loopback server's request handler: answers GET and HEAD for the resources of its
`FaultyHTTPServer` (tests/fixtures_http.py) with Range, If-Range and validators, and applies
each path's `Faults` (tests/http_faults.py); a path in a hostile mode is answered by the mode
registered for it (tests/http_modes.py)."""

from __future__ import annotations

import contextlib
import http.server
import socket
import struct
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from http_faults import CHUNK, Faults, RecordedRequest, Resource, parse_range, slices, times_left

if TYPE_CHECKING:
    from fixtures_http import _ThreadingServer


class FaultHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ThreadingServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        record = RecordedRequest(self.command, path, {k.lower(): v for k, v in self.headers.items()})
        owner._record(record)
        resource = owner._take(path)
        if resource is None:
            self._plain(record, 404, b"not found\n")
            return
        faults = resource.faults
        served_before = resource.served - 1
        if not faults.tls_close_notify:
            self.connection.ragged_close = True  # read by the server's shutdown_request
        if faults.status is not None:
            self._plain(record, faults.status, f"status {faults.status}\n".encode())
            return
        if served_before < faults.fail:
            record.fault = "fail"
            self._plain(record, faults.fail_status, b"try again later\n")
            return
        if faults.mode is not None:
            record.fault = faults.mode
            MODES[faults.mode](self, record, resource, head)
            return

        size = resource.size
        start, end = 0, size - 1
        status = 200
        range_header = self.headers.get("Range")
        if range_header and not faults.ignore_range and self._if_range_ok(resource):
            parsed = parse_range(range_header, size)
            if parsed == "unsatisfiable":
                record.status = 416
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if parsed is not None:
                start, end = parsed
                status = 206
        length = max(0, end - start + 1)
        record.status = status
        self.send_response(status)
        self.send_header("Content-Type", resource.faults.content_type)
        self.send_header("Accept-Ranges", "none" if faults.ignore_range else "bytes")
        if faults.etag:
            self.send_header("ETag", resource.etag)
        if faults.last_modified:
            self.send_header("Last-Modified", resource.last_modified)
        if status == 206:
            record.range = (start, end)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        if faults.content_length:
            declared = length if faults.declare_length is None else faults.declare_length
            self.send_header("Content-Length", str(declared))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if head:
            return
        self._send_body(record, resource, start, length, served_before)

    def _if_range_ok(self, resource: Resource) -> bool:
        """RFC 9110 If-Range: serve the range only when the validator still matches."""
        validator = self.headers.get("If-Range")
        if validator is None:
            return True
        faults = resource.faults
        if validator.startswith(("\"", "W/")):
            return faults.etag and validator == resource.etag
        return faults.last_modified and validator == resource.last_modified

    def _send_body(self, record: RecordedRequest, resource: Resource, start: int, length: int,
                   served_before: int) -> None:
        faults = resource.faults
        cut = faults.cut_at if faults.cut_at is not None and times_left(faults.cut_times, served_before) else None
        reset = faults.reset_at if faults.reset_at is not None and times_left(faults.reset_times, served_before) else None
        stall = faults.stall_at if faults.stall_at is not None and times_left(faults.stall_times, served_before) else None
        rate = faults.rate if faults.rate and times_left(faults.rate_times, served_before) else None
        plain = cut is None and reset is None and stall is None and not faults.corrupt and rate is None
        if plain and resource.file is not None and length:
            # Fast path for benchmarks: the kernel copies the file.
            with open(resource.file, "rb") as f:
                sent = self.connection.sendfile(f, start, length)
            record.body_sent = sent
            return
        chunk = CHUNK
        if rate:
            chunk = max(1, min(CHUNK, rate // 20))
        sent = 0
        stop = self.server.owner._stopping
        for piece in slices(resource, start, length, chunk):
            if faults.corrupt:
                piece = bytes(b ^ 0xFF for b in piece)
            while piece:
                due = [(limit, kind) for limit, kind in ((cut, "cut"), (reset, "reset"), (stall, "stall"))
                       if limit is not None and sent + len(piece) > limit]
                if not due:
                    if not self._write(record, piece):
                        return
                    sent += len(piece)
                    break
                limit, kind = min(due)
                head_bytes = max(0, limit - sent)
                if head_bytes and not self._write(record, piece[:head_bytes]):
                    return
                sent += head_bytes
                piece = piece[head_bytes:]
                record.fault = kind
                if kind == "stall":
                    stall = None
                    if self._stalled(faults, stop):
                        return
                    continue
                self._drop(reset=kind == "reset")
                return
            if rate and stop.wait(chunk / rate):
                self._drop(reset=True)
                return

    def _stalled(self, faults: Faults, stop: threading.Event) -> bool:
        """Send nothing for `stall_seconds`; True when the response ended meanwhile: the
        server stopping (RST) or the test releasing the stall (FIN). A stall the test resumes
        (`stall_resume`) goes on with the same response once it is set."""
        resume = faults.stall_resume
        if resume is not None:
            while not resume.wait(0.05):  # (the server stopping meanwhile ends it)
                if stop.is_set():
                    self._drop(reset=True)
                    return True
            return False
        release = faults.stall_release
        if release is None:
            if stop.wait(faults.stall_seconds):
                self._drop(reset=True)
                return True
            return False
        if not release.wait(faults.stall_seconds):
            return False
        self._drop(reset=stop.is_set())
        return True

    def _write(self, record: RecordedRequest, piece: bytes) -> bool:
        try:
            self.wfile.write(piece)
        except OSError:
            self.close_connection = True
            return False
        record.body_sent += len(piece)
        return True

    def _drop(self, *, reset: bool) -> None:
        """End the connection now: RST (SO_LINGER 0) or a clean FIN, mid-body."""
        self.close_connection = True
        sock = self.connection
        try:
            if reset:
                # Give the client time to read the bytes sent: an RST discards whatever is
                # still unread in its receive buffer, and the test wants N bytes delivered.
                self.server.owner._stopping.wait(0.2)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        sock.close()

    def _plain(self, record: RecordedRequest, status: int, body: bytes) -> None:
        record.status = status
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        record.body_sent = len(body)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()


# -- hostile modes ---------------------------------------------------------------------------------

ModeHandler = Callable[[FaultHandler, RecordedRequest, Resource, bool], None]
MODES: dict[str, ModeHandler] = {}


def hostile_mode(name: str) -> Callable[[ModeHandler], ModeHandler]:
    """Register `fn(handler, record, resource, head)` as the mode `name` (it answers the request)."""
    def register(fn: ModeHandler) -> ModeHandler:
        MODES[name] = fn
        return fn
    return register
