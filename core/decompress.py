"""Decompression in bounded pieces, on a second thread, for the tar member loop.

Each step turns compressed input into at most OUT_CHUNK bytes of output, whatever the ratio
(zlib/ISA-L with `max_length`, zstandard through its stream reader), and at most
QUEUE_DEPTH pieces wait for the consumer: memory stays a few MiB for a 1 GiB member that
compressed to 33 KB. zlib and zstandard release the GIL, so inflating and writing overlap.
The source is always read to its end (a hashing wrapper must see every byte).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
import zlib
from collections.abc import Callable

TYPE_CHECKING = False  # no `typing` import at run time
if TYPE_CHECKING:
    from typing import Any

# Compressed bytes read from the source per step.
READ_SIZE = 256 * 1024
# Most decompressed bytes one step produces, and how many such pieces may wait.
OUT_CHUNK = 1 << 20
QUEUE_DEPTH = 8

_GZIP_MODULE: object | None = None


def gzip_module() -> object:
    """zlib, or ISA-L's drop-in `isal_zlib` when installed (inflates about 2x faster)."""
    global _GZIP_MODULE
    if _GZIP_MODULE is None:
        try:
            from isal import isal_zlib

            _GZIP_MODULE = isal_zlib
        except ImportError:
            _GZIP_MODULE = zlib
    return _GZIP_MODULE


class SourceFailed(Exception):
    """Reading the source failed (a network or disk error): re-raised unchanged to the caller."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


class _Source:
    """The caller's `read`, counting bytes and remembering the error that came from it."""

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self.consumed = 0
        self.error: BaseException | None = None

    def read(self, n: int = READ_SIZE) -> bytes:
        try:
            data = self._read(n)
        except BaseException as err:
            self.error = err
            raise
        self.consumed += len(data)
        return data


class _Plain:
    def __init__(self, source: _Source) -> None:
        self.source = source
        self.members = 1

    def step(self) -> bytes | None:
        return self.source.read(READ_SIZE) or None


class _Gzip:
    """Concatenated gzip members, zero padding after the last one tolerated (as GNU tar)."""

    def __init__(self, source: _Source) -> None:
        self.source = source
        self.members = 0
        self._module: Any = gzip_module()  # isal's igzip_lib or zlib: the same decompressobj API
        self._obj: Any = None  # zlib's or isal's decompress object (the module is chosen at run time)
        self._input = b""
        self._new()

    def _new(self) -> None:
        self.members += 1
        self._obj = self._module.decompressobj(16 + zlib.MAX_WBITS)

    def step(self) -> bytes | None:
        while True:
            obj = self._obj
            if obj is None:  # between members: zero padding, or the next member
                data = self.source.read(READ_SIZE)
                if not data:
                    return None
                data = data.lstrip(b"\0")
                if not data:
                    continue
                self._new()
                self._input = data
                continue
            if not self._input:
                self._input = self.source.read(READ_SIZE)
                if not self._input:
                    if not obj.eof:
                        raise EOFError("compressed stream ends early")
                    return None
            out = obj.decompress(self._input, OUT_CHUNK)
            if obj.eof:
                rest = obj.unused_data.lstrip(b"\0")
                self._obj = None
                if rest:
                    self._new()
                self._input = rest
            else:
                self._input = obj.unconsumed_tail
            if out:
                return out


class _Zstd:
    """zstd frames (one or several) through zstandard's stream reader, OUT_CHUNK at a time."""

    def __init__(self, source: _Source) -> None:
        import zstandard

        self.members = 1
        self._reader = zstandard.ZstdDecompressor().stream_reader(
            source,  # type: ignore[arg-type]  # zstandard only calls .read(n), which _Source has
            read_size=READ_SIZE, read_across_frames=True, closefd=False)

    def step(self) -> bytes | None:
        return self._reader.read(OUT_CHUNK) or None


def _decoder(kind: str, source: _Source) -> _Plain | _Gzip | _Zstd:
    if kind == "tar.gz":
        return _Gzip(source)
    if kind == "tar.zst":
        return _Zstd(source)
    return _Plain(source)


class Producer:
    """Reads and decodes the source (on a thread when `threaded`), handing out bounded pieces."""

    def __init__(self, read: Callable[[int], bytes], kind: str, threaded: bool) -> None:
        self.source = _Source(read)
        self.decoder = _decoder(kind, self.source)
        self.queue: queue.Queue[bytes | BaseException | None] = queue.Queue(QUEUE_DEPTH)
        self.stop = threading.Event()
        self.decode_error: Exception | None = None
        self.decode_error_member = 0
        self.threaded = threaded
        self.thread: threading.Thread | None = None
        self._finished = False

    @property
    def consumed(self) -> int:
        return self.source.consumed

    def describe(self) -> str:
        """What decompresses, for `install --verbose`."""
        if isinstance(self.decoder, _Zstd):
            return "zstandard (in-process)"
        if isinstance(self.decoder, _Gzip):
            return f"{getattr(self.decoder._module, '__name__', 'zlib')} (in-process)"  # noqa: SLF001 - its own decoder
        return "none (plain tar)"

    # -- producer side
    def start(self) -> None:
        if self.threaded:
            self.thread = threading.Thread(target=self._run, name="pytui-extract-read", daemon=True)
            self.thread.start()

    def _put(self, item: bytes | BaseException | None) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _step(self) -> bytes | None:
        """One decoded piece; b'' when nothing came out, None at the end of the source."""
        if self.decode_error is not None:
            # The output is lost; keep reading to EOF for the hash.
            return b"" if self.source.read(READ_SIZE) else None
        try:
            return self.decoder.step()
        except Exception as err:  # noqa: BLE001 - decoder errors (zlib, isal, zstandard, EOFError), whose types load lazily
            if self.source.error is not None:
                raise self.source.error from None
            self.decode_error = err
            self.decode_error_member = self.decoder.members
            return b""

    def _run(self) -> None:
        try:
            while not self.stop.is_set():
                out = self._step()
                if out is None:
                    break
                if out and not self._put(out):
                    return
            self._put(None)
        except BaseException as err:  # noqa: BLE001 - handed to the consumer thread, which re-raises it
            self._put(err)

    # -- consumer side
    def next_chunk(self) -> bytes | None:
        if self._finished:
            return None
        if self.threaded:
            item = self.queue.get()
        else:
            while True:
                try:
                    item = self._step()
                except BaseException as err:  # noqa: BLE001 - handed on as an item and re-raised by the reader
                    item = err
                if item != b"":
                    break
        if item is None:
            self._finished = True
            return None
        if isinstance(item, BaseException):
            self._finished = True
            raise SourceFailed(item)
        return item

    def drain(self) -> None:
        """Let the producer finish reading the source; discard what is left."""
        while self.next_chunk() is not None:
            pass

    def close(self) -> None:
        self.stop.set()
        if self.thread is not None:
            # Unblock a producer waiting on a full queue. One blocked in a slow `read` of a
            # network stream is left to finish on its own (a daemon thread that only reads):
            # the caller closing the stream ends it.
            deadline = time.monotonic() + 2.0
            while self.thread.is_alive() and time.monotonic() < deadline:
                with contextlib.suppress(queue.Empty):
                    self.queue.get(timeout=0.05)
            self.thread.join(timeout=max(0.0, deadline - time.monotonic()))
