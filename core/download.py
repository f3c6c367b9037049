"""Downloads that retry, resume and hash as the bytes arrive (docs/uv-compat.md#retries-and-timeouts).

Behaviour, compared with uv's:

- The URLs are tried in order; a network or HTTP failure moves on to the next URL at once.
  When every URL failed and at least one failure was transient (connect error, timeout,
  HTTP 5xx/408/429, a connection cut or reset mid-body), the whole list is tried again after
  an exponential backoff with jitter, up to `UV_HTTP_RETRIES` (default 3) times.
- Unlike uv, a retry **resumes**: it asks for `Range: bytes=N-` with `If-Range: <ETag or
  Last-Modified>`. A 206 continues the `.part`; a 200 (the server ignores ranges, or the file
  changed) starts over cleanly. The validator is kept beside the `.part` (`<part>.json`), so
  a later process resumes too.
- The sha256 is computed while bytes arrive (a resumed `.part` is hashed first). A mismatch
  after a resume is retried once from byte 0 before it is reported.
- `file://` URLs (a local mirror) are read straight from disk and work offline. When offline,
  http(s) URLs fail with `OfflineError` before any HTTP client exists: no socket is opened.
- Cancel is checked at every chunk; a cancelled download leaves a resumable `.part`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytui.core.errors import Cancelled, DownloadError, HashMismatch, OfflineError
from pytui.core.progress import CancelToken, Progress, ProgressCallback, Throttle, no_progress

if TYPE_CHECKING:
    import httpx
    from pytui.core.settings import Settings

CHUNK_SIZE = 128 * 1024
DEFAULT_RETRIES = 3
TRANSIENT_STATUS = frozenset({408, 429, *range(500, 600)})
STATE_SUFFIX = ".json"


def is_file_url(url: str) -> bool:
    return url.startswith("file:")


def file_url_path(url: str) -> Path:
    """The local path of a `file://` URL; `%2B` decodes to `+`, as uv reads mirrors.

    See docs/uv-compat.md#download-urls-and-mirrors.
    """
    # Imported here: urllib.request pulls in http.client, email and ssl (~25 ms of start-up).
    from urllib.request import url2pathname

    return Path(url2pathname(urlsplit(url).path))


def retries_from_env(env: Mapping[str, str] | None = None) -> int:
    """`UV_HTTP_RETRIES` (default 3), as uv reads it."""
    env = os.environ if env is None else env
    try:
        return max(0, int(env.get("UV_HTTP_RETRIES", DEFAULT_RETRIES)))
    except ValueError:
        return DEFAULT_RETRIES


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter: retry n waits a random time in [d/2, d], d = min(cap, base*2^(n-1)).

    uv waits 2-30 s. `PYTUI_HTTP_BACKOFF` sets `base` (seconds), which is how tests stay fast.
    """

    base: float = 2.0
    cap: float = 30.0

    def delay(self, retry: int) -> float:
        longest = min(self.cap, self.base * 2 ** max(0, retry - 1))
        return random.uniform(longest / 2, longest)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Backoff:
        env = os.environ if env is None else env
        try:
            base = float(env["PYTUI_HTTP_BACKOFF"])
        except (KeyError, ValueError):
            return cls()
        base = max(0.0, base)
        return cls(base=base, cap=base * 15)


@dataclass(frozen=True, slots=True)
class DownloadResult:
    """A finished download: the bytes are in `path` (the `.part`) and hashed."""

    path: Path
    url: str
    size: int
    sha256: str
    # Bytes that were already there (an earlier attempt or process) and were not fetched again.
    resumed_from: int
    # HTTP requests or file reads made, including failed ones.
    requests: int


