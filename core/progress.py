"""Progress reports and cancellation, shared by the CLI and the TUI workers."""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator

from pytui.core.errors import Cancelled
from pytui.core.keys import TYPE_CHECKING, _fields

# Job phases, in order.
# "link": an install from the tree kept in the cache (hard links or copies; no extraction).
PHASES = ("resolve", "download", "verify", "extract", "link", "finish")


# One progress report: `done` of `total` units (bytes, or files) in `phase`. `speed`: bytes per
# second over the recent past, when the phase moves bytes. `note`: a one-line remark for the
# user, e.g. "retrying in 4 s (attempt 2 of 4): HTTP 503"; a report with a note always passes a
# Throttle. `waiting`: the host a download's request went to, no answer from it yet (a
# status, not a remark: the TUI's row shows it until the bytes come; the CLI's bars skip it);
# it always passes a Throttle too, and is not counted as the phase's last report. (A tuple
# with named fields as core/keys.py makes them: `dataclasses` imports `inspect` and
# `typing.NamedTuple` imports `typing`, each costing an install from a tree more than its
# fix-ups, and collections.namedtuple compiles its `__new__` from source at import.)
class Progress(tuple):
    __slots__ = ()
    _fields = ("phase", "done", "total", "speed", "note", "waiting")
    if TYPE_CHECKING:
        phase: str
        done: int
        total: int | None
        speed: float | None
        note: str
        waiting: str

    def __new__(cls, phase: str, done: int, total: int | None = None, speed: float | None = None,
                note: str = "", waiting: str = "") -> Progress:
        return tuple.__new__(cls, (phase, done, total, speed, note, waiting))


_fields(Progress, Progress._fields)


ProgressCallback = Callable[[Progress], None]


def whole_percent(done: int, total: int) -> int:
    """`done` of `total` as every view of a job writes it: a whole percent, rounded down
    (Available's and Cached's rows, the Jobs row's bar label and its narrow line; a bar that
    rounded read 44% beside rows reading 43%), from 0 to 100."""
    return max(0, min(100, 100 * done // max(total, 1)))


def no_progress(_: Progress) -> None:
    """A progress callback that drops everything."""


class WaitNotes:
    """An `on_wait` callback for a lock's wait: each line passed on to `then` (if any), and
    true once one was said, for what a waiter does after its wait (a download lock's: was the
    build installed meanwhile; the root lock's: say the step again)."""

    __slots__ = ("_then", "lines")

    def __init__(self, then: Callable[[str], None] | None) -> None:
        self._then = then
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        if self._then is not None:
            self._then(line)

    def __bool__(self) -> bool:
        return bool(self.lines)


class CancelToken:
    """A thread-safe cancel flag; core code calls `check()` at every chunk or member.

    Work that can block (a network read) registers a callback with `while_blocking`:
    `cancel()` runs it from the cancelling thread, e.g. to shut a socket so the read returns
    now rather than at its timeout. (Setting the wrapped event directly stops the work at its
    next check, without the callbacks.)
    """

    def __init__(self, event: threading.Event | None = None) -> None:
        self._event = event or threading.Event()
        self._lock = threading.Lock()
        self._callbacks: dict[int, Callable[[], None]] = {}
        self._ids = itertools.count()

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            callbacks = list(self._callbacks.values())
            self._callbacks.clear()
        for callback in callbacks:
            with contextlib.suppress(Exception):
                callback()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self, what: str = "job") -> None:
        if self._event.is_set():
            raise Cancelled(f"{what} cancelled")

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; return True early if cancelled (used for retry backoff)."""
        return self._event.wait(seconds)

    @contextlib.contextmanager
    def while_blocking(self, on_cancel: Callable[[], None]) -> Iterator[None]:
        """Inside the block, a `cancel()` calls `on_cancel` once (at once if already cancelled)."""
        with self._lock:
            key = next(self._ids)
            already = self._event.is_set()
            if not already:
                self._callbacks[key] = on_cancel
        if already:
            with contextlib.suppress(Exception):
                on_cancel()
        try:
            yield
        finally:
            with self._lock:
                self._callbacks.pop(key, None)


class Throttle:
    """Wraps a callback so it fires at most `rate` times a second.

    A change of phase and the final report (done == total) always pass, so the
    receiver always sees where a phase ended. With `trailing`, a report dropped because it came
    too soon is sent once the interval has passed, if no newer one came by then: a download
    that stalls right after a burst shows the bytes it has, not those of the last report that
    got through (which may be 0). The late report comes from a timer thread; the callback is
    never called by two threads at once. `close()` drops what is pending: nothing is sent after.
    """

    def __init__(self, callback: ProgressCallback, rate: float = 10.0, *,
                 trailing: bool = False) -> None:
        self._callback = callback
        self._interval = 1.0 / rate
        self._last_time = 0.0
        self._last_phase: str | None = None
        self._trailing = trailing
        self._lock = threading.Lock()
        self._pending: Progress | None = None
        self._timer: threading.Timer | None = None
        self._closed = False

    def __call__(self, progress: Progress) -> None:
        with self._lock:
            if self._closed:
                return
            if progress.waiting:
                # Not counted: the first report of bytes after it is still a change of phase.
                self._callback(progress)
                return
            now = time.monotonic()
            final = progress.total is not None and progress.done >= progress.total
            if (
                progress.phase != self._last_phase
                or final
                or progress.note
                or now - self._last_time >= self._interval
            ):
                self._send(progress, now)
            elif self._trailing:
                self._pending = progress
                if self._timer is None:
                    self._timer = threading.Timer(self._interval - (now - self._last_time), self._flush)
                    self._timer.daemon = True
                    self._timer.start()

    def _send(self, progress: Progress, now: float) -> None:
        self._pending = None  # (a timer finding nothing pending sends nothing)
        self._last_time = now
        self._last_phase = progress.phase
        self._callback(progress)

    def _flush(self) -> None:
        with self._lock:
            self._timer = None
            if self._pending is not None and not self._closed:
                self._send(self._pending, time.monotonic())

    def close(self) -> None:
        """Drop a pending report and its timer (the work ended: a late report would be stale)."""
        with self._lock:
            self._closed = True
            self._pending = None
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()


class ByteCounter:
    """Bytes done in one phase of `total`, reported through a `Throttle`: `advance` is the
    per-chunk callback that hashing and copying loops take (verify, mirror export)."""

    def __init__(self, progress: ProgressCallback, phase: str, total: int) -> None:
        self._report = Throttle(progress)
        self.phase = phase
        self.total = total
        self.done = 0

    def advance(self, n: int) -> None:
        self.done += n
        self._report(Progress(self.phase, self.done, self.total))

    def report(self, done: int) -> None:
        """Say `done` without counting it (the start, 0, and the end, `total`)."""
        self._report(Progress(self.phase, done, self.total))

