"""A small HTTP/1.1 GET client on a plain socket, for archive downloads from `http://` URLs.

Why: importing httpx (and the `email` package under `http.client`) costs about 0.07 s of CPU
on a quiet machine, on the critical path of a cold `install --no-cache`; a GET of one file
needs none of it. `core/download.py` uses this client only for `http://` URLs with no proxy
configured and no injected client; anything else (https, a proxy, a redirect to https) goes
through httpx as before (`NeedsFullClient`).

What it does: one request per connection (`Connection: close`); a body framed by
`Content-Length`, `Transfer-Encoding: chunked` or the connection's end; redirects followed to
`http://` URLs up to `MAX_REDIRECTS` (httpx's default). Bytes are taken raw, never decoded.
Bounded like h11: the status line and header block at most `MAX_HEADER_BYTES`, at most
`MAX_HEADERS` fields, a chunk-size line at most `MAX_CHUNK_LINE`, trailers within the header
bound; anything malformed is a `RemoteProtocolError` (transient, as with httpx), a cut is a
`ReadError`, a refused or failed connect a `ConnectError`, a silent peer a `ReadTimeout`
(and so is a head that has not ended within the read timeout, however it trickles in).
The error class names are httpx's, so failure lines read the same whichever client was used.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator, Mapping
from urllib.parse import SplitResult, urljoin, urlsplit

from pytui.core.errors import BAD_CHUNK_SIZE, CHUNKED_CUT, body_cut_short
from pytui.core.keys import TYPE_CHECKING, is_digits

if TYPE_CHECKING:
    from typing import Any

MAX_HEADER_BYTES = 64 * 1024
MAX_HEADERS = 100
MAX_CHUNK_LINE = 1024
MAX_REDIRECTS = 20
TOO_MANY_REDIRECTS = "Exceeded maximum allowed redirects."
# 1xx responses skipped before the real one.
MAX_INFORMATIONAL = 10
RECV_BYTES = 1 << 20
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PROXY_VARS = ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY")


class PlainHTTPError(Exception):
    """Base of this client's errors."""

    # The request a redirect led to, when it failed there (httpx's errors carry theirs).
    request: FailedRequest | None = None


class TimeoutException(PlainHTTPError):
    pass


class ConnectTimeout(TimeoutException):
    pass


class ReadTimeout(TimeoutException):
    pass


class NetworkError(PlainHTTPError):
    pass


class ConnectError(NetworkError):
    pass


class ReadError(NetworkError):
    pass


class FailedRequest:
    """The request a redirect led to that failed, as httpx's errors carry theirs (`err.request.url`)."""

    __slots__ = ("url",)

    def __init__(self, url: str) -> None:
        self.url = url


class RemoteProtocolError(PlainHTTPError):
    pass


class TooManyRedirects(PlainHTTPError):
    """Not transient: a redirect loop does not heal by retrying."""


class InvalidURL(PlainHTTPError):
    """Not transient: a server's Location that is no URL (`http://[::1/x`), or a host name no
    resolver takes (a label over 63 characters), does not heal by retrying."""


class NeedsFullClient(PlainHTTPError):
    """A redirect leads to a URL this client does not fetch (https): use httpx from the start."""


ERRORS = (PlainHTTPError, TimeoutException, (NetworkError, RemoteProtocolError))


def usable_for(url: str, env: Mapping[str, str]) -> bool:
    """True for an http:// URL when no proxy is configured for it."""
    return url[:7].lower() == "http://" and not any(env.get(name, "").strip() for name in _PROXY_VARS)


