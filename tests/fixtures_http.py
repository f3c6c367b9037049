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
`tests/http_modes.py` (registered when this module loads), the request handler that applies
the faults in `tests/http_handler.py`, `Faults` and the request records in
`tests/http_faults.py`; besides the modes:

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
import socketserver
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import http_modes  # noqa: F401 - the hostile modes register themselves in MODES
from http_faults import Faults, RecordedRequest, Resource, etag_for
from http_handler import FaultHandler
from http_modes import gzip_bomb  # noqa: F401 - re-exported for the tests that build one

try:  # the fixture needs pytest; bench scripts importing the class do not
    import pytest
except ImportError:  # pragma: no cover
    pytest = None  # type: ignore[assignment]

# A fixed, valid HTTP date, so Last-Modified validators are stable within a test.
_EPOCH = 1_700_000_000.0


class _ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    owner: FaultyHTTPServer

    def handle_error(self, request: object, client_address: object) -> None:
        # Cut and reset connections raise in the handler thread on purpose; stay quiet.
        pass

    def shutdown_request(self, request) -> None:  # noqa: ANN001 - socketserver's signature
        """Over TLS, end the connection as a well-behaved server does: TLS's close_notify, then
        the TCP close (the base class's bare shutdown would leave out the close_notify, which
        is the `tls_close_notify=False` fault). A cut (`_drop`) has already dropped TLS."""
        if isinstance(request, ssl.SSLSocket) and not getattr(request, "ragged_close", False):
            with contextlib.suppress(OSError, ValueError):
                request.settimeout(5)
                request.unwrap()
        super().shutdown_request(request)


class FaultyHTTPServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 (ephemeral port) serving registered blobs."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *,
                 tls: TlsIdentity | None = None) -> None:
        self._lock = threading.Lock()
        self._resources: dict[str, Resource] = {}
        self._stopping = threading.Event()
        self.requests: list[RecordedRequest] = []
        self._httpd = _ThreadingServer((host, port), FaultHandler)
        self._httpd.owner = self
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls.cert, tls.key)
            # The handshake in the handler's thread (its first read), not in the accept loop.
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True,
                                                     do_handshake_on_connect=False)
            self.scheme = "https"
        self._thread: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> FaultyHTTPServer:
        if self._thread is None:
            # shutdown() is seen at the loop's next poll: at 0.05 s each of the ~640 tests with
            # a server waited ~50 ms in its teardown; 5 ms costs 200 idle wake-ups a second.
            self._thread = threading.Thread(target=self._httpd.serve_forever,
                                            kwargs={"poll_interval": 0.005},
                                            name="faulty-http", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes trickling and stalled handlers
        with self._lock:
            for resource in self._resources.values():
                if resource.faults.stall_release is not None:
                    resource.faults.stall_release.set()
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
        return f"{self.scheme}://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + _norm(path)

    # -- content ------------------------------------------------------------------------------
    def add(self, path: str, data: bytes, **faults: object) -> str:
        """Serve `data` at `path` with the given `Faults` fields; return its URL."""
        path = _norm(path)
        resource = Resource(data=bytes(data), file=None, faults=Faults(**faults),  # type: ignore[arg-type]
                            etag=etag_for(hashlib.sha256(data).hexdigest()),
                            last_modified=email.utils.formatdate(_EPOCH, usegmt=True))
        with self._lock:
            self._resources[path] = resource
        return self.url(path)

    def add_file(self, path: str, file: Path, **faults: object) -> str:
        """Serve a file from disk (read per request; sendfile when no fault applies)."""
        path = _norm(path)
        st = Path(file).stat()
        resource = Resource(data=None, file=Path(file), faults=Faults(**faults),  # type: ignore[arg-type]
                            etag=etag_for(f"{st.st_size:x}-{st.st_mtime_ns:x}"),
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
                etag=etag_for(hashlib.sha256(data).hexdigest()),
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


@dataclass(frozen=True)
class TlsIdentity:
    """A self-signed certificate for 127.0.0.1 and its key; clients trust it through
    SSL_CERT_FILE (httpx reads it)."""

    cert: Path
    key: Path


def make_tls_identity(directory: Path) -> TlsIdentity:
    """A P-256 certificate for IP 127.0.0.1 made by the openssl command (FileNotFoundError
    without it)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return TlsIdentity(cert, key)


def _norm(path: str) -> str:
    return path if path.startswith("/") else "/" + path


if pytest is not None:

    @pytest.fixture
    def http_server() -> Iterator[FaultyHTTPServer]:
        """A fresh loopback server per test; `http_server.add(path, data, **faults) -> url`."""
        with FaultyHTTPServer() as server:
            yield server

    @pytest.fixture(scope="session")
    def tls_identity(tmp_path_factory: pytest.TempPathFactory) -> TlsIdentity:
        try:
            return make_tls_identity(tmp_path_factory.mktemp("tls"))
        except (FileNotFoundError, subprocess.CalledProcessError) as err:
            pytest.skip(f"cannot make a test certificate with openssl: {err}")

    @pytest.fixture
    def https_server(tls_identity: TlsIdentity,
                     monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultyHTTPServer]:
        """`http_server` over TLS (https://127.0.0.1:PORT), its certificate trusted through
        SSL_CERT_FILE for this test (and the processes it starts)."""
        monkeypatch.setenv("SSL_CERT_FILE", str(tls_identity.cert))
        with FaultyHTTPServer(tls=tls_identity) as server:
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