class _Failure(Exception):
    """One URL failed; `transient` failures earn a retry of the whole URL list."""

    def __init__(self, url: str, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason
        self.transient = transient


class _SpeedMeter:
    """Bytes per second over the last few seconds."""

    WINDOW = 3.0

    def __init__(self) -> None:
        self._samples: deque[tuple[float, int]] = deque()

    def update(self, done: int) -> float | None:
        now = time.monotonic()
        samples = self._samples
        if samples and done < samples[-1][1]:
            samples.clear()  # a restart from zero
        samples.append((now, done))
        while len(samples) > 2 and now - samples[0][0] > self.WINDOW:
            samples.popleft()
        elapsed = now - samples[0][0]
        return (done - samples[0][1]) / elapsed if elapsed > 0.1 else None


class _Body:
    """What has been received so far: byte count, running sha256, validators."""

    def __init__(self, expected_sha256: str | None) -> None:
        self.expected_sha256 = expected_sha256.lower() if expected_sha256 else None
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
        # Requests (or file reads) made, failed ones included.
        self.requests = 0

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
        self.url, self.etag, self.last_modified, self.total = url, etag, last_modified, total

    def full_body_coming(self) -> int:
        """The server is about to send the whole body again; return how many leading bytes to skip."""
        raise NotImplementedError

    def hexdigest(self) -> str:
        return self.hasher.hexdigest()


class _FileBody(_Body):
    """Bytes go to a `.part` file; validators to `<part>.json`, so another process can resume."""

    def __init__(self, part: Path, expected_sha256: str | None) -> None:
        super().__init__(expected_sha256)
        self.part = part
        self.state_path = part.with_name(part.name + STATE_SUFFIX)
        self._file: Any = None
        self._flushed = time.monotonic()

    def open(self, cancel: CancelToken) -> None:
        state = read_part_state(self.part)
        if state is not None and self.expected_sha256 and state.get("sha256") not in (None, self.expected_sha256):
            state = None
            self.discard()  # a .part of some other content
        self.part.parent.mkdir(parents=True, exist_ok=True)
        # 1 MiB buffer: network reads are ~64 KiB; fewer, larger writes are measurably faster.
        self._file = open(self.part, "ab", buffering=1 << 20)  # noqa: SIM115 - closed in close()
        size = self._file.tell()
        if state is not None:
            self.etag = state.get("etag")
            self.last_modified = state.get("last_modified")
            self.total = state.get("total")
            self.url = state.get("url")
        if size and self.total is not None and size > self.total:
            self._truncate()
            size = 0
        if size:
            # Hash what is already there so the final digest covers the whole file.
            with open(self.part, "rb") as f:
                while chunk := f.read(1024 * 1024):
                    cancel.check("download")
                    self.hasher.update(chunk)
            self.have = size
            self.resumed_from = size

    def accept(self, chunk: bytes) -> None:
        self._file.write(chunk)
        super().accept(chunk)
        now = time.monotonic()
        if now - self._flushed >= 1.0:
            # On a slow link, keep what arrived on disk: a killed process resumes from there.
            self._file.flush()
            self._flushed = now

    def remember(self, url: str, etag: str | None, last_modified: str | None,
                 total: int | None) -> None:
        super().remember(url, etag, last_modified, total)
        state = {"url": url, "etag": etag, "last_modified": last_modified, "total": total,
                 "sha256": self.expected_sha256}
        tmp = self.state_path.with_name(self.state_path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, self.state_path)

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
        if self._file is not None:
            self._file.close()
            self._file = None

    def discard(self) -> None:
        """Forget the `.part` and its state file."""
        self.close()
        for path in (self.part, self.state_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self.have = 0
        self.hasher = hashlib.sha256()
        self.spliced = False
        self.resumed_from = 0
        self.etag = self.last_modified = None
        self.total = None

    def forget_state(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.state_path.unlink()


class _StreamBody(_Body):
    """Bytes go to the consumer; a full body after a cut is skipped up to what was already given."""

    def full_body_coming(self) -> int:
        self.spliced = True
        return self.have


def read_part_state(part: Path) -> dict[str, Any] | None:
    """The state saved beside a `.part` (url, etag, last_modified, total, sha256), or None."""
    try:
        state = json.loads(part.with_name(part.name + STATE_SUFFIX).read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _content_range(value: str | None) -> tuple[int, int, int | None] | None:
    """`bytes a-b/total` -> (a, b, total or None)."""
    if not value or not value.startswith("bytes "):
        return None
    span, _, total = value[6:].partition("/")
    first, _, last = span.partition("-")
    try:
        return int(first), int(last), None if total.strip() in ("", "*") else int(total)
    except ValueError:
        return None


def _unsatisfied_total(value: str | None) -> int | None:
    """The total size in a 416's `Content-Range: bytes */N`."""
    if value and value.startswith("bytes */"):
        with contextlib.suppress(ValueError):
            return int(value[8:])
    return None


def _describe(err: BaseException) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


class Downloader:
    """Fetches a list of URLs into a `.part` file or as a stream, with retries and resume.

    One instance may serve several downloads at once (threads); its HTTP client is created
    on first use through `core.http.make_client` and shared. Close it when done.
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
    ) -> None:
        self.offline = offline
        self.env = dict(os.environ if env is None else env)
        self.retries = retries_from_env(self.env) if retries is None else retries
        self.backoff = backoff or Backoff.from_env(self.env)
        self.chunk_size = chunk_size
        self._client_factory = client_factory
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> Downloader:
        return cls(offline=settings.offline, env=settings.env, **kwargs)

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
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        what: str = "archive",
    ) -> DownloadResult:
        """Fetch into `part` (resuming what it holds) and check the sha256.

        Returns with the complete, verified bytes in `part`; the caller renames it. On a hash
        mismatch the `.part` is deleted and `HashMismatch` raised; on any other failure or a
        cancel, the `.part` and its state are kept for the next attempt to resume.
        """
        cancel = cancel or CancelToken()
        urls = self._usable_urls(urls, what)
        body = _FileBody(part, expected_sha256)
        requests = 0
        fresh_retry_done = False
        while True:
            resumed_from = 0
            try:
                body.open(cancel)
                resumed_from = body.resumed_from
                for _ in self._transfer(urls, body, cancel=cancel, progress=progress, what=what,
                                        kept=f"; {part} keeps the bytes received and the next attempt resumes it"):
                    pass
            except Cancelled:
                if not body.have:
                    body.discard()
                    raise Cancelled(f"download of {what} cancelled") from None
                raise Cancelled(f"download of {what} cancelled; {body.have} bytes kept in {part} "
                                "for the next attempt to resume") from None
            except BaseException:
                if not body.have:
                    body.discard()  # leave no empty .part behind
                raise
            finally:
                requests += body.requests
                body.close()
            digest = body.hexdigest()
            if body.expected_sha256 and digest != body.expected_sha256:
                if (body.spliced or resumed_from) and not fresh_retry_done:
                    # Bytes from two responses (or an old .part) disagree: one clean retry.
                    fresh_retry_done = True
                    body.discard()
                    body = _FileBody(part, expected_sha256)
                    continue
                body.discard()
                raise HashMismatch(
                    f"sha256 mismatch for {what} from {body.url or urls[0]}: expected "
                    f"{body.expected_sha256}, computed {digest}; the download was discarded and "
                    "nothing was cached (try again; if it persists the mirror or catalog is wrong)")
            body.forget_state()
            return DownloadResult(path=part, url=body.url or urls[0], size=body.have, sha256=digest,
                                  resumed_from=resumed_from, requests=requests)

    def stream(
        self,
        urls: Sequence[str],
        *,
        expected_sha256: str | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        what: str = "archive",
    ) -> DownloadStream:
        """Start a download whose bytes go to a consumer (`--no-cache`), hashed as they pass.

        The first response is awaited here, so a 404 or an offline refusal raises now and
        `total` is known. Call `verify()` after the last byte, before committing anything.
        """
        cancel = cancel or CancelToken()
        urls = self._usable_urls(urls, what)
        body = _StreamBody(expected_sha256)
        chunks = self._transfer(urls, body, cancel=cancel, progress=progress, what=what, kept="")
        return DownloadStream(chunks, body, what=what, fallback_url=urls[0])

    # -- the engine ---------------------------------------------------------------------------
    def _usable_urls(self, urls: Sequence[str], what: str) -> list[str]:
        if not urls:
            raise DownloadError(f"{what} has no download URL")
        if not self.offline:
            return list(urls)
        local = [u for u in urls if is_file_url(u)]
        if not local:
            raise OfflineError(f"{what} (from {urls[0]}) needs the network, but pytui is offline "
                               "(--offline or UV_OFFLINE); go online or use a file:// mirror")
        return local

    def _transfer(self, urls: list[str], body: _Body, *, cancel: CancelToken,
                  progress: ProgressCallback, what: str, kept: str) -> Iterator[bytes]:
        """Yield the body's bytes from `body.have` on, retrying and resuming as needed."""
        throttled = Throttle(progress)
        speed = _SpeedMeter()

        def report() -> None:
            throttled(Progress("download", body.have, body.total, speed.update(body.have)))

        retry = 0
        started = time.monotonic()
        while True:
            failures: list[_Failure] = []
            for url in urls:
                if cancel.cancelled:
                    raise Cancelled(f"download of {what} cancelled")
                body.requests += 1
                try:
                    if is_file_url(url):
                        yield from self._from_file(url, body, cancel, report)
                    else:
                        yield from self._from_http(url, body, cancel, report)
                except _Failure as failure:
                    failures.append(failure)
                    continue
                body.url = url
                report()
                return
            if not any(f.transient for f in failures) or retry >= self.retries:
                tried = "; ".join(f"{f.url}: {f.reason}" for f in failures)
                after = f" after {retry} retries in {time.monotonic() - started:.1f}s" if retry else ""
                kept_text = kept if body.have else ""
                raise DownloadError(f"could not download {what}{after} ({tried}){kept_text}")
            retry += 1
            if cancel.wait(self.backoff.delay(retry)):
                raise Cancelled(f"download of {what} cancelled")

    def _from_file(self, url: str, body: _Body, cancel: CancelToken,
                   report: Callable[[], None]) -> Iterator[bytes]:
        path = file_url_path(url)
        try:
            f = open(path, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise _Failure(url, f"{path} does not exist", transient=False) from None
        except OSError as err:
            raise _Failure(url, f"cannot read {path}: {err.strerror or err}", transient=False) from None
        with f:
            size = os.fstat(f.fileno()).st_size
            skip = body.full_body_coming() if body.have else 0
            body.remember(url, None, None, size)
            f.seek(skip)
            try:
                while chunk := f.read(self.chunk_size):
                    if cancel.cancelled:
                        raise Cancelled("download cancelled")
                    body.accept(chunk)
                    yield chunk
                    report()
            except OSError as err:
                raise _Failure(url, f"cannot read {path}: {err.strerror or err}", transient=False) from None
        if body.have != size:
            raise _Failure(url, f"{path} changed while it was read", transient=True)

    def _from_http(self, url: str, body: _Body, cancel: CancelToken,
                   report: Callable[[], None]) -> Iterator[bytes]:
        import httpx

        client = self._http_client(url)
        headers = {"Accept-Encoding": "identity"}
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
        try:
            with client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status == 416 and resume_from:
                    if _unsatisfied_total(response.headers.get("content-range")) == resume_from:
                        return  # the .part was already complete
                    body.full_body_coming()
                    raise _Failure(url, "server refused to resume (416); starting over", transient=True)
                if status not in (200, 206):
                    raise _Failure(url, f"HTTP {status} {response.reason_phrase}".strip(),
                                   transient=status in TRANSIENT_STATUS)
                encoding = response.headers.get("content-encoding", "identity").lower()
                skip = 0
                if status == 206:
                    span = _content_range(response.headers.get("content-range"))
                    if not resume_from or span is None or span[0] != resume_from:
                        body.full_body_coming()
                        raise _Failure(url, "server sent an unexpected byte range; starting over",
                                       transient=True)
                    total = span[2]
                    body.spliced = True
                else:
                    skip = body.full_body_coming() if resume_from else 0
                    length = response.headers.get("content-length")
                    total = int(length) if length and length.isdigit() and encoding == "identity" else None
                etag = response.headers.get("etag")
                last_modified = response.headers.get("last-modified")
                if encoding != "identity":
                    etag = last_modified = None  # decoded bytes cannot be resumed by offset
                body.remember(url, etag, last_modified, total)
                report()
                # No chunk_size: httpx would hold back a partial chunk, and a cut connection
                # would lose it; network-sized pieces keep every byte received for a resume.
                stream = response.iter_raw() if encoding == "identity" else response.iter_bytes()
                for chunk in stream:
                    if cancel.cancelled:
                        raise Cancelled("download cancelled")
                    if skip:
                        if len(chunk) <= skip:
                            skip -= len(chunk)
                            continue
                        chunk = chunk[skip:]
                        skip = 0
                    body.accept(chunk)
                    yield chunk
                    report()
                if skip or (body.total is not None and body.have < body.total):
                    raise _Failure(url, "the connection closed before the whole file arrived",
                                   transient=True)
        except httpx.TimeoutException as err:
            raise _Failure(url, f"timed out ({type(err).__name__})", transient=True) from None
        except (httpx.NetworkError, httpx.RemoteProtocolError) as err:
            raise _Failure(url, _describe(err), transient=True) from None
        except httpx.HTTPError as err:
            raise _Failure(url, _describe(err), transient=False) from None


class DownloadStream:
    """A download read as a stream (`read(n)` or `chunks()`), hashed on the way; `verify()` at the end."""

    def __init__(self, chunks: Iterator[bytes], body: _Body, *, what: str, fallback_url: str) -> None:
        self._chunks = chunks
        self._body = body
        self._what = what
        self._fallback_url = fallback_url
        self._buffer = b""
        self._offset = 0
        self._done = False
        # Wait for the first response (raises now on 404, offline, ...), so `total` is known.
        self._buffer = self._next()

    def _next(self) -> bytes:
        if self._done:
            return b""
        try:
            return next(self._chunks)
        except StopIteration:
            self._done = True
            return b""

    @property
    def total(self) -> int | None:
        return self._body.total

    @property
    def received(self) -> int:
        return self._body.have

    @property
    def url(self) -> str:
        return self._body.url or self._fallback_url

    @property
    def finished(self) -> bool:
        return self._done and self._offset >= len(self._buffer)

    def chunks(self) -> Iterator[bytes]:
        """Yield the remaining bytes in network-sized pieces."""
        while True:
            if self._offset < len(self._buffer):
                piece = self._buffer[self._offset:] if self._offset else self._buffer
                self._buffer, self._offset = b"", 0
                yield piece
            if self._done:
                return
            self._buffer, self._offset = self._next(), 0

    def read(self, size: int = -1) -> bytes:
        """File-like read, for `tarfile.open(fileobj=..., mode="r|gz")` or zstandard readers."""
        if size is None or size < 0:
            return b"".join(self.chunks())
        while self._offset >= len(self._buffer) and not self._done:
            self._buffer, self._offset = self._next(), 0
        piece = self._buffer[self._offset:self._offset + size]
        self._offset += len(piece)
        return piece

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        self._done = True

    def __enter__(self) -> DownloadStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def sha256(self) -> str:
        return self._body.hexdigest()

    def verify(self) -> str:
        """Raise unless every byte was read and the sha256 matched; return the digest."""
        if not self.finished:
            # Drain what the consumer left (e.g. tar padding) so the hash covers the whole file.
            for _ in self.chunks():
                pass
        digest = self._body.hexdigest()
        expected = self._body.expected_sha256
        if expected and digest != expected:
            raise HashMismatch(
                f"sha256 mismatch for {self._what} from {self.url}: expected {expected}, "
                f"computed {digest}; nothing was installed (try again; if it persists the mirror "
                "or catalog is wrong)")
        return digest
