"""Job bookkeeping and the bodies of the thread workers that run core jobs.

A thread body only calls core/ and posts messages (`JobProgress`, `JobEnded`); progress is
throttled here, at the source, to about ten reports a second per job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from pytui.app import engine
from pytui.app.messages import JobEnded, JobProgress
from pytui.core.catalog import Catalog
from pytui.core.errors import Cancelled, PytuiError
from pytui.core.models import Build
from pytui.core.progress import CancelToken, Progress, Throttle
from pytui.core.settings import Settings
from pytui.widgets.format import human_size
from pytui.widgets.job_list import JobView
from textual.app import App
from textual.message_pump import MessagePump
from textual.worker import Worker, get_current_worker

PROGRESS_RATE = 10.0


@dataclass
class JobRecord:
    """One job the app started: what it works on, where it is, and how to stop it."""

    job_id: int
    kind: str  # "install" or "verify"
    title: str
    build: Build | None = None
    view: JobView | None = None
    worker: Worker | None = None
    # Starts the worker; set while the job waits for a free slot (settings.jobs at a time).
    launch: Callable[[], Worker] | None = None
    # Set by the thread when it starts, and when it has really stopped (cancel only asks).
    started: threading.Event = field(default_factory=threading.Event)
    stopped: threading.Event = field(default_factory=threading.Event)

    @property
    def key(self) -> str | None:
        return self.build.key if self.build is not None else None

    @property
    def running(self) -> bool:
        return self.view is None or not self.view.ended

    @property
    def group(self) -> str:
        return f"job-{self.job_id}"


def _cancel_token() -> CancelToken:
    """The worker's own cancel event: `Worker.cancel()` (the `c` key, quitting) stops the job."""
    try:
        return CancelToken(get_current_worker().cancelled_event)
    except Exception:  # not inside a worker (direct calls from benchmarks)
        return CancelToken()


def _reporter(target: MessagePump, job_id: int) -> Throttle:
    def post(progress: Progress) -> None:
        target.post_message(JobProgress(job_id, progress.phase, progress.done, progress.total,
                                        progress.speed))

    return Throttle(post, rate=PROGRESS_RATE)


def run_install(target: App, record: JobRecord, *, settings: Settings, catalog: Catalog,
                reinstall: bool = False, downloader: object | None = None) -> None:
    """Thread body of an install job."""
    assert record.build is not None
    record.started.set()
    build = record.build

    def warn(line: str) -> None:  # App.notify is thread-safe (it posts a message)
        target.notify(line, title=build.key, severity="warning", markup=False)

    def waiting(line: str) -> None:
        # Another process (uv, another pytui) holds the install root's lock.
        target.post_message(JobProgress(record.job_id, "waiting", 0, None))
        warn(line)

    try:
        result = engine.install(build, settings=settings, catalog=catalog,
                                progress=_reporter(target, record.job_id),
                                cancel=_cancel_token(), reinstall=reinstall,
                                downloader=None if settings.offline else downloader,
                                on_warning=warn, on_wait=waiting)
    except Cancelled:
        target.post_message(JobEnded(record.job_id, "cancelled"))
    except PytuiError as err:
        target.post_message(JobEnded(record.job_id, "failed", error=str(err)))
    else:
        status = getattr(result, "status", "installed")
        summary = (f"{build.key} was already installed" if status == "already"
                   else f"{status.capitalize()} {build.key}")
        target.post_message(JobEnded(record.job_id, "done", summary=summary))
    finally:
        record.stopped.set()


def run_verify(target: MessagePump, record: JobRecord, *, settings: Settings,
               catalog: Catalog | None) -> None:
    """Thread body of a cache verification."""
    record.started.set()
    try:
        report = engine.verify_cache(settings, catalog, progress=_reporter(target, record.job_id),
                                     cancel=_cancel_token())
    except Cancelled:
        target.post_message(JobEnded(record.job_id, "cancelled"))
    except PytuiError as err:
        target.post_message(JobEnded(record.job_id, "failed", error=str(err)))
    else:
        ok = len(getattr(report, "ok", []))
        corrupt = getattr(report, "corrupt", [])
        if corrupt:
            # The check itself worked; what it found is said as a warning.
            names = ", ".join(archive.name for archive, _ in corrupt[:3])
            more = f" and {len(corrupt) - 3} more" if len(corrupt) > 3 else ""
            freed = human_size(getattr(report, "bytes_removed", 0))
            target.post_message(JobEnded(
                record.job_id, "done", warning=True,
                summary=f"{ok} archive(s) ok; {len(corrupt)} corrupt removed ({freed}): "
                        f"{names}{more}; the next install downloads them again"))
        else:
            target.post_message(JobEnded(record.job_id, "done",
                                         summary=f"Cache verified: {ok} archive(s) ok"))
    finally:
        record.stopped.set()
