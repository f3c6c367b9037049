"""The state's rules for a cancel that its thread does not answer (no Textual): when the grace
is over the job is settled with one line, and whatever its thread reports later is dropped."""

from __future__ import annotations

from pathlib import Path

from pytui.app.state import CANCELLED, INSTALL, abandoned_line
from view_state import a_state, three_builds


def test_only_a_job_still_cancelling_is_overdue(tmp_path: Path) -> None:
    build = three_builds()["3.12.8"]
    state = a_state(tmp_path, build)
    job = state.add_job(INSTALL, build.key, build=build)
    assert state.cancel_overdue(job.job_id) is None  # not cancelled
    job.phase = "cancelling"
    assert state.cancel_overdue(job.job_id) is job
    state.end_job(job.job_id, CANCELLED, error="install cancelled")  # its thread answered
    assert state.cancel_overdue(job.job_id) is None
    assert state.cancel_overdue(999) is None


def test_a_settled_job_drops_what_its_thread_reports_later(tmp_path: Path) -> None:
    build = three_builds()["3.12.8"]
    state = a_state(tmp_path, build)
    job = state.add_job(INSTALL, build.key, build=build)
    job.phase = "cancelling"
    line = abandoned_line(job, 5.0)
    assert state.end_job(job.job_id, CANCELLED, error=line) is job
    # The late thread: progress, a note, then "done" or "failed": none changes the row.
    assert state.progress(job.job_id, "download", 10, 100) is None
    assert state.note(job.job_id, "retrying") is None
    assert state.end_job(job.job_id, "done", summary=f"Installed {build.key}") is None
    assert state.end_job(job.job_id, "failed", error="late") is None
    assert (job.phase, job.error, job.summary) == (CANCELLED, line, "")
    assert build.key not in state.failed_keys
    # A new job for the same build is another job; the old one's messages never reach it.
    again = state.add_job(INSTALL, build.key, build=build)
    assert again.job_id != job.job_id and state.job_for_key(build.key) is again


def test_the_line_says_what_was_kept_and_why_it_was_not_waited_for(tmp_path: Path) -> None:
    build = three_builds()["3.12.8"]
    state = a_state(tmp_path, build)
    fresh = state.add_job(INSTALL, build.key, build=build)
    again = state.add_job(INSTALL, build.key, build=build, reinstall=True)
    assert abandoned_line(fresh, 5.0) == (
        f"{build.key} cancelled; nothing was installed. It did not stop within 5 s (no answer "
        "from the mirror): it is left to end at its read timeout, and what it reports then "
        "is ignored.")
    assert "the existing install was left as it was" in abandoned_line(again, 0.5)
    assert "within 0.5 s" in abandoned_line(again, 0.5)
