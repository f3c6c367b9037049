"""A download that has had no new bytes for a while says so on its row, and its speed (that of
its last bytes) goes: a frozen `4.2 MB/s` beside a transfer that stalled read as progress.
The core cannot say it: its read is blocked until the read timeout, when it retries. No Textual.
"""

from __future__ import annotations

from pytui.app.state import AppState, Job

# Seconds without new bytes before a download's row says it has none.
STALL_SAID_AFTER = 5.0
# How often the rows are looked at (app/pytui_app.py's interval).
STALL_TICK = 1.0
STALL_NOTE = "no data for "


def stall_note(job: Job, now: float) -> str | None:
    """The note of a running download whose bytes have not moved for STALL_SAID_AFTER seconds;
    None when they move, or when the row says something else already (a retry's wait, the
    host not answering yet: those notes say more)."""
    if job.ended or job.phase != "download" or job.moved_at is None:
        return None
    if job.note and not job.note.startswith(STALL_NOTE):
        return None
    idle = now - job.moved_at
    if idle < STALL_SAID_AFTER:
        return None
    return f"{STALL_NOTE}{int(idle)} s: retried when the read times out (c cancels)"


def say_stalls(state: AppState) -> list[Job]:
    """Mark each stalled download (its note, no speed); the jobs whose row changed."""
    now = state.clock()
    changed = []
    for job in state.running_jobs():
        note = stall_note(job, now)
        if note is not None and (note != job.note or job.speed is not None):
            job.note = note
            job.speed = None
            changed.append(job)
    return changed
