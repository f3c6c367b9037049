"""The stall rule: a download whose bytes have not moved for STALL_SAID_AFTER seconds says so,
and its last speed goes. A frozen `4.2 MB/s` beside a transfer that stalled read as progress,
and the core cannot say it: its read is blocked until the read timeout, after which it is
retried if a retry is left (a retry's note, or the failure, says which; the stall note promised
a retry, which was wrong with none left). The TUI's job rows (app/stalls.py) and the CLI's bars
(app/progress_board.py) both say it by this rule, each with its own way to stop the download.

The clock counts from the download's last sign of life: its bytes (or phase) moving, or the
answer to a request that started over. A retry's note and a new request (`waiting`) stop it
(`moved_at` None: those notes say more than a stall would), and the first report after them,
the answer's head, starts it again. Counted from the bytes before the retry, a server that
stalled again at once read `no data for 42 s` at the first tick, the read timeout and the
retry's wait included.
"""

from __future__ import annotations

# Seconds without new bytes before a download says it has none.
STALL_SAID_AFTER = 5.0
# How often the shown downloads are looked at.
STALL_TICK = 1.0
STALL_NOTE = "no data for "


def clock_restarts(moved_at: float | None, last_phase: str | None, last_done: int | None,
                   phase: str, done: int) -> bool:
    """Whether a report of `done` in `phase` (re)starts the stall clock: a first report, one
    after a retry or a new request stopped the clock, or bytes or phase that moved."""
    return moved_at is None or phase != last_phase or done != last_done


def stall_note(phase: str, moved_at: float | None, now: float, stop_hint: str) -> str | None:
    """What a download in `phase` whose bytes last moved at `moved_at` says at `now`: `no data
    for 12 s: waiting for the read timeout (c cancels)`; None while its bytes move, or
    outside the download phase."""
    if phase != "download" or moved_at is None:
        return None
    idle = now - moved_at
    if idle < STALL_SAID_AFTER:
        return None
    return f"{STALL_NOTE}{int(idle)} s: waiting for the read timeout ({stop_hint})"
