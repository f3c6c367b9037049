"""The time bounds of one HTTP exchange, counted from its request: its response head must
arrive by one moment, the whole exchange must end by another. A client bounds only each read
(httpx), so a server sending a byte just within each read timeout held a download or a catalog
fetch for days; here one thread waits for the earliest bound still open and, when it passes,
shuts the exchange's connections (core/download_response.InFlight), which wakes the read
blocked on them. Used by a catalog fetch (its head within the speed floor's first window, the
whole within MAX_FETCH_SECONDS) and by an httpx download (its head within the read timeout).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class ExchangeDeadline:
    """`head_seconds` / `total_seconds` from now (None: no such bound), each with the cause said
    when it passes (`cause` then holds it; the client's failure is the bound's doing).

    A context manager around the exchange: entering starts the thread (none without a bound),
    leaving ends the exchange and waits for the thread, so no thread outlives its exchange. The
    head's arrival, the exchange's end and a bound's pass decide under one lock: a head that
    comes as its bound passes (the thread already awake, too late to stop) is either in, and
    nothing is cut, or late, and the connection was shut before the body began."""

    def __init__(self, shut: Callable[[], None], *, head_seconds: float | None = None,
                 head_cause: str = "", total_seconds: float | None = None,
                 total_cause: str = "") -> None:
        self.started = time.monotonic()
        self.cause: str | None = None
        self._shut = shut
        self._head_by = None if head_seconds is None else self.started + head_seconds
        self._total_by = None if total_seconds is None else self.started + total_seconds
        self._head_cause = head_cause
        self._total_cause = total_cause
        self._head_in = False
        self._ended = False
        self._changed = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ExchangeDeadline:
        if self._next_bound() is not None:
            self._thread = threading.Thread(target=self._keep, name="exchange-deadline", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.end()
        if self._thread is not None:
            self._thread.join()  # woken by end(): it returns at once

    @property
    def watching(self) -> bool:
        """Whether a thread still keeps the bounds (never once the `with` block has ended)."""
        return self._thread is not None and self._thread.is_alive()

    def head_arrived(self) -> None:
        with self._changed:
            self._head_in = True
            self._changed.notify()

    def end(self) -> None:
        with self._changed:
            self._ended = True
            self._changed.notify()

    def check(self, now: float) -> str | None:
        """The bound passed by `now` (a `time.monotonic()` reading), the connection shut for it
        once; None when none did, or when the exchange ended (or, for the head's bound, its
        head came) first. The thread calls it when its wait ends; the exchange's reader may too."""
        with self._changed:
            if self._ended or self.cause is not None:
                return self.cause
            if self._head_by is not None and not self._head_in and now >= self._head_by:
                cause = self.cause = self._head_cause
            elif self._total_by is not None and now >= self._total_by:
                cause = self.cause = self._total_cause
            else:
                return None
        self._shut()
        return cause

    def _next_bound(self) -> float | None:
        """The earliest bound still open (call under the lock, or before the thread starts)."""
        if self._ended or self.cause is not None:
            return None
        bounds = [by for by in (None if self._head_in else self._head_by, self._total_by)
                  if by is not None]
        return min(bounds, default=None)

    def _keep(self) -> None:
        while True:
            with self._changed:
                bound = self._next_bound()
                if bound is None:
                    return
                left = bound - time.monotonic()
                if left > 0:
                    self._changed.wait(left)
                    continue  # woken by the head or the end, or the wait is over: look again
            if self.check(time.monotonic()) is not None:
                return
