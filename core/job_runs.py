"""Several install jobs at once, for the CLI (`pytui install`, `pytui upgrade`): one
`InstallJob` (core/jobs.py) per distinct build on a few threads, one downloader shared, and
Ctrl-C cancelling them all and waiting a bounded time for their clean-up. The TUI runs each
job in its own thread worker instead (app/runner.py)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Sequence

from pytui.core.errors import PytuiError, WarningLine
from pytui.core.install_root import InstallRoot, restored_line
from pytui.core.jobs import InstallJob, JobOutcome
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import Build
from pytui.core.progress import CancelToken, ProgressCallback, no_progress
from pytui.core.settings import Settings

if TYPE_CHECKING:
    from pytui.core.catalog import Catalog
    from pytui.core.download import Downloader


def dedupe(builds: Iterable[Build]) -> list[Build]:
    """One job per key: two requests that resolve to the same build make one job."""
    seen: dict[str, Build] = {}
    for build in builds:
        seen.setdefault(build.key, build)
    return list(seen.values())


def run_install_jobs(
    builds: Sequence[Build],
    *,
    settings: Settings,
    catalog: Catalog | None = None,
    concurrency: int | None = None,
    progress_for: Callable[[Build], ProgressCallback] | None = None,
    cancel: CancelToken | None = None,
    reinstall: bool = False,
    no_cache: bool = False,
    force: bool = False,
    on_warning: Callable[[WarningLine], None] | None = None,
    wait_for: Callable[[Build], Callable[[str], None]] | None = None,
    downloader: Downloader | None = None,
    on_ended: Callable[[Build], None] | None = None,
) -> list[JobOutcome]:
    """Run one `InstallJob` per distinct build, `concurrency` at a time (default settings.jobs).

    Returns outcomes in the order of `builds`; a failure in one job does not stop the others.
    Leftovers of killed runs in `<root>/.temp` are cleaned first. A `downloader` given by the
    caller (e.g. one whose client it is preparing on another thread) is shared by the jobs and
    left open; otherwise one is made when a job first needs it, and closed here. `on_ended`
    hears of each job's end, whatever it was (its progress reports stop: no stall to say).
    `wait_for(build)` gives the job's `on_wait`, as `progress_for` its progress: each job
    waits for a lock of its own and says so on its own line.
    """
    builds = dedupe(builds)
    cancel = cancel or CancelToken()
    with contextlib.suppress(PytuiError, OSError):
        # Try the lock once: while uv (or another pytui) holds it, its temp dirs may be in use,
        # and this run should not wait before it has even started downloading. A tidy, as in
        # every other caller: a `.temp/` it cannot list (its permissions) is the install's to
        # say, naming the staging dir, not the last line of defence's `check that path`.
        warn = on_warning
        restored = None if warn is None else (lambda key: warn(restored_line(key)))
        InstallRoot(settings.install_root, lock_timeout=0).clean_temp(cancel=cancel, bin_dir=settings.bin_dir,
                                                                      on_restored=restored)
    made: list[Downloader] = []
    making = threading.Lock()

    def shared() -> Downloader:
        # Made by the first job that downloads; jobs installing from a pristine tree never ask.
        if downloader is not None:
            return downloader
        with making:
            if not made:
                from pytui.core.download import Downloader

                made.append(Downloader.from_settings(settings))
            return made[0]

    def one(build: Build) -> JobOutcome:
        job = InstallJob(build, settings=settings, catalog=catalog,
                         progress=progress_for(build) if progress_for else no_progress,
                         cancel=cancel, reinstall=reinstall, no_cache=no_cache, force=force,
                         downloader=shared, on_warning=on_warning,
                         on_wait=wait_for(build) if wait_for else None)
        try:
            return JobOutcome(build, result=job.run())
        except PytuiError as err:
            return JobOutcome(build, error=err)
        finally:
            if on_ended is not None:
                on_ended(build)

    try:
        workers = max(1, min(concurrency or settings.jobs, len(builds) or 1))
        return _run_in_threads(one, builds, workers, cancel)
    finally:
        for own in made:
            own.close()


class JobsInterrupted(KeyboardInterrupt):
    """Ctrl-C while `run_install_jobs` ran: `outcomes` of the jobs that ended by then (a commit
    under way runs to its end, so some may have installed their build)."""

    def __init__(self, outcomes: list[JobOutcome]) -> None:
        super().__init__()
        self.outcomes = outcomes


# How often the main thread wakes while it waits for the jobs. CPython runs signal handlers
# only in the main thread, and a SIGINT the kernel delivers to a worker thread does not
# interrupt the main thread's wait: waking this often makes Ctrl-C felt within this time.
SIGNAL_POLL_SECONDS = 0.1
# How long Ctrl-C waits for the cancelled jobs to clean up. A job stops at its next chunk or
# member and a transfer in progress is shut at once, all within a fraction of a second; what
# the cancel cannot wake (a connection the server accepted but never answers, where the read
# timeout would take its full length) is given up after this, as a second Ctrl-C does: the
# process exits, its lock goes with it, and the next run removes what is left in `.temp/`.
CANCEL_GRACE_SECONDS = 5.0


def _wait_all(events: list[threading.Event], within: float | None = None) -> None:
    """Wait until every event is set (or `within` seconds have passed), waking every
    SIGNAL_POLL_SECONDS so signals are handled."""
    deadline = None if within is None else time.monotonic() + within
    for event in events:
        while not event.wait(SIGNAL_POLL_SECONDS):
            if deadline is not None and time.monotonic() >= deadline:
                return


def _run_in_threads(one: Callable[[Build], JobOutcome], builds: list[Build], workers: int,
                    cancel: CancelToken) -> list[JobOutcome]:
    """`one(build)` for every build on `workers` threads; outcomes in the order of `builds`.

    Plain threads rather than concurrent.futures, which with logging costs ~10 ms of start-up.
    Ctrl-C in the main thread cancels the jobs, which stop at their next chunk or member (a
    blocked network read is woken by the cancel), leaving resumable .part files, and is
    re-raised once they have cleaned up, or after CANCEL_GRACE_SECONDS if one cannot be woken.
    A second Ctrl-C stops waiting for that clean-up (what is left in `.temp/` is removed by the
    next run, as after a kill).
    """
    outcomes: list[JobOutcome | None] = [None] * len(builds)
    failures: list[BaseException] = []
    queue = list(enumerate(builds))
    taking = threading.Lock()
    # Completion is signalled with events, not Thread.join: on Python 3.11 a join interrupted
    # by Ctrl-C makes the next join return at once, before the job has cleaned up its stage.
    finished = [threading.Event() for _ in range(workers)]

    def work(done: threading.Event) -> None:
        try:
            while True:
                with taking:
                    if not queue:
                        return
                    index, build = queue.pop(0)
                try:
                    outcomes[index] = one(build)
                except BaseException as err:  # noqa: BLE001 - a bug, not a job failure: re-raised in the caller
                    failures.append(err)
                    cancel.cancel()
                    return
        finally:
            done.set()

    for n, done in enumerate(finished):
        threading.Thread(target=work, args=(done,), name=f"pytui-install-{n}", daemon=True).start()
    try:
        _wait_all(finished)
    except BaseException as err:
        cancel.cancel()
        _wait_all(finished, CANCEL_GRACE_SECONDS)
        if isinstance(err, KeyboardInterrupt):
            # Jobs that ended before (or committed while) the cancel came installed their
            # builds: the caller says so before it says it was interrupted.
            raise JobsInterrupted([outcome for outcome in outcomes if outcome is not None]) from None
        raise
    if failures:
        raise failures[0]
    return [outcome for outcome in outcomes if outcome is not None]
