"""A `--no-cache` download read as a stream by the extractor, hashed as the bytes pass."""

from __future__ import annotations

from collections.abc import Iterator

from pytui.core.download_body import Body
from pytui.core.errors import HashMismatch


class DownloadStream:
    """A download read as a stream (`read(n)` or `chunks()`), hashed on the way; `verify()` at the end."""

    def __init__(self, chunks: Iterator[bytes], body: Body, *, what: str, fallback_url: str) -> None:
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
            why = f"; {self._body.sent_as}" if self._body.sent_as else ""
            raise HashMismatch(
                f"sha256 mismatch for {self._what} from {self.url}: expected {expected}, "
                f"computed {digest}{why}; nothing was kept (--no-cache): try again; if it persists "
                "the mirror or catalog is wrong")
        return digest
