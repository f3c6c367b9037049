"""Reading one URL into a download's body (core/download.py's `Downloader` retries and
resumes around these): a `file://` path, or an http(s) exchange through the plain socket
client or httpx, kept within the declared size and above the speed floor.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from pytui.core import plain_http
from pytui.core.download_body import Body, sent_as
from pytui.core.download_policy import SpeedFloor, TransferFailure
from pytui.core.download_response import (
    InFlight,
    accept_response,
    byte_count,
    ended_without_tls_close,
    request_headers,
    shut,
)
from pytui.core.errors import (
    CHUNKED_CUT,
    Cancelled,
    body_cut_short,
    describe_error,
    redirect_note,
    refused_reason,
    unresolved_host,
    unresolved_reason,
)
from pytui.core.exchange_deadline import ExchangeDeadline
from pytui.core.http import TransferLimits
from pytui.core.keys import TYPE_CHECKING
from pytui.core.progress import CancelToken
from pytui.core.units import format_bytes

if TYPE_CHECKING:
    from typing import Any

    import httpx


def is_file_url(url: str) -> bool:
    return url.startswith("file:")


def file_url_path(url: str) -> Path:
    """The local path of a `file://` URL; `%2B` decodes to `+`, as uv reads mirrors.

    See docs/uv-compat.md#download-urls-and-mirrors.
    """
    # The escapes decode to bytes, as uv's (Rust's) file URL reads them: url2pathname decoded
    # them as UTF-8 with replacement, so a directory holding a byte that is not UTF-8 (`%FF`,
    # which `export-mirror` writes for it) was looked for under another name, `�`.
    from urllib.parse import unquote_to_bytes

    parts = urlsplit(url)
    # Another machine's file (`file://server/srv/m`) is not read from this one's `/srv/m`, which
    # it was: uv 0.13.9 refuses it ("Invalid path in file URL"), as Rust's url crate does any
    # host but `localhost`.
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"a file URL of the host {parts.netloc[:64]!r}: pytui reads files of this "
                         "machine, file:///PATH")
    return Path(os.fsdecode(unquote_to_bytes(parts.path)))


# Why a download's TLS connection ended early (core/download_response.ended_without_tls_close).
TLS_ENDED = "TLS ended without its closing message"


def _cut_short(body: Body, began: int | None, cause: str) -> str:
    """A response cut short, said the same whichever client met it and however: `the connection
    was cut short after 97.7 KiB: CAUSE` (the bytes of its body that came, kept to resume)."""
    where = "before its body" if began is None else f"after {format_bytes(body.have - began)}"
    return f"the connection was cut short {where}: {cause}"


def _cut_cause(err: BaseException, transient_errors: tuple[Any, Any], peer_closed: bool,
               received: int, declared: int | None) -> str | None:
    """Why a body that began was cut short, or None when `err` (a client's) is no cut: a
    network error (a reset), or a protocol error once the connection's end was read before the
    body's (`InFlight.peer_closed`; a Content-Length body short of it). Decided from the types
    and the bytes, and worded by pytui, never by the client's text (h11's wording of a cut is
    not an interface)."""
    network_error, protocol_error = transient_errors
    if isinstance(err, network_error):
        return describe_error(err)
    if not isinstance(err, protocol_error) or not peer_closed:
        return None
    if declared is None:
        return f"{type(err).__name__}: {CHUNKED_CUT}"
    if received < declared:
        return f"{type(err).__name__}: {body_cut_short(received, declared)}"
    return None


class _UseHttpx(Exception):
    """The plain client met a redirect to a URL only httpx fetches."""


class UrlReaders:
    """The per-URL half of `Downloader` (its base class): what it reads from the downloader
    is declared here."""

    offline: bool
    env: dict[str, str]
    limits: TransferLimits
    chunk_size: int
    _client_factory: Callable[[], httpx.Client] | None

    def _http_client(self, url: str) -> httpx.Client:
        raise NotImplementedError

    def _limit(self, url: str, body: Body, declared: int | None) -> int:
        """The most bytes this body may reach: the catalog's size, else the server's, else the cap."""
        cap = self.limits.max_archive_bytes
        if body.expected_size is not None:
            if declared is not None and declared != body.expected_size:
                raise TransferFailure(url, f"the server declares {declared} bytes but the catalog says "
                               f"{body.expected_size}", transient=False)
            return body.expected_size
        if declared is not None and declared > cap:
            raise TransferFailure(url, f"the server declares {format_bytes(declared)}, more than the "
                           f"{format_bytes(cap)} pytui accepts for an archive (PYTUI_MAX_ARCHIVE_BYTES)",
                           transient=False)
        return cap if declared is None else declared

    def _overrun(self, url: str, body: Body, limit: int, declared: int | None) -> TransferFailure:
        body.poisoned = True
        if body.expected_size is not None:
            why = f"the {limit} bytes the catalog declares"
        elif declared is not None:
            why = f"the {limit} bytes it declared"
        else:
            why = (f"{format_bytes(limit)}, the most pytui accepts for an archive of undeclared size "
                   "(PYTUI_MAX_ARCHIVE_BYTES)")
        return TransferFailure(url, f"the server sent more than {why}; the bytes were dropped", transient=False)

    def _from_file(self, url: str, body: Body, cancel: CancelToken,
                   report: Callable[[], None]) -> Iterator[bytes]:
        try:
            path = file_url_path(url)
        except ValueError as err:  # `file://[x/…` from a mirror: urlsplit's, as for http://[::1
            raise TransferFailure(url, f"not a valid URL ({err})", transient=False) from None
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            raise TransferFailure(url, f"{path} does not exist", transient=False) from None
        except OSError as err:
            raise TransferFailure(url, f"cannot read {path}: {err.strerror or err}", transient=False) from None
        with open(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise TransferFailure(url, f"{path} is not a regular file", transient=False)
            os.set_blocking(fd, True)
            size = st.st_size
            limit = self._limit(url, body, size)
            skip = body.full_body_coming() if body.have else 0
            body.remember(url, None, None, size)
            f.seek(skip)
            try:
                while chunk := f.read(min(self.chunk_size, limit - body.have + 1)):
                    if cancel.cancelled:
                        raise Cancelled("download cancelled")
                    if body.have + len(chunk) > limit:
                        if limit != size:  # the catalog's size or the cap: said as for a server
                            raise self._overrun(url, body, limit, size)
                        body.poisoned = True
                        raise TransferFailure(url, f"{path} holds more than the {size} bytes its size "
                                              "says (a file being written, or a special file such as "
                                              "/proc's); the bytes were dropped", transient=False)
                    body.accept(chunk)
                    yield chunk
                    report()
            except OSError as err:
                raise TransferFailure(url, f"cannot read {path}: {err.strerror or err}", transient=False) from None
        if body.have != size:
            raise TransferFailure(url, f"{path} changed while it was read", transient=True)

    def _read_timeout(self) -> float:
        limits = self.limits
        # With a speed floor, a read that waits longer than its window is below it already.
        return min(limits.read_timeout, limits.speed_time) if limits.speed_limit else limits.read_timeout

    def _plain_client(self, url: str) -> plain_http.PlainClient | None:
        """The socket client for a plain http:// URL with no proxy (no httpx import); else None."""
        if self.offline or self._client_factory is not None or not plain_http.usable_for(url, self.env):
            return None
        from pytui.core.http import USER_AGENT

        return plain_http.PlainClient(USER_AGENT)

    def _from_http(self, url: str, body: Body, cancel: CancelToken,
                   report: Callable[[], None]) -> Iterator[bytes]:
        plain = self._plain_client(url)
        if plain is not None:
            try:
                yield from self._exchange(plain, (self.limits.connect_timeout, self._read_timeout()),
                                          plain_http.ERRORS, url, body, cancel, report)
                return
            except _UseHttpx:
                pass  # redirected to https: httpx follows the chain from the start (no byte was taken)
        import httpx

        read = self._read_timeout()
        timeout = httpx.Timeout(connect=self.limits.connect_timeout, read=read, write=read,
                                pool=self.limits.connect_timeout)
        # InvalidURL is no HTTPError: a redirect to `javascript:…` raised it through the install.
        errors = ((httpx.HTTPError, httpx.InvalidURL), httpx.TimeoutException,
                  (httpx.NetworkError, httpx.RemoteProtocolError))
        yield from self._exchange(self._http_client(url), timeout, errors, url, body, cancel, report,
                                  head_seconds=read)

    def _exchange(self, client: Any, timeout: object, errors: tuple[Any, Any, Any], url: str, body: Body,
                  cancel: CancelToken, report: Callable[[], None], *,
                  head_seconds: float | None = None) -> Iterator[bytes]:
        """One GET through `client` (httpx's or the plain one); `errors` are its (base, timeout,
        transient) exception classes. `head_seconds`: the response's head must be in within
        that (httpx bounds only each read; the plain client keeps its own such deadline)."""
        base, timed_out, transient_errors = errors
        headers, resume_from = request_headers(body)
        # A cancel shuts the exchange's connections from the moment they are made, so it also
        # wakes a request still waiting for the response's head (a mirror that never answers).
        in_flight = InFlight(strict_tls_close=True)
        # As the plain client says a head not in within the read timeout.
        head = ExchangeDeadline(in_flight.shut, head_seconds=head_seconds,
                                head_cause="timed out (ReadTimeout)")
        delimited_by_close = False
        began: int | None = None  # body.have when this response's body began
        received = [0]  # the bytes of this response's body that came (skipped ones too)
        declared: int | None = None  # its Content-Length, unless chunked
        try:
            with cancel.while_blocking(in_flight.shut), head, \
                    client.stream("GET", url, headers=headers, timeout=timeout,
                                  extensions={"trace": in_flight.trace}) as response, \
                    cancel.while_blocking(shut(response)):
                head.head_arrived()
                accepted = accept_response(url, body, response, resume_from)
                if accepted is None:
                    return  # the .part was already complete
                skip, total = accepted
                delimited_by_close = "content-length" not in response.headers and \
                    "transfer-encoding" not in response.headers
                if "transfer-encoding" not in response.headers:
                    declared = byte_count(response.headers.get("content-length", "").strip())
                limit = self._limit(url, body, total)
                body.remember(url, response.headers.get("etag"), response.headers.get("last-modified"),
                              total)
                # Over TLS a cut is told from the end (ended_without_tls_close); over TCP not.
                unsized = delimited_by_close and url[:6].lower() != "https:"
                body.sent_as = sent_as(response.headers.get("content-type"),
                                       response.headers.get("content-encoding"), unsized=unsized)
                report()
                began = body.have
                # iter_raw: the bytes as sent, never decoded (a gzip bomb stays its own size).
                yield from self._body_chunks(url, body, response.iter_raw(), skip, limit, total,
                                             cancel, report, received)
                body.ended_by_close = unsized
        except plain_http.NeedsFullClient:
            raise _UseHttpx from None
        except base as err:
            if cancel.cancelled:
                raise Cancelled("download cancelled") from None
            if head.cause is not None:
                raise TransferFailure(url, head.cause, transient=True, spends=True) from None
            if ended_without_tls_close(err):
                if delimited_by_close and body.expected_sha256 == body.hexdigest():
                    return  # a sloppy server's end (no TLS close after the whole file)
                raise TransferFailure(url, _cut_short(body, began, TLS_ENDED), transient=True) from None
            # Where a redirect led, when it failed there (httpx's errors name no URL).
            led = redirect_note(err, url)
            cut = _cut_cause(err, transient_errors, in_flight.peer_closed, received[0], declared) \
                if began is not None else None
            if cut is not None and body.expected_sha256 and body.hexdigest() == body.expected_sha256:
                # Cut short of what it declared, with every byte of the catalog's file in: the
                # sha256 says it is whole (a server declaring more than it sends, which may
                # ignore Range too: a resume from here got the same short body again).
                body.total = body.have
                return
            if cut is not None:
                # Reset, or closed before the declared end or a chunk's: the `.part` is resumed.
                raise TransferFailure(url, _cut_short(body, began, cut + led), transient=True) from None
            if isinstance(err, timed_out):
                raise TransferFailure(url, f"timed out ({type(err).__name__}){led}", transient=True,
                                      spends=True) from None
            host = unresolved_host(err, url)
            if host is not None:
                raise TransferFailure(url, unresolved_reason(host), transient=True,
                                      unresolved=host) from None
            raise TransferFailure(url, (refused_reason(err, url) or describe_error(err)) + led,
                                  transient=isinstance(err, transient_errors)) from None

    def _body_chunks(self, url: str, body: Body, raw: Iterator[bytes], skip: int, limit: int,
                     total: int | None, cancel: CancelToken, report: Callable[[], None],
                     received: list[int]) -> Iterator[bytes]:
        """Accept a response body's pieces: skip what was already given, keep within `limit`
        and above the speed floor; `received[0]` counts every byte that came. No re-chunking:
        httpx would hold back a partial chunk, and a cut connection would lose it;
        network-sized pieces keep every byte for a resume."""
        limits = self.limits
        # The floor counts every byte received, skipped ones too (a restart re-sends a prefix).
        floor = SpeedFloor(limits.speed_limit, limits.speed_time, 0)
        for piece in raw:
            if cancel.cancelled:
                raise Cancelled("download cancelled")
            received[0] += len(piece)
            if floor.too_slow(received[0]):
                raise TransferFailure(url, floor.reason, transient=True, spends=True)
            chunk = piece
            if skip:
                if len(chunk) <= skip:
                    skip -= len(chunk)
                    continue
                chunk, skip = chunk[skip:], 0
            if body.have + len(chunk) > limit:
                raise self._overrun(url, body, limit, total)
            body.accept(chunk)
            yield chunk
            report()
        if cancel.cancelled:
            raise Cancelled("download cancelled")
        if skip or (body.total is not None and body.have < body.total):
            raise TransferFailure(url, "the connection closed before the whole file arrived", transient=True)

