"""Fetching a catalog over HTTP, bounded in size and time.

A catalog server is hostile until checked: its body is read as raw bytes up to
`MAX_CATALOG_BYTES` (a larger declared Content-Length is refused before reading), a gzip or
deflate body the server sends anyway is decoded in bounded pieces, a transfer that moves slower
than the archives' speed floor (`PYTUI_HTTP_SPEED_LIMIT` bytes/s over `PYTUI_HTTP_SPEED_TIME` s)
is cut, and the whole fetch must end within `MAX_FETCH_SECONDS`. Both bounds count from the
request, the headers' wait included: the fetch's deadline (core/exchange_deadline) shuts the
connection when the headers are not in by the end of the floor's first window, or the fetch
outlives its total bound (httpx bounds only each read, so a server sending a header byte every
20 s held `pytui list --refresh` for days, and a silent one for the whole read timeout). Without the floor a server
dripping its body at 50 bytes/s held the refresh silent until the deadline.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from pytui.core.catalog import MAX_CATALOG_BYTES
from pytui.core.errors import CatalogError, CatalogFetchError
from pytui.core.exchange_deadline import ExchangeDeadline
from pytui.core.keys import TYPE_CHECKING, is_digits
from pytui.core.units import format_bytes

if TYPE_CHECKING:
    from pytui.core.download_response import InFlight
    from pytui.core.http import TransferLimits

# uv's 3 MB catalog takes ~30 s at 100 KB/s; a server slower than that over the whole
# transfer is cut (the speed floor, when on, cuts a slow one sooner).
MAX_FETCH_SECONDS = 300.0
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Fetched:
    """A catalog response: its status, ETag (validated) and body (empty unless status 200)."""

    status: int
    etag: str | None
    data: bytes


def valid_etag(value: object) -> str | None:
    """An ETag worth keeping and sending back: printable ASCII of sane length, else None."""
    if type(value) is not str or not 0 < len(value) <= 512 or not value.isascii() \
            or not value.isprintable():
        return None
    return value


def fetch_catalog(client, url: str, *, headers: dict[str, str] | None = None,
                  max_bytes: int | None = None, max_seconds: float | None = None,
                  limits: TransferLimits | None = None, what: str = "catalog") -> Fetched:
    """GET `url` with `client` (an httpx.Client from core.http.make_client); `what` names the
    file in messages (the release-cycle dates are fetched the same way).

    Raises `CatalogFetchError` (one line) for a body over `max_bytes` (default
    `MAX_CATALOG_BYTES`), one below the speed floor of `limits` (none without), a transfer over
    `max_seconds` (default `MAX_FETCH_SECONDS`) or a content encoding pytui does not read;
    httpx errors propagate.
    """
    max_bytes = MAX_CATALOG_BYTES if max_bytes is None else max_bytes
    max_seconds = MAX_FETCH_SECONDS if max_seconds is None else max_seconds
    from pytui.core.download_response import InFlight

    in_flight = InFlight()
    deadline = _deadline(in_flight, limits, max_seconds)
    try:
        with deadline:
            return _fetch(client, url, headers, max_bytes, deadline, in_flight, limits, what)
    except CatalogError:
        raise
    except Exception:
        # The deadline shut the connection: what the client raised for it is the bound's doing.
        if deadline.cause is not None:
            raise refused(what, url, deadline.cause, _retry_hint(what)) from None
        raise


def _deadline(in_flight: InFlight, limits: TransferLimits | None,
              max_seconds: float) -> ExchangeDeadline:
    """The fetch's time bounds: the headers by the end of the speed floor's first window (when
    there is a floor), everything by `max_seconds`."""
    head_seconds = head_cause = None
    if limits is not None and limits.speed_limit and limits.speed_time < max_seconds:
        head_seconds = limits.speed_time
        head_cause = (f"did not send its response headers within {limits.speed_time:g} s, "
                      f"slower than the floor of {limits.speed_limit} bytes/s that "
                      "PYTUI_HTTP_SPEED_LIMIT and PYTUI_HTTP_SPEED_TIME set")
    return ExchangeDeadline(in_flight.shut, head_seconds=head_seconds, head_cause=head_cause or "",
                            total_seconds=max_seconds, total_cause=_over_time(max_seconds))


def _over_time(max_seconds: float) -> str:
    return f"took more than {max_seconds:g} s to download"


def _fetch(client, url: str, headers: dict[str, str] | None, max_bytes: int,
           deadline: ExchangeDeadline, in_flight: InFlight, limits: TransferLimits | None,
           what: str) -> Fetched:
    from pytui.core.download_policy import SpeedFloor

    # One connection per fetch, never a pooled one: the deadline can only shut a connection it
    # saw being made.
    request_headers = {"Accept-Encoding": "identity", "Connection": "close", **(headers or {})}
    with client.stream("GET", url, headers=request_headers,
                       extensions={"trace": in_flight.trace}) as response:
        deadline.head_arrived()
        status = response.status_code
        etag = valid_etag(response.headers.get("ETag"))
        if status != 200:
            return Fetched(status, etag, b"")
        declared = response.headers.get("Content-Length", "")
        if is_digits(declared) and len(declared) < 30 and int(declared) > max_bytes:
            raise refused(what, url, f"is {format_bytes(int(declared))}, more than pytui reads "
                                     f"({format_bytes(max_bytes)})", "check the URL")
        decoder = _decoder(response.headers.get("Content-Encoding", ""), url, what)
        floor = SpeedFloor(limits.speed_limit if limits else 0, limits.speed_time if limits else 1.0, 0,
                           started=deadline.started)
        chunks: list[bytes] = []
        total = received = 0
        # iter_raw() without a size: the pieces as they arrive (a size would hold each back
        # until it filled, so a drip met no check for 64 KiB).
        for raw in response.iter_raw():
            received += len(raw)
            if limits is not None and floor.too_slow(received):
                raise refused(what, url, f"is {floor.reason}", _retry_hint(what))
            pieces = [raw] if decoder is None else decoder.feed(raw, max_bytes - total + 1)
            for piece in pieces:
                total += len(piece)
                if total > max_bytes:
                    raise refused(what, url, f"is more than {format_bytes(max_bytes)}, the most "
                                             "pytui reads", "check the URL")
                chunks.append(piece)
            over = deadline.check(time.monotonic())
            if over is not None:
                raise refused(what, url, over, _retry_hint(what))
        if decoder is not None:
            decoder.finish()
    return Fetched(status, etag, b"".join(chunks))


def refused(what: str, url: str, cause: str, next_step: str) -> CatalogFetchError:
    """`catalog URL CAUSE; NEXT STEP`, its cause kept for a line that names the URL itself."""
    cause_alone = cause.removeprefix("is ")
    return CatalogFetchError(f"{what} {url} {cause}; {next_step}", cause_alone)


def _retry_hint(what: str) -> str:
    if what != "catalog":
        return "try again"
    return ("try again, or point --downloads-json / UV_PYTHON_DOWNLOADS_JSON_URL at a local copy "
            "(without either, pytui lists its own catalog)")


class _BoundedInflate:
    """gzip/deflate decoding that never produces more than asked for per call."""

    def __init__(self, wbits: int, url: str, what: str = "catalog") -> None:
        import zlib

        self._zlib = zlib
        self._inflate = zlib.decompressobj(wbits)
        self._url = url
        self._what = what

    def feed(self, data: bytes, room: int) -> list[bytes]:
        """Decode `data`; stops after `room` bytes (the caller then refuses the body)."""
        out: list[bytes] = []
        try:
            while data and room > 0:
                piece = self._inflate.decompress(data, min(room, _CHUNK * 4))
                out.append(piece)
                room -= len(piece)
                data = self._inflate.unconsumed_tail
        except self._zlib.error as err:
            raise CatalogError(f"{self._what} {self._url} has a corrupt compressed body ({err}); "
                               "check the URL") from None
        # Output stops at `room`, one byte past the caller's bound: the caller refuses the body.
        return out

    def finish(self) -> None:
        if not self._inflate.eof:
            raise CatalogError(f"{self._what} {self._url} ended in the middle of its compressed "
                               "body; try again")


def _decoder(encoding: str, url: str, what: str = "catalog") -> _BoundedInflate | None:
    encoding = encoding.strip().lower()
    if encoding in {"", "identity"}:
        return None
    if encoding in {"gzip", "x-gzip"}:
        return _BoundedInflate(16 + 15, url, what)
    if encoding == "deflate":
        return _BoundedInflate(15, url, what)
    raise CatalogError(f"{what} {url} came with Content-Encoding {encoding[:40]!r}, which pytui "
                       "does not read; check the URL or the proxy")