class _Stream:
    """The connection as httpcore's network streams show it: `get_extra_info("socket")` (what
    core/download_response.shut looks for, to shut it on cancel) and `read`, through which the
    body is read (core/download_response.InFlight notes its end there, as for httpcore's)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def get_extra_info(self, name: str) -> socket.socket | None:
        return self._sock if name == "socket" else None

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ARG002
        # httpcore's signature; the socket's own timeout (the read timeout, set once) applies.
        return self._sock.recv(max_bytes)


class PlainResponse:
    """The parts of an httpx.Response the downloader uses, over one socket."""

    def __init__(self, stream: _Stream, sock: socket.socket, status: int, reason: str,
                 headers: dict[str, str], rest: bytes) -> None:
        self.sock = sock
        self.status_code = status
        self.reason_phrase = reason
        self.headers = headers  # lower-case names
        self.extensions = {"network_stream": stream}
        self._stream = stream
        self._rest = rest

    def __enter__(self) -> PlainResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def _recv(self) -> bytes:
        if self._rest:
            data, self._rest = self._rest, b""
            return data
        try:
            return self._stream.read(RECV_BYTES)
        except TimeoutError:
            raise ReadTimeout("timed out") from None
        except OSError as err:
            raise ReadError(str(err) or type(err).__name__) from None

    def iter_raw(self) -> Iterator[bytes]:
        """The body as sent (no content decoding), in network-sized pieces."""
        if self.headers.get("transfer-encoding") is not None:
            yield from self._chunked()
            return
        length = self.headers.get("content-length")
        if length is None:
            while data := self._recv():
                yield data
            return
        declared = left = int(length)
        while left > 0:
            data = self._recv()
            if not data:
                raise RemoteProtocolError(body_cut_short(declared - left, declared))
            if len(data) > left:
                data = data[:left]  # a server sending more than it declared: the extra is dropped
            left -= len(data)
            yield data

    def _line(self, buffer: bytearray, limit: int) -> bytes:
        while True:
            end = buffer.find(b"\r\n")
            if end >= 0:
                line = bytes(buffer[:end])
                del buffer[:end + 2]
                return line
            if len(buffer) > limit:
                raise RemoteProtocolError("chunked body: a line past its bound")
            data = self._recv()
            if not data:
                raise RemoteProtocolError(CHUNKED_CUT)
            buffer += data

    def _chunked(self) -> Iterator[bytes]:
        buffer = bytearray()
        trailer_bytes = 0
        while True:
            size_text = self._line(buffer, MAX_CHUNK_LINE).split(b";", 1)[0].strip()
            if not size_text or len(size_text) > 16 or not all(c in b"0123456789abcdefABCDEF" for c in size_text):
                raise RemoteProtocolError(BAD_CHUNK_SIZE)
            left = int(size_text, 16)
            if left == 0:
                while self._line(buffer, MAX_HEADER_BYTES):  # trailers, bounded together
                    trailer_bytes += 1
                    if trailer_bytes > MAX_HEADERS:
                        raise RemoteProtocolError("chunked body: too many trailers")
                return
            while left > 0:
                if not buffer:
                    data = self._recv()
                    if not data:
                        raise RemoteProtocolError(CHUNKED_CUT)
                    buffer += data
                take = min(left, len(buffer))
                piece = bytes(buffer[:take])
                del buffer[:take]
                left -= take
                yield piece
            if self._line(buffer, 2) != b"":
                raise RemoteProtocolError("chunked body: no CRLF after a chunk")


def _parse_head(head: bytes) -> tuple[int, str, dict[str, str]]:
    lines = head.split(b"\r\n")
    status_line = lines[0].decode("latin-1")
    version, _, rest = status_line.partition(" ")
    code, _, reason = rest.partition(" ")
    # ASCII digits: the latin-1 line may hold `²`, which isdigit() takes and int() refuses.
    if version not in ("HTTP/1.1", "HTTP/1.0") or len(code) != 3 or not is_digits(code):
        raise RemoteProtocolError(f"bad status line {status_line[:80]!r}")
    if len(lines) - 1 > MAX_HEADERS:
        raise RemoteProtocolError(f"more than {MAX_HEADERS} header fields")
    headers: dict[str, str] = {}
    for raw in lines[1:]:
        name, sep, value = raw.partition(b":")
        if not sep or not name or name != name.strip() or raw[:1] in (b" ", b"\t"):
            raise RemoteProtocolError("malformed header field")
        key = name.decode("latin-1").lower()
        text = value.strip().decode("latin-1")
        if key in headers:
            if key in ("content-length", "transfer-encoding") and headers[key] != text:
                raise RemoteProtocolError(f"conflicting {key} headers")
            if key not in ("content-length",):
                text = f"{headers[key]}, {text}"
        headers[key] = text
    encoding = headers.get("transfer-encoding")
    if encoding is not None and encoding.lower() != "chunked":
        raise RemoteProtocolError(f"unsupported transfer-encoding {encoding[:40]!r}")
    length = headers.get("content-length")
    if length is not None and encoding is None and not (length.isascii() and length.isdigit() and len(length) < 20):
        raise RemoteProtocolError("bad content-length")
    return int(code), reason, headers


def _percent_escaped(ch: str) -> str:
    """A character a request target may not hold as is (a space would end the target early, a
    control byte break the request line; a server's Location keeps them, as urljoin drops only
    tab, CR and LF), sent as httpx sends it: its bytes percent-escaped (a header's byte as
    latin-1 decoded it, anything past that as UTF-8)."""
    return "".join(f"%{byte:02X}" for byte in ch.encode("latin-1" if ord(ch) < 0x100 else "utf-8"))


def _basic_auth(first: SplitResult, url: str) -> dict[str, str]:
    """`Authorization: Basic …` from the user info of `url`, or of the first URL asked for while
    a redirect stays on its host and port (a mirror `http://user:secret@host/`), as httpx and
    uv send it; none to another host. Without it a mirror that asks for a password got none."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        if parts.netloc.rpartition("@")[2].lower() != first.netloc.rpartition("@")[2].lower():
            return {}
        parts = first
    if parts.username is None and parts.password is None:
        return {}
    from base64 import b64encode
    from urllib.parse import unquote

    pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
    return {"Authorization": "Basic " + b64encode(pair.encode("utf-8")).decode("ascii")}


