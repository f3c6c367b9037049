"""A real threaded HTTP/1.1 server on 127.0.0.1 that serves byte blobs and misbehaves on demand.

Used by the download, cache, install-job, UI tests and by bench/ scripts:

    # in tests (fixture, one fresh server per test):
    def test_x(http_server):
        url = http_server.add("/a.tar.gz", data, cut_at=len(data) // 2)
        ...
        assert http_server.requests_for("/a.tar.gz")[1].status == 206

    # in a script (plain class; put tests/ on sys.path first):
    from fixtures_http import FaultyHTTPServer
    with FaultyHTTPServer() as server:
        url = server.add_file("/big.tar.gz", Path("big.tar.gz"))

Each path has a `Resource` (its bytes and `Faults`). Faults that model a flaky network
(`fail`, `cut_at`, `reset_at`, `stall_at`) apply to the first N responses of that path
(`*_times`, default 1; -1 = always), so a retry sees the healed server. Faults that model a
broken server (`status`, `corrupt`, `ignore_range`, `rate`) apply to every response.
Every request is recorded (method, path, headers, status, range served, bytes sent).

Hostile servers are *modes* (`mode="endless"`, `mode="gzip_bomb"`, ...): a function registered
in `MODES` with `@hostile_mode("name")` that answers the whole request itself. A new mode is
one decorated function; its options go in `Faults.mode_args`. The modes live in
`tests/http_modes.py` (registered when this module loads); besides them:

- the built-in faults cover the rest: a trickle below a speed floor is `rate=` (with
  `rate_times=` to heal after N responses), a server that cuts every N bytes is
  `cut_at=N, cut_times=-1` (each response, resumed or not, ends after N body bytes), a lying
  length is `declare_length=`.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import http.server
import os
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

try:  # the fixture needs pytest; bench scripts importing the class do not
    import pytest
except ImportError:  # pragma: no cover
    pytest = None  # type: ignore[assignment]

_CHUNK = 64 * 1024
# A fixed, valid HTTP date, so Last-Modified validators are stable within a test.
_EPOCH = 1_700_000_000.0


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


def _times_left(times: int, served_before: int) -> bool:
    return times < 0 or served_before < times


class _Handler(http.server.BaseHTTPRequestHandler):
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
            parsed = _parse_range(range_header, size)
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
        self.send_header("Content-Type", "application/octet-stream")
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
        cut = faults.cut_at if faults.cut_at is not None and _times_left(faults.cut_times, served_before) else None
        reset = faults.reset_at if faults.reset_at is not None and _times_left(faults.reset_times, served_before) else None
        stall = faults.stall_at if faults.stall_at is not None and _times_left(faults.stall_times, served_before) else None
        rate = faults.rate if faults.rate and _times_left(faults.rate_times, served_before) else None
        plain = cut is None and reset is None and stall is None and not faults.corrupt and rate is None
        if plain and resource.file is not None and length:
            # Fast path for benchmarks: the kernel copies the file.
            with open(resource.file, "rb") as f:
                sent = self.connection.sendfile(f, start, length)
            record.body_sent = sent
            return
        chunk = _CHUNK
        if rate:
            chunk = max(1, min(_CHUNK, rate // 20))
        sent = 0
        stop = self.server.owner._stopping
        for piece in _slices(resource, start, length, chunk):
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
                    if stop.wait(faults.stall_seconds):
                        self._drop(reset=True)
                        return
                    continue
                self._drop(reset=kind == "reset")
                return
            if rate and stop.wait(chunk / rate):
                self._drop(reset=True)
                return

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

ModeHandler = Callable[[_Handler, RecordedRequest, Resource, bool], None]
MODES: dict[str, ModeHandler] = {}


def hostile_mode(name: str) -> Callable[[ModeHandler], ModeHandler]:
    """Register `fn(handler, record, resource, head)` as the mode `name` (it answers the request)."""
    def register(fn: ModeHandler) -> ModeHandler:
        MODES[name] = fn
        return fn
    return register


def _slices(resource: Resource, start: int, length: int, chunk: int) -> Iterator[bytes]:
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


def _parse_range(header: str, size: int) -> tuple[int, int] | str | None:
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


class _ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    owner: FaultyHTTPServer

    def handle_error(self, request: object, client_address: object) -> None:
        # Cut and reset connections raise in the handler thread on purpose; stay quiet.
        pass


class FaultyHTTPServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 (ephemeral port) serving registered blobs."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._lock = threading.Lock()
        self._resources: dict[str, Resource] = {}
        self._stopping = threading.Event()
        self.requests: list[RecordedRequest] = []
        self._httpd = _ThreadingServer((host, port), _Handler)
        self._httpd.owner = self
        self._thread: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> FaultyHTTPServer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever,
                                            kwargs={"poll_interval": 0.05},
                                            name="faulty-http", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes trickling and stalled handlers
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> FaultyHTTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + _norm(path)

    # -- content ------------------------------------------------------------------------------
    def add(self, path: str, data: bytes, **faults: object) -> str:
        """Serve `data` at `path` with the given `Faults` fields; return its URL."""
        path = _norm(path)
        resource = Resource(data=bytes(data), file=None, faults=Faults(**faults),  # type: ignore[arg-type]
                            etag=_etag(hashlib.sha256(data).hexdigest()),
                            last_modified=email.utils.formatdate(_EPOCH, usegmt=True))
        with self._lock:
            self._resources[path] = resource
        return self.url(path)

    def add_file(self, path: str, file: Path, **faults: object) -> str:
        """Serve a file from disk (read per request; sendfile when no fault applies)."""
        path = _norm(path)
        st = Path(file).stat()
        resource = Resource(data=None, file=Path(file), faults=Faults(**faults),  # type: ignore[arg-type]
                            etag=_etag(f"{st.st_size:x}-{st.st_mtime_ns:x}"),
                            last_modified=email.utils.formatdate(st.st_mtime, usegmt=True))
        with self._lock:
            self._resources[path] = resource
        return self.url(path)

    def replace(self, path: str, data: bytes) -> None:
        """New content at `path` (new ETag and Last-Modified), as if the file changed upstream."""
        path = _norm(path)
        with self._lock:
            old = self._resources[path]
            self._resources[path] = replace(
                old, data=bytes(data), file=None,
                etag=_etag(hashlib.sha256(data).hexdigest()),
                last_modified=email.utils.formatdate(_EPOCH + 3600 + old.served, usegmt=True))

    def set_faults(self, path: str, **faults: object) -> None:
        """Change the faults of a path (the response counter is kept)."""
        path = _norm(path)
        with self._lock:
            res = self._resources[path]
            res.faults = replace(res.faults, **faults)  # type: ignore[arg-type]

    def remove(self, path: str) -> None:
        with self._lock:
            self._resources.pop(_norm(path), None)

    # -- what happened ------------------------------------------------------------------------
    def requests_for(self, path: str) -> list[RecordedRequest]:
        path = _norm(path)
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def count(self, path: str | None = None) -> int:
        with self._lock:
            return len(self.requests) if path is None else sum(r.path == _norm(path) for r in self.requests)

    def resumed(self, path: str) -> bool:
        """True when some request for `path` sent a Range header and was answered 206."""
        return any(r.range_header and r.status == 206 for r in self.requests_for(path))

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- handler side -------------------------------------------------------------------------
    def _record(self, record: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(record)

    def _take(self, path: str) -> Resource | None:
        with self._lock:
            resource = self._resources.get(path)
            if resource is not None:
                resource.served += 1
            return resource


def _norm(path: str) -> str:
    return path if path.startswith("/") else "/" + path


def _etag(seed: str) -> str:
    return f'"{seed[:20]}"'


if pytest is not None:

    @pytest.fixture
    def http_server() -> Iterator[FaultyHTTPServer]:
        """A fresh loopback server per test; `http_server.add(path, data, **faults) -> url`."""
        with FaultyHTTPServer() as server:
            yield server


if __name__ == "__main__":  # pragma: no cover - manual use: serve a directory's files
    import sys

    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    port = int(os.environ.get("PORT", "0"))
    with FaultyHTTPServer(port=port) as srv:
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            print(srv.add_file("/" + file.relative_to(root).as_posix(), file))
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


# The hostile modes register themselves in MODES (a module of their own; imported last, as it
# imports this one).
import http_modes  # noqa: E402, F401
from http_modes import gzip_bomb  # noqa: E402, F401 - re-exported for the tests that build one
