"""Downloads that retry, resume, hash as the bytes arrive, and stay within declared bounds
(docs/uv-compat.md#retries-and-timeouts).

Behaviour, compared with uv's:

- The URLs are tried in order; a network or HTTP failure moves on to the next URL at once.
  When every URL failed and at least one failure was transient (connect error, timeout,
  HTTP 5xx/408/429, a connection cut or reset mid-body, a transfer under the speed floor), the
  whole list is tried again after an exponential backoff with jitter, up to `UV_HTTP_RETRIES`
  (default 3) times.
- Unlike uv, a retry **resumes**: it asks for `Range: bytes=N-` with `If-Range: <ETag or
  Last-Modified>`. A 206 continues the `.part`; a 200 (the server ignores ranges, or the file
  changed) starts over cleanly. The validator is kept beside the `.part` (`<part>.json`), so
  a later process resumes too.
- A connection cut or reset after at least `MIN_PROGRESS` new bytes is retried on the same URL
  at once and does **not** spend the retry budget (up to `MAX_PROGRESS_RETRIES` times): a
  server that cuts every megabyte still delivers the file in one run. Timeouts and the speed
  floor always spend it.
- Bounds (core/http.py): never more bytes than the catalog or the server declared, and never
  more than `PYTUI_MAX_ARCHIVE_BYTES` (2 GiB) — a server that sends more is refused and its
  bytes dropped; bodies are taken raw, never decoded (`Content-Encoding` is not undone, so a
  gzip bomb is only its compressed size, and fails the sha256); a transfer slower than
  `PYTUI_HTTP_SPEED_LIMIT` bytes/s (1024) averaged over `PYTUI_HTTP_SPEED_TIME` s (30) is cut
  and retried; a download that does not fit on the disk (free space checked against the
  declared size first, ENOSPC while writing) removes its `.part` and says how much it needs.
- The sha256 is computed while bytes arrive (a resumed `.part` is hashed first). A mismatch
  after a resume is retried once from byte 0 before it is reported.
- `file://` URLs (a local mirror) are read straight from disk and work offline; only regular
  files are read. When offline, http(s) URLs fail with `OfflineError` before any HTTP client
  exists: no socket is opened.
- Cancel is checked at every chunk, and a cancel shuts the socket of a transfer in progress so
  a blocked read returns at once; a cancelled download leaves a resumable `.part`.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from pytui.core.download_body import (
    STATE_SUFFIX,
    Body,
    DiskFull,
    FileBody,
    NoSpace,
    StreamBody,
    no_space_message,
    read_part_state,
)
from pytui.core.download_policy import (
    CPYTHON_MIRROR,
    FETCHED_SCHEMES,
    MAX_PROGRESS_RETRIES,
    MIN_PROGRESS,
    MISSING_STATUS,
    Backoff,
    SpeedMeter,
    TransferFailure,
    host_next_step,
    mirror_names,
    missing_next_step,
    other_next_step,
    retries_from_env,
    scheme_next_step,
    unreachable_next_step,
    unresolved_hosts_reason,
)
from pytui.core.download_readers import UrlReaders, file_url_path, is_file_url
from pytui.core.download_stream import DownloadStream
from pytui.core.errors import Cancelled, DownloadError, HashMismatch, OfflineError
from pytui.core.http import TransferLimits
from pytui.core.keys import TYPE_CHECKING
from pytui.core.progress import CancelToken, Progress, ProgressCallback, Throttle, no_progress
from pytui.core.units import format_bytes

if TYPE_CHECKING:
    from typing import Any, NamedTuple

    import httpx
    from pytui.core.settings import Settings

__all__ = ["MIN_PROGRESS", "STATE_SUFFIX", "Backoff", "DownloadResult", "DownloadStream", "Downloader",
           "NoSpace", "file_url_path", "is_file_url", "read_part_state", "retries_from_env"]

CHUNK_SIZE = 128 * 1024


def _seconds(delay: float) -> str:
    """`1.5 s`, `12 s`: a backoff as long as it is (a 1.5 s wait shown as `2 s` read wrong
    beside the total time of the attempts)."""
    return f"{delay:.1f} s" if delay < 10 else f"{delay:.0f} s"


def _scheme_fault(url: str) -> str:
    """Why `url` has no reader: a scheme other than http, https and file; or one of those
    without the `//` that follows it (`http:/20250115/…`, a mirror `http://` joined to a build's
    path; `file:dir/…`), which read `not 'http'`; or no scheme at all (a mirror `srv/mirror`)."""
    scheme, colon, _ = url.partition(":")
    if scheme.lower() in ("http", "https"):
        return f"it is not an {scheme} URL pytui can read, which starts `{scheme}://` and a host"
    if scheme.lower() == "file":
        return ("it is not a file URL pytui can read, which starts `file://` and an absolute "
                "path (file:///srv/mirror)")
    if not colon or not (scheme[:1].isascii() and scheme[:1].isalpha()
                         and all(c.isascii() and (c.isalnum() or c in "+.-") for c in scheme)):
        return "it is not a URL (it starts with no scheme such as https://)"
    return f"pytui downloads over http, https and file URLs, not {scheme[:32]!r}"


def _url_fault(url: str) -> tuple[str, str] | None:
    """Why no request to the http(s) or file `url` can be made, and the part of it to fix
    (`host`, `port`); None if one can. Shape only: nothing is looked up or read."""
    from pytui.core.url_host import host_fault, parser_fault, port_fault

    fault = host_fault(url)
    if fault is not None:
        return fault, "host"
    fault = port_fault(url)
    if fault is not None:
        return fault, "port"
    if is_file_url(url):
        try:  # `file://server/…`
            file_url_path(url)
        except ValueError as err:
            return f"not a valid URL ({err})", "host"
        return None
    fault = parser_fault(url)  # `http://[::1/…`, `http://[zz]/…`
    return (fault, "host") if fault is not None else None


def _host(url: str) -> str:
    """`mirror.example:8080` of a URL: where a request waits (no user or password)."""
    return urlsplit(url).netloc.rpartition("@")[2]


# A finished download: the bytes are in `path` (the `.part`) and hashed. `resumed_from`: bytes
# that were already there (an earlier attempt or process) and were not fetched again;
# `requests`: HTTP requests or file reads made, including failed ones. (collections'
# namedtuple: `dataclasses` imports `inspect`, `typing.NamedTuple` `typing`, which a cold
# install would pay for.)
if TYPE_CHECKING:
    class DownloadResult(NamedTuple):
        path: Path
        url: str
        size: int
        sha256: str
        resumed_from: int
        requests: int
else:
    DownloadResult = namedtuple("DownloadResult", "path url size sha256 resumed_from requests")


class Downloader(UrlReaders):
    """Fetches a list of URLs into a `.part` file or as a stream, with retries and resume.

    One instance may serve several downloads at once (threads); its HTTP client is created
    on first use through `core.http.make_client` and shared. Close it when done. The bounds
    come from `limits` (default: `TransferLimits.from_env(env)`; an invalid environment value
    raises `UsageError` here).
    """

    def __init__(
        self,
        *,
        offline: bool = False,
        client_factory: Callable[[], httpx.Client] | None = None,
        env: Mapping[str, str] | None = None,
        retries: int | None = None,
        backoff: Backoff | None = None,
        chunk_size: int = CHUNK_SIZE,
        limits: TransferLimits | None = None,
    ) -> None:
        self.offline = offline
        self.env = dict(os.environ if env is None else env)
        self.limits = limits or TransferLimits.from_env(self.env)
        self.retries = self.limits.retries if retries is None else retries
        self.backoff = backoff or Backoff.from_env(self.env)
        self.chunk_size = chunk_size
        self._client_factory = client_factory
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()
        # The mirrors in words for a failure's next step (download_policy.mirror_names): where
        # a configuration file set one, that file.
        self.mirror_names: dict[str, str] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> Downloader:
        downloader = cls(offline=settings.offline, env=settings.env, **kwargs)
        downloader.mirror_names = mirror_names(settings)
        return downloader

    def __enter__(self) -> Downloader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def _http_client(self, url: str) -> httpx.Client:
        with self._lock:
            if self._client is None:
                if self._client_factory is not None:
                    if self.offline:
                        raise OfflineError(f"downloading {url} needs the network, but pytui is offline")
                    self._client = self._client_factory()
                else:
                    from pytui.core.http import make_client

                    self._client = make_client(offline=self.offline, what=f"downloading {url}",
                                               env=self.env)
            return self._client

    def prepare(self) -> None:
        """Create the HTTP client now: importing httpx and loading CA certificates take ~0.1 s.

        Meant for a background thread started as soon as a caller knows a download is coming,
        so that this overlaps other start-up work; a download waits for it (same lock). Does
        nothing offline; errors are left for the download to raise.
        """
        if self.offline:
            return
        with contextlib.suppress(Exception):
            self._http_client("(prepare)")

    # -- public entry points ------------------------------------------------------------------
    def download(
        self,
        urls: Sequence[str],
        part: Path,
        *,
        expected_sha256: str | None = None,
        expected_size: int | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        what: str = "archive",
        mirror: str | None = CPYTHON_MIRROR,
    ) -> DownloadResult:
        """Fetch into `part` (resuming what it holds) and check the sha256 (and size, if given).

        Returns with the complete, verified bytes in `part`; the caller renames it. On a hash
        mismatch, a server that sent more than it may, or a full disk, the `.part` is deleted;
        on any other failure or a cancel, the `.part` and its state are kept for the next
        attempt to resume.
        """
        cancel = cancel or CancelToken()
        urls = self._usable_urls(urls, what, mirror)
        body = self._file_body(part, expected_sha256, expected_size)
        requests = 0
        fresh_retry_done = close_resume_done = False
        doubted = ""  # what the response a close-ended mismatch resumed said its body was
        while True:
            resumed_from = 0
            try:
                try:
                    body.open(cancel)
                    resumed_from = body.resumed_from
                    for _ in self._transfer(urls, body, cancel=cancel, progress=progress, what=what,
                                            mirror=mirror, kept=f"; {part} keeps the bytes received and the next attempt resumes it"):
                        pass
                finally:
                    requests += body.requests
                    body.close()  # flushes: a full disk can surface here too
            except DiskFull as full:
                body.discard()
                raise NoSpace(no_space_message(what, full)) from None
            except Cancelled:
                if not body.have:
                    body.discard()
                    raise Cancelled(f"download of {what} cancelled") from None
                raise Cancelled(f"download of {what} cancelled; {format_bytes(body.have)} kept in "
                                f"{part} for the next attempt to resume") from None
            except BaseException:
                if not body.have or body.poisoned:
                    body.discard()  # leave no empty (or refused) .part behind
                raise
            digest = body.hexdigest()
            if body.expected_sha256 and digest != body.expected_sha256:
                if body.cut_by_close() and not close_resume_done:
                    # Over plain TCP a body of no declared size ends with its connection, so a
                    # cut reads as the end: resume once from the bytes kept. The sha256 still
                    # decides; a wrong file's resume finds it whole (416), and its mismatch is
                    # said then, with no clean retry after.
                    close_resume_done = fresh_retry_done = True
                    doubted = body.sent_as
                    body = self._file_body(part, expected_sha256, expected_size)
                    continue
                if (body.spliced or resumed_from) and not fresh_retry_done:
                    # Bytes from two responses (or an old .part) disagree: one clean retry.
                    fresh_retry_done = True
                    body.discard()
                    body = self._file_body(part, expected_sha256, expected_size)
                    continue
                body.discard()
                said = body.sent_as or doubted
                why = f"; {said}" if said else ""
                raise HashMismatch(
                    f"sha256 mismatch for {what} from {body.url or urls[0]}: expected "
                    f"{body.expected_sha256}, computed {digest}{why}; the download was discarded and "
                    "nothing was cached (try again; if it persists the mirror or catalog is wrong)")
            body.forget_state()
            return DownloadResult(path=part, url=body.url or urls[0], size=body.have, sha256=digest,
                                  resumed_from=resumed_from, requests=requests)

    def _file_body(self, part: Path, expected_sha256: str | None, expected_size: int | None) -> FileBody:
        return FileBody(part, expected_sha256, expected_size, max_bytes=self.limits.max_archive_bytes)

    def stream(
        self,
        urls: Sequence[str],
        *,
        expected_sha256: str | None = None,
        expected_size: int | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        what: str = "archive",
        mirror: str | None = CPYTHON_MIRROR,
    ) -> DownloadStream:
        """Start a download whose bytes go to a consumer (`--no-cache`), hashed as they pass.

        The first response is awaited here, so a 404 or an offline refusal raises now and
        `total` is known. Call `verify()` after the last byte, before committing anything.
        """
        cancel = cancel or CancelToken()
        urls = self._usable_urls(urls, what, mirror)
        body = StreamBody(expected_sha256, expected_size)
        chunks = self._stream_chunks(urls, body, cancel=cancel, progress=progress, what=what,
                                     mirror=mirror)
        return DownloadStream(chunks, body, what=what, fallback_url=urls[0])

    def _stream_chunks(self, urls: list[str], body: StreamBody, *, cancel: CancelToken,
                       progress: ProgressCallback, what: str, mirror: str | None) -> Iterator[bytes]:
        """The stream's bytes; a body of no declared size that ended with its connection and
        fails the sha256 is resumed once from the bytes the consumer has, as `download` resumes
        its `.part`: the extractor reading the stream reads on, never told of the cut. A 200
        to the resume is skipped up to those bytes (StreamBody); a 416 (whole already) leaves
        the mismatch to `DownloadStream.verify`, said with what the first response was."""
        yield from self._transfer(urls, body, cancel=cancel, progress=progress, what=what, kept="",
                                  mirror=mirror)
        if body.cut_by_close():
            doubted = body.sent_as
            yield from self._transfer(urls, body, cancel=cancel, progress=progress, what=what,
                                      kept="", mirror=mirror)
            body.sent_as = body.sent_as or doubted

    # -- the engine ---------------------------------------------------------------------------
    def _usable_urls(self, urls: Sequence[str], what: str, mirror: str | None) -> list[str]:
        if not urls:
            raise DownloadError(f"{what} has no download URL")
        # A mirror (--mirror / UV_PYTHON_INSTALL_MIRROR, not checked when read, as uv reads it)
        # may name a scheme no reader has: said as such, not as the HTTP client's refusal
        # followed by 'try again later'. (Catalog URLs are checked when the catalog is read.)
        fetchable = [u for u in urls if u[:8].lower().startswith(FETCHED_SCHEMES)]
        if not fetchable:
            raise DownloadError(f"{what} cannot be downloaded from {urls[0]}: "
                                f"{_scheme_fault(urls[0])}", next_step=scheme_next_step(mirror))
        # A host the URL parser refuses (`https://a b/`, from a mirror), or a port no connection
        # can use (`:99999`, `:abc`): said as such at once, as uv says "Invalid download URL",
        # not looked up or connected to (and retried, read as a refused connection).
        named = [u for u in fetchable if _url_fault(u) is None]
        if not named:
            fault, part = _url_fault(fetchable[0]) or ("", "host")
            # Never 'try again later': no request to this URL can ever succeed.
            raise DownloadError(f"{what} cannot be downloaded from {fetchable[0]}: it is {fault}",
                                next_step=host_next_step(mirror, part))
        fetchable = named
        if not self.offline:
            return fetchable
        local = [u for u in fetchable if is_file_url(u)]
        if not local:
            raise OfflineError(f"{what} (from {urls[0]}) needs the network, but pytui is offline "
                               "(--offline or UV_OFFLINE); go online or use a file:// mirror")
        return local

    def _transfer(self, urls: list[str], body: Body, *, cancel: CancelToken,
                  progress: ProgressCallback, what: str, kept: str,
                  mirror: str | None) -> Iterator[bytes]:
        """Yield the body's bytes from `body.have` on, retrying and resuming as needed
        (`mirror`: the one a failure's next step names, core/download_policy.mirror_of)."""
        # Trailing: a stall right after a burst of chunks still shows the bytes that came.
        throttled = Throttle(progress, trailing=True)
        speed = SpeedMeter()
        try:
            yield from self._attempts(urls, body, cancel=cancel, what=what, kept=kept,
                                      throttled=throttled, speed=speed, mirror=mirror)
        finally:
            throttled.close()

    def _attempts(self, urls: list[str], body: Body, *, cancel: CancelToken, what: str, kept: str,
                  throttled: Throttle, speed: SpeedMeter, mirror: str | None) -> Iterator[bytes]:

        def report() -> None:
            throttled(Progress("download", body.have, body.total, speed.update(body.have)))

        retry = 0
        free_retries = 0
        started = time.monotonic()
        while True:
            failures: list[TransferFailure] = []
            index = 0
            while index < len(urls):
                url = urls[index]
                if cancel.cancelled:
                    raise Cancelled(f"download of {what} cancelled")
                body.requests += 1
                before = body.have
                try:
                    if is_file_url(url):
                        yield from self._from_file(url, body, cancel, report)
                    else:
                        # The request goes out now: until its answer, the download waits on
                        # this host (a mirror that accepted and never answers shows as that).
                        try:
                            host = _host(url)
                        except ValueError as err:  # `http://[::1/…` from a mirror or a catalog
                            # (The line's next step says to check the mirror and the catalog.)
                            raise TransferFailure(url, f"not a valid URL ({err})", transient=False) from None
                        throttled(Progress("download", body.have, body.total, None, waiting=host))
                        yield from self._from_http(url, body, cancel, report)
                except TransferFailure as failure:
                    if (failure.transient and not failure.spends and free_retries < MAX_PROGRESS_RETRIES
                            and body.have - before >= MIN_PROGRESS):
                        # It was moving: go on from here, on the same URL, at once and for free.
                        free_retries += 1
                        continue
                    failures.append(failure)
                    index += 1
                    continue
                body.url = url
                report()
                return
            # No network: the host names, not each URL (two long ones with the same errno),
            # in the last line and in each retry's note alike.
            hosts = [f.unresolved for f in failures if f.unresolved is not None]
            round_reason = unresolved_hosts_reason(hosts) if len(hosts) == len(failures) else None
            if not any(f.transient for f in failures) or retry >= self.retries:
                tried = "; ".join(f"{f.url}: {f.reason}" for f in failures)
                tries = "1 retry" if retry == 1 else f"{retry} retries"
                after = f" after {tries} in {time.monotonic() - started:.1f}s" if retry else ""
                kept_text = kept if body.have and not body.poisoned else ""
                missing = all(f.status in MISSING_STATUS for f in failures)
                unreachable = all(f.status is None and f.transient for f in failures)
                why = f": {round_reason}" if round_reason else f" ({tried})"
                raise DownloadError(f"could not download {what}{after}{why}{kept_text}",
                                    next_step=missing_next_step(mirror) if missing
                                    else unreachable_next_step(mirror) if unreachable
                                    else other_next_step(mirror))
            retry += 1
            delay = self.backoff.delay(retry)
            throttled(Progress("download", body.have, body.total, None,
                               note=f"retrying in {_seconds(delay)} (attempt {retry + 1} of {self.retries + 1}): "
                                    f"{round_reason or failures[-1].reason}"))
            if cancel.wait(delay):
                raise Cancelled(f"download of {what} cancelled")