def redirect_target(url: str, location: str) -> str:
    """Where a redirect from `url` leads: the one check of a server's `Location`, for this
    client and httpx's (core/http.py's response hook), so both say the same line. A blank one
    read as no redirect here (`HTTP 302 Found`) and as the same URL again to httpx (`Exceeded
    maximum allowed redirects`); a malformed one (`http://[::1/x`) is no URL either. Either is
    InvalidURL (not retried), naming the Location; the caller names the URL and what to do."""
    if not location.strip():
        raise InvalidURL(f"redirected to no URL (Location: {location[:200]!r})")
    try:
        return urljoin(url, location)
    except ValueError:
        raise InvalidURL(f"redirected to a malformed URL {location[:200]!r}") from None


class PlainClient:
    """`stream("GET", url, headers=..., timeout=(connect, read))` as httpx's, for http:// only."""

    def __init__(self, user_agent: str) -> None:
        self.user_agent = user_agent

    def close(self) -> None:
        pass  # nothing pooled

    def stream(self, method: str, url: str, *, headers: Mapping[str, str],
               timeout: tuple[float, float],
               extensions: Mapping[str, Any] | None = None) -> PlainResponse:
        """`extensions["trace"]`, as httpcore's: called with each new connection's stream
        ("connection.connect_tcp.complete"), before the request is sent."""
        trace = (extensions or {}).get("trace")
        first = urlsplit(url)
        for hop in range(MAX_REDIRECTS + 1):
            led_nowhere: PlainHTTPError | None = None
            refused: ConnectError | None = None
            try:
                response = self._send(method, url, {**headers, **_basic_auth(first, url)}, timeout, trace)
            except (ConnectError, ConnectTimeout) as err:
                if not hop:
                    raise
                # The caller names the URL it asked for; where a redirect led is its request's,
                # as httpx's errors carry it (core/errors.redirect_note says it), or "Name or
                # service not known" would read as the first host's. Raised outside the
                # handler, with no chain (a lookup failure in it would be read as the first
                # URL's host not resolving: core/errors.unresolved_host), except a refusal's,
                # which core/errors.refused_reason reads from it.
                led_nowhere = type(err)(str(err))
                led_nowhere.request = FailedRequest(url)
                if isinstance(err, ConnectError) and isinstance(err.__context__, ConnectionRefusedError):
                    refused = err
            if led_nowhere is not None:
                raise led_nowhere from refused
            location = response.headers.get("location")
            if response.status_code not in REDIRECTS or location is None:
                return response
            response.close()
            url = redirect_target(url, location)
            if url[:7].lower() != "http://":
                raise NeedsFullClient(url)
        # httpx's words (the catalog's client, and an https archive's): one line for a loop.
        raise TooManyRedirects(TOO_MANY_REDIRECTS)

    def _send(self, method: str, url: str, headers: Mapping[str, str],
              timeout: tuple[float, float],
              trace: Callable[[str, dict[str, Any]], None] | None = None) -> PlainResponse:
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            port = parts.port or 80
        except ValueError:
            raise ConnectError(f"bad port in {url[:200]!r}") from None
        if not host:
            raise ConnectError(f"no host in {url[:200]!r}")
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        if not (target.isascii() and target.isprintable()) or " " in target:
            target = "".join(ch if "!" <= ch <= "~" else _percent_escaped(ch) for ch in target)
        host_header = f"[{host}]" if ":" in host else host
        if parts.port is not None:
            host_header += f":{port}"
        lines = [f"{method} {target} HTTP/1.1", f"Host: {host_header}", f"User-Agent: {self.user_agent}",
                 "Accept: */*", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()
                  if name.lower() != "connection"]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        connect, read = timeout
        try:
            sock = socket.create_connection((host, port), timeout=connect)
        except TimeoutError:
            raise ConnectTimeout("timed out") from None
        except OSError as err:
            raise ConnectError(err.strerror or str(err) or type(err).__name__) from None
        except UnicodeError as err:  # the IDNA encoding of the host name failed
            raise InvalidURL(f"invalid host name {host[:200]!r} ({err})") from None
        try:
            stream = _Stream(sock)
            if trace is not None:
                trace("connection.connect_tcp.complete", {"return_value": stream})
            sock.settimeout(read)
            sock.sendall(request)
            return self._read_head(stream, sock, read)
        except TimeoutError:
            sock.close()
            raise ReadTimeout("timed out") from None
        except OSError as err:
            sock.close()
            raise ReadError(err.strerror or str(err) or type(err).__name__) from None
        except BaseException:
            sock.close()
            raise

    @staticmethod
    def _read_head(stream: _Stream, sock: socket.socket, read_timeout: float) -> PlainResponse:
        """The status line and headers, which must all arrive within the read timeout (a peer
        sending a byte just within each read's timeout would otherwise hold the head open for
        hours); the body's reads then wait up to the read timeout each."""
        deadline = time.monotonic() + read_timeout
        buffer = b""
        for _ in range(MAX_INFORMATIONAL + 1):
            while (end := buffer.find(b"\r\n\r\n")) < 0:
                if len(buffer) > MAX_HEADER_BYTES:
                    raise RemoteProtocolError(f"response headers longer than {MAX_HEADER_BYTES} bytes")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                sock.settimeout(left)
                data = sock.recv(65536)
                if not data:
                    raise RemoteProtocolError("server disconnected without sending a response")
                buffer += data
            if end > MAX_HEADER_BYTES:
                raise RemoteProtocolError(f"response headers longer than {MAX_HEADER_BYTES} bytes")
            status, reason, headers = _parse_head(buffer[:end])
            buffer = buffer[end + 4:]
            if status >= 200:
                sock.settimeout(read_timeout)
                return PlainResponse(stream, sock, status, reason, headers, buffer)
        raise RemoteProtocolError("too many informational responses")
