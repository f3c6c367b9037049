"""The state's rules for a cancel that its thread does not answer (no Textual): when the grace
is over the job is settled with one line, and whatever its thread reports later is dropped."""

from __future__ import annotations

import threading
from pathlib import Path

from pytui.app.job_record import CANCELLED, INSTALL, abandoned_line
from pytui.app.runner import JobRunner
from textual.worker import WorkerState
from view_state import a_state, three_builds


def test_a_live_job_takes_its_reports(tmp_path: Path) -> None:
    build = three_builds()["3.12.8"]
    state = a_state(tmp_path, build)
    job = state.add_job(INSTALL, build.key, build=build)
    assert state.reporting_job(job.job_id) is job


class _Worker:
    """What the runner reads of a Textual worker: its group."""

    def __init__(self, group: str) -> None:
        self.group, self.error = group, None


class _App:
    def __init__(self) -> None:
        self.posted: list[object] = []

    def post_message(self, message: object) -> None:
        self.posted.append(message)


class _Runner(JobRunner):
    """The runner with a verify body that waits to be let go, run on a plain thread."""

    def __init__(self, app: _App, state) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, state, gateway=None)  # type: ignore[arg-type]
        self.release = threading.Event()
        self.threads: list[threading.Thread] = []

    def _verify(self, job_id, cancel, settings, catalog) -> None:  # type: ignore[no-untyped-def]
        self.release.wait(30)

    def _spawn(self, body, *, group, name, description, exclusive=False):  # type: ignore[no-untyped-def]
        thread = threading.Thread(target=body, daemon=True)
        self.threads.append(thread)
        thread.start()
        return _Worker(group)


def _per_job(runner: JobRunner) -> list[dict]:
    return [runner._workers, runner._tokens, runner._stopped, runner._started]  # noqa: SLF001


def test_the_runner_forgets_a_job_once_it_ended_and_its_thread_too(tmp_path: Path) -> None:
    # Its per-job dicts were never emptied (a few objects per job, for the whole session).
    build = three_builds()["3.12.8"]
    runner = _Runner(_App(), a_state(tmp_path, build))
    job = runner.start_verify()
    assert all(job.job_id in entries for entries in _per_job(runner))
    assert not runner.stopped(job.job_id)
    # Ended (abandoned after the grace) while its thread still runs: the thread's events stay,
    # as the tests and quitting wait on `stopped`.
    job.phase = "cancelling"
    runner._state.end_job(job.job_id, CANCELLED, error=abandoned_line(job, 0.05))  # noqa: SLF001
    runner.abandoned.add(job.job_id)
    runner.job_ended(job.job_id)
    assert job.job_id not in runner._workers and job.job_id not in runner._tokens  # noqa: SLF001
    assert runner.cancel(job.job_id) is None  # an ended job: its token is not asked for
    assert not runner.stopped(job.job_id)
    runner.release.set()
    runner.threads[0].join(30)
    assert runner.stopped(job.job_id)
    runner.worker_state_changed(_Worker(f"job-{job.job_id}"), WorkerState.SUCCESS)  # type: ignore[arg-type]
    assert not any(_per_job(runner)) and not runner.abandoned
    assert runner.stopped(job.job_id)


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
    # A warning too (the app asks reporting_job before it says one: it showed as a toast).
    assert state.reporting_job(job.job_id) is None and state.reporting_job(999) is None
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
