"""The TUI's side of the stall rule (core/stalls.py): a running download whose bytes have
not moved for a while says so on its row, and its speed (that of its last bytes) goes. No
Textual.
"""

from __future__ import annotations

from pytui.app.job_record import Job
from pytui.app.state import AppState
from pytui.core.stalls import STALL_NOTE, stall_note


def job_stall_note(job: Job, now: float) -> str | None:
    """The note of a running download whose bytes have not moved for STALL_SAID_AFTER seconds;
    None when they move, or when the row says something else already (a retry's wait, the
    host not answering yet: those notes say more)."""
    if job.ended or (job.note and not job.note.startswith(STALL_NOTE)):
        return None
    return stall_note(job.phase, job.moved_at, now, "c cancels")


def say_stalls(state: AppState) -> list[Job]:
    """Mark each stalled download (its note, no speed); the jobs whose row changed."""
    now = state.clock()
    changed = []
    for job in state.running_jobs():
        note = job_stall_note(job, now)
        if note is not None and (note != job.note or job.speed is not None):
            job.note = note
            job.speed = None
            changed.append(job)
    return changed
