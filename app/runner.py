"""The one job runner: every thread body of the TUI (installs, uninstalls, verify, catalog
load and refresh, disk scans, size measurements, purges), their cancellation, the `-j` slots
and shutdown. Split by concern: the background work and its generations in
app/background.py, the jobs' thread bodies in app/job_bodies.py, and here the jobs' slots,
launching, cancellation, worker states and shutdown.

Thread bodies get everything they read as arguments (copies taken on the UI thread), call the
gateway, and only post messages back. Each worker has a group. Background results carry a
generation; `is_current` tells the app to drop a result that is no longer the newest (Textual
cannot stop a running thread, so an older scan may finish after a newer one).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from pytui.app.background import PURGE, BackgroundWork
from pytui.app.gateway import CoreGateway
from pytui.app.job_bodies import JobBodies
from pytui.app.job_record import (
    CANCELLED,
    FAILED,
    INSTALL,
    UNINSTALL,
    VERIFY,
    Job,
    abandoned_line,
    job_name,
)
from pytui.app.messages import JobEnded
from pytui.app.state import AppState
from pytui.core.catalog import Catalog
from pytui.core.models import Build, Installation
from pytui.core.progress import CancelToken
from textual.app import App
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from pytui.core.download import Downloader


def cancel_grace_seconds() -> float:
    """How long a cancelled job's thread may take to stop before the job is settled without
    it, and how long quitting waits: the CLI's Ctrl-C grace, core/job_runs.py's
    CANCEL_GRACE_SECONDS (imported on first use: the first screen needs no install engine)."""
    from pytui.core.job_runs import CANCEL_GRACE_SECONDS

    return CANCEL_GRACE_SECONDS


class JobRunner(BackgroundWork, JobBodies):
    """Jobs (installs, uninstalls, verify): the `-j` slots, launching, cancellation and
    shutdown; the background work and the thread bodies are its bases."""

    def __init__(self, app: App, state: AppState, gateway: CoreGateway) -> None:
        super().__init__(app, state, gateway)
        # Per job until it has ended (JobEnded applied: job_ended).
        self._workers: dict[int, Worker] = {}
        # Each job's cancel token: `cancel()` also shuts a blocked network read at once.
        self._tokens: dict[int, CancelToken] = {}
        # Per job until its thread has ended (its worker's last state: _thread_ended), which
        # for an abandoned job is after the job ended. `_stopped` is set when the thread has
        # really stopped (cancel only asks); no entry means it has (or it never had one).
        self._stopped: dict[int, threading.Event] = {}
        self._started: dict[int, threading.Event] = {}
        self._quitting = False
        # Jobs settled after the grace while their thread still runs: whatever it reports later
        # is dropped (the job has ended in the state; a new job for the key has its own id).
        self.abandoned: set[int] = set()
        # None: cancel_grace_seconds() (a test sets its own).
        self.cancel_grace: float | None = None
        # The session's shared downloader, built by the warm-up worker (None until then).
        self.downloader: Downloader | None = None

    # -- jobs -------------------------------------------------------------------------------

    def start_install(self, build: Build, *, reinstall: bool = False,
                      upgrade: bool = False) -> Job:
        job = self._state.add_job(INSTALL, build.key, build=build, reinstall=reinstall,
                                  upgrade=upgrade)
        self._fill_slots()
        return job

    def start_uninstall(self, installation: Installation, *, prune: bool = False) -> Job:
        job = self._state.add_job(UNINSTALL, installation.key, installation=installation,
                                  prune=prune)
        self._launch(job)
        return job

    def start_verify(self) -> Job:
        job = self._state.add_job(VERIFY, "verify cache")
        self._launch(job)
        return job

    def _fill_slots(self) -> None:
        """Start queued installs while fewer than `settings.jobs` run (uv's -j)."""
        if self._quitting:
            return
        running = [j for j in self._state.running_jobs() if j.kind == INSTALL and j.launched]
        free = max(1, self._state.settings.jobs) - len(running)
        for job in sorted(self._state.jobs.values(), key=lambda j: j.job_id):
            if free <= 0:
                break
            if job.kind == INSTALL and job.running and not job.launched:
                self._launch(job)
                free -= 1

    def _launch(self, job: Job) -> None:
        job.launched = True
        settings = self._state.job_settings()
        stopped = self._stopped[job.job_id] = threading.Event()
        started = self._started[job.job_id] = threading.Event()
        token = self._tokens[job.job_id] = CancelToken()
        body: Callable[[], None]
        if job.kind == INSTALL:
            if job.build is None:  # job_record's invariant, checked: `python -O` drops asserts
                raise TypeError(f"install job {job.job_id} has no build")
            downloader = None if settings.offline else self.downloader
            body = partial(self._install, job.job_id, token, job.build, settings,
                           self._state.catalog or Catalog([]), job.reinstall, downloader,
                           job.upgrade, job.listed)
        elif job.kind == UNINSTALL:
            if job.installation is None:
                raise TypeError(f"uninstall job {job.job_id} has no installation")
            outdated_among = list(self._state.environments or []) if job.prune else None
            body = partial(self._uninstall, job.job_id, token, job.installation.key, settings,
                           outdated_among)
        else:
            body = partial(self._verify, job.job_id, token, settings, self._state.catalog)
        skipped = JobEnded(job.job_id, CANCELLED, error=f"{job.title} cancelled before it started")
        self._workers[job.job_id] = self._spawn(
            partial(self._run_job, body, started, stopped, token, partial(self._app.post_message, skipped)),
            group=f"job-{job.job_id}", name=job.key or job.kind, description=job_name(job.kind, job.title))

    @staticmethod
    def _run_job(body: Callable[[], None], started: threading.Event, stopped: threading.Event,
                 token: CancelToken, skipped: Callable[[], object]) -> None:
        started.set()
        try:
            # Cancelled before its thread took it (a `c` right behind `i` or `y`): nothing is
            # done, not even an uninstall's first step, which checks no token.
            if token.cancelled:
                skipped()
                return
            body()
        finally:
            stopped.set()

    def cancel(self, job_id: int) -> JobEnded | None:
        """Ask the job to stop. A queued job (no thread yet) has nothing to wait for: its
        ending is returned, for the app to apply at once as every job's ending is applied
        (History keeps it, the slot-filling skips it from then on)."""
        job = self._state.jobs.get(job_id)
        if job is None or job.ended:
            return None
        worker = self._workers.get(job_id)
        if worker is None:
            return JobEnded(job_id, CANCELLED, error=f"{job.title} cancelled before it started")
        # The token stops the job at its next check and shuts a blocked read now (a request
        # still waiting for its response too); a job whose thread has not taken it yet ends at
        # once when it does (`_run_job`). Not Textual's `worker.cancel()`: on a worker whose
        # task has not run yet it cancels the task before its first line, so the worker never
        # reports CANCELLED, the body never runs and nothing ends the job (the row stayed
        # "cancelling" and quitting waited for a thread that never was).
        token = self._tokens.get(job_id)
        if token is not None:
            token.cancel()
        job.phase = "cancelling"
        # A read nothing can wake is not waited for: after the grace the row settles anyway.
        # Installs only: uninstalls and verify read no network and stop at their next check
        # (ending one early could hide an uninstall that still completes).
        if job.kind == INSTALL:
            self._app.set_timer(self.grace(), partial(self._grace_over, job_id))
        return None

    def grace(self) -> float:
        return cancel_grace_seconds() if self.cancel_grace is None else self.cancel_grace

    def _grace_over(self, job_id: int) -> None:
        """The grace after a cancel has passed: a job whose thread has not stopped is ended
        now, through the same message its thread would have sent."""
        if self.stopped(job_id):
            return
        job = self._state.cancel_overdue(job_id)
        if job is None:
            return
        self.abandoned.add(job_id)
        self._app.post_message(JobEnded(job_id, CANCELLED, error=abandoned_line(job, self.grace())))

    def job_ended(self, job_id: int) -> None:
        """The app saw a job end: free its slot. Nothing asks for its worker or its token
        from now on (cancel returns at an ended job); its thread's events go when it ends."""
        self._workers.pop(job_id, None)
        self._tokens.pop(job_id, None)
        self._fill_slots()

    def worker_state_changed(self, worker: Worker, state: WorkerState) -> JobEnded | str | None:
        """A worker changed state. Returns the JobEnded the app should apply for a job whose
        thread died or never ran, a one-line problem of a background worker, or None."""
        group = worker.group
        if group == "warm-up":
            if state == WorkerState.SUCCESS:
                self.downloader = worker.result
            return None
        if group.startswith("job-"):
            job_id = int(group[4:])
            if state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
                return None
            started = self._thread_ended(job_id)
            if state == WorkerState.CANCELLED and started is not None and not started.is_set():
                # Cancelled before a thread picked it up: its body will never run.
                return JobEnded(job_id, CANCELLED, error="cancelled before it started")
            if state == WorkerState.ERROR:
                error = worker.error
                return JobEnded(job_id, FAILED, error=f"{type(error).__name__}: {error}")
            return None
        if group == PURGE and state in (WorkerState.SUCCESS, WorkerState.ERROR,
                                        WorkerState.CANCELLED):
            self.purge_ended(worker.name)
        if state == WorkerState.ERROR:
            return f"{worker.description or worker.name}: {worker.error}"
        return None

    async def shutdown(self, timeout: float | None = None) -> None:
        """Cancel every running job and wait (without blocking the loop) until their threads
        have stopped, so nothing is left half-done when the process ends; at most the cancel
        grace, as the CLI's Ctrl-C: a thread still blocked then (in a read nothing can wake)
        is a daemon thread and ends with the process, and the next install removes the stage
        it leaves in `.temp/`, as after a kill."""
        self._quitting = True
        running = self._state.running_jobs()
        for job in running:
            ended = self.cancel(job.job_id)
            if ended is not None:  # a queued one: ended now, kept in History as any other
                self._app.post_message(ended)
        deadline = time.monotonic() + (self.grace() if timeout is None else timeout)
        for job in running:
            stopped = self._stopped.get(job.job_id)
            while stopped is not None and not stopped.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        # A purge has no cancel point: it is let end within the same grace (its thread's end
        # reaches state.purging through the worker's state, handled while this waits).
        while self._state.purging and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self.downloader is not None:
            self.downloader.close()

    def _thread_ended(self, job_id: int) -> threading.Event | None:
        """A job's worker reached its last state: its thread has ended (or never ran). Its
        events are let go (set first, for whoever holds one: shutdown's wait); returns the
        `started` one, which says whether the thread ran."""
        stopped = self._stopped.pop(job_id, None)
        if stopped is not None:
            stopped.set()
        self.abandoned.discard(job_id)
        return self._started.pop(job_id, None)

    def stopped(self, job_id: int) -> bool:
        """The job's thread has ended (or it never had one)."""
        event = self._stopped.get(job_id)
        return event is None or event.is_set()

    def close(self) -> None:
        """The app has ended (unmounted), by `q` or not (an error, a test's app leaving its
        `run_test`): every job still running is asked to stop, so no thread goes on downloading
        or retrying for an app that is gone (`q` has already cancelled them, and waited)."""
        for token in self._tokens.values():
            token.cancel()
        if self.downloader is not None:
            self.downloader.close()
            self.downloader = None
