"""The one job runner: every thread body of the TUI (installs, uninstalls, verify, catalog
load and refresh, disk scans, size measurements, purges), their cancellation, the `-j` slots
and shutdown.

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

from pytui.app.gateway import CoreGateway
from pytui.app.messages import (
    CacheUsage,
    CatalogFailed,
    CatalogLoaded,
    CatalogRefreshed,
    DiskFailed,
    DiskListed,
    EnvsScanned,
    InstalledSizes,
    JobEnded,
    JobNote,
    JobProgress,
    Purged,
)
from pytui.app.state import CANCELLED, FAILED, INSTALL, UNINSTALL, VERIFY, AppState, Job
from pytui.app.support_view import today
from pytui.core.catalog import Catalog
from pytui.core.errors import Cancelled, PytuiError
from pytui.core.models import Build, CachedArchive, Installation
from pytui.core.progress import CancelToken, Progress, Throttle
from pytui.core.settings import Settings
from pytui.widgets.format import human_size
from textual.app import App
from textual.message import Message
from textual.worker import NoActiveWorker, Worker, WorkerState, get_current_worker

if TYPE_CHECKING:
    from pytui.app.purge_plan import PurgePlan
    from pytui.core.download import Downloader
    from pytui.core.environment import ScanResult

PROGRESS_RATE = 10.0
QUIT_WAIT_SECONDS = 15.0
# Kinds of background work whose newest result wins.
CATALOG, DISK, SIZES, ENVS, CACHE_USAGE = "catalog", "disk", "sizes", "envs", "cache-usage"


def quick_note(result: ScanResult, now: float) -> str:
    """One line on what a quick scan checked (shown while the whole tree is checked)."""
    from pytui.app.cmd_envs import ago

    when = ago(now - result.tree_checked_at) if result.tree_checked_at is not None else "?"
    return (f"known environments and {result.watched:,} watched directories checked; the whole "
            f"tree ({result.tree_dirs:,} directories) was checked {when} ago")


def scan_note(result: ScanResult) -> str:
    """One line on how an environment scan went (what the Environments view says)."""
    line = (f"the whole tree checked in {result.elapsed:.2f} s "
            f"({result.listed} director{'y' if result.listed == 1 else 'ies'} listed, "
            f"{result.reused} reused from the last scan)")
    if result.partial:
        line += f"; partial: {result.reason or 'the time budget was reached'}"
    if result.unreadable:
        line += f"; {len(result.unreadable)} unreadable"
    return line


def _worker_cancelled() -> bool:
    try:
        return get_current_worker().is_cancelled
    except NoActiveWorker:  # not in a worker (a direct call)
        return False


class JobRunner:
    def __init__(self, app: App, state: AppState, gateway: CoreGateway) -> None:
        self._app = app
        self._state = state
        self.gateway = gateway
        self._generation: dict[str, int] = {}
        self._workers: dict[int, Worker] = {}
        # Set when a job's thread has really stopped (cancel only asks).
        self._stopped: dict[int, threading.Event] = {}
        self._started: dict[int, threading.Event] = {}
        # Each job's cancel token: `cancel()` also shuts a blocked network read at once.
        self._tokens: dict[int, CancelToken] = {}
        self._quitting = False
        # The session's shared downloader, built by the warm-up worker (None until then).
        self.downloader: Downloader | None = None

    # -- generations ------------------------------------------------------------------------

    def _next(self, kind: str) -> int:
        self._generation[kind] = self._generation.get(kind, 0) + 1
        return self._generation[kind]

    def is_current(self, kind: str, generation: int) -> bool:
        """Whether a result of `kind` started as `generation` is still the newest."""
        return self._generation.get(kind, 0) == generation

    def _post_if_current(self, kind: str, generation: int, message: Message) -> None:
        # Checked on the thread too, so a superseded result is not even queued.
        if _worker_cancelled() or not self.is_current(kind, generation):
            return
        self._app.post_message(message)

    def _spawn(self, body: Callable[[], object], *, group: str, name: str, description: str,
               exclusive: bool = False) -> Worker:
        return self._app.run_worker(body, thread=True, group=group, name=name,
                                    description=description, exclusive=exclusive,
                                    exit_on_error=False)

    # -- background work --------------------------------------------------------------------

    def load_catalog(self) -> None:
        generation = self._next(CATALOG)
        self._spawn(partial(self._load_catalog, generation, self._state.job_settings()),
                    group=CATALOG, name="load", description="reading the catalog",
                    exclusive=True)

    def _load_catalog(self, generation: int, settings: Settings) -> None:
        try:
            catalog = self.gateway.load_catalog(settings)
        except PytuiError as err:
            self._post_if_current(CATALOG, generation, CatalogFailed(generation, str(err)))
            return
        self._post_if_current(CATALOG, generation, CatalogLoaded(generation, catalog))

    def refresh_catalog(self) -> None:
        generation = self._next(CATALOG)
        self._spawn(partial(self._refresh_catalog, generation, self._state.job_settings()),
                    group=CATALOG, name="refresh", description="catalog refresh",
                    exclusive=True)

    def _refresh_catalog(self, generation: int, settings: Settings) -> None:
        outcome = self.gateway.refresh_catalog(settings)
        self._post_if_current(CATALOG, generation, CatalogRefreshed(generation, outcome))

    def scan_disk(self) -> None:
        """List the cache and the install root again; the newest scan wins."""
        generation = self._next(DISK)
        self._spawn(partial(self._scan_disk, generation, self._state.job_settings(),
                            self._state.catalog),
                    group=DISK, name="scan", description="listing the cache and install root",
                    exclusive=True)

    def _scan_disk(self, generation: int, settings: Settings, catalog: Catalog | None) -> None:
        try:
            archives, cache_problem = self.gateway.scan_cache(settings, catalog)
            installations = self.gateway.list_installed(settings)
        except PytuiError as err:
            self._post_if_current(DISK, generation, DiskFailed(generation, str(err)))
            return
        except OSError as err:
            self._post_if_current(DISK, generation, DiskFailed(
                generation, f"cannot list {err.filename or 'the cache or install root'}: "
                            f"{err.strerror or err}"))
            return
        self._post_if_current(DISK, generation,
                              DiskListed(generation, archives, installations, cache_problem))

    def scan_envs(self) -> None:
        """Find the environments and the install each uses (never blocks a key; newest wins,
        a newer scan cancels the running one)."""
        generation = self._next(ENVS)
        self._state.envs_scanning = True
        self._spawn(partial(self._scan_envs, generation, self._state.job_settings(),
                            list(self._state.installations) if self._state.disk_listed else None,
                            self._state.envs_max_age),
                    group=ENVS, name="envs", description="scanning environments", exclusive=True)

    def cancel_envs(self) -> bool:
        """Stop a running scan (its result is dropped); False when none runs."""
        if not self._state.envs_scanning:
            return False
        self._next(ENVS)
        self._app.workers.cancel_group(self._app, ENVS)
        self._state.envs_scanning = False
        return True

    def _scan_envs(self, generation: int, settings: Settings,
                   installed: list[Installation] | None, max_age: float | None) -> None:
        def cancelled() -> bool:
            return _worker_cancelled() or not self.is_current(ENVS, generation)

        # First the quick look (milliseconds), shown at once; then the whole tree, which
        # replaces it (the newest generation's results win, as for every background result).
        try:
            quick = self.gateway.quick_envs(settings, cancelled=cancelled, installed=installed,
                                            max_age=max_age)
        except (OSError, PytuiError):
            quick = None  # the full scan below says what is wrong
        if quick is not None and not cancelled():
            self._post_if_current(ENVS, generation, EnvsScanned(
                generation, quick.environments, quick.partial,
                note=quick_note(quick, time.time()), quick=True, final=False))
        try:
            result = self.gateway.scan_envs(settings, cancelled=cancelled, installed=installed)
        except (OSError, PytuiError) as err:
            self._post_if_current(ENVS, generation, EnvsScanned(
                generation, [], False, note=f"the environment scan failed: {err}", failed=True))
            return
        self._post_if_current(ENVS, generation, EnvsScanned(
            generation, result.environments, result.partial, note=scan_note(result)))

    def measure(self, installations: list[Installation]) -> None:
        generation = self._next(SIZES)
        self._spawn(partial(self._measure, generation, list(installations)), group=SIZES,
                    name="measure", description="measuring installs", exclusive=True)

    def _measure(self, generation: int, installations: list[Installation]) -> None:
        sizes: dict[str, int] = {}
        freeable: dict[str, int] = {}
        for installation in installations:
            if _worker_cancelled():
                return
            try:
                size = self.gateway.footprint(installation.path)
            except OSError:
                continue  # gone meanwhile; the next listing drops it
            sizes[installation.key], freeable[installation.key] = size.total, size.freed
        self._post_if_current(SIZES, generation, InstalledSizes(generation, sizes, freeable))

    def measure_cache(self) -> None:
        """The cache dir's bytes on disk (the header's size), as `pytui cache list` counts them."""
        generation = self._next(CACHE_USAGE)
        self._spawn(partial(self._measure_cache, generation, self._state.job_settings()),
                    group=CACHE_USAGE, name="cache-usage", description="measuring the cache",
                    exclusive=True)

    def _measure_cache(self, generation: int, settings: Settings) -> None:
        try:
            size = self.gateway.cache_usage(settings)
        except OSError:
            return  # the listing says what is wrong with the cache dir
        self._post_if_current(CACHE_USAGE, generation, CacheUsage(generation, size))

    def warm_up(self) -> None:
        self._spawn(partial(self.gateway.warm_up, self._state.job_settings()), group="warm-up",
                    name="warm-up", description="preparing downloads")

    def purge(self, archives: list[CachedArchive]) -> None:
        self._spawn(partial(self._purge, self._state.job_settings(), archives), group="purge",
                    name="purge", description="purge")

    def _purge(self, settings: Settings, archives: list[CachedArchive]) -> None:
        try:
            freed = self.gateway.remove_archives(settings, archives)
        except (PytuiError, OSError) as err:
            self._app.post_message(Purged(0, 0, error=str(err)))
            return
        self._app.post_message(Purged(len(archives), freed))

    def planner(self) -> Callable[[str], PurgePlan]:
        """A function for the purge modal's thread: the plan for a rule, from a snapshot."""
        from pytui.app.purge_plan import OUTDATED, archive_plan, outdated_plan
        from pytui.widgets.rows import archive_key

        state = self._state
        settings = state.job_settings()
        catalog = state.catalog
        installed = frozenset(state.installed_keys)
        installations = list(state.installations)
        freeable = dict(state.freeable)
        totals = dict(state.sizes)
        # A quick check is not enough to decide what to remove: then the plan scans the tree.
        environments = (None if state.environments is None or state.envs_quick
                        else list(state.environments))
        partial = state.envs_partial
        busy = frozenset(job.key for job in state.running_jobs() if job.key)
        in_use = frozenset(state.in_use_names())
        gateway = self.gateway

        def plan(rule: str) -> PurgePlan:
            if rule == OUTDATED:
                envs, was_partial = environments, partial
                if envs is None:  # the background scan has not ended: scan here
                    result = gateway.scan_envs(settings, cancelled=_worker_cancelled,
                                               installed=installations)
                    envs, was_partial = result.environments, result.partial
                for installation in installations:
                    if installation.key not in freeable or installation.key not in totals:
                        size = gateway.footprint(installation.path)
                        freeable[installation.key], totals[installation.key] = size.freed, size.total
                shared = {key: totals[key] - freed for key, freed in freeable.items() if key in totals}
                return outdated_plan(installations, envs, sizes=freeable, shared=shared, busy=busy,
                                     partial=was_partial)
            archives = gateway.purge_plan(settings, catalog, rule=rule, installed_keys=installed)
            return archive_plan(rule, gateway.purge_effect(
                settings, [a for a in archives if archive_key(a.name) not in in_use]))

        return plan

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
            assert job.build is not None
            downloader = None if settings.offline else self.downloader
            body = partial(self._install, job.job_id, token, job.build, settings,
                           self._state.catalog or Catalog([]), job.reinstall, downloader,
                           job.upgrade)
        elif job.kind == UNINSTALL:
            assert job.installation is not None
            body = partial(self._uninstall, job.job_id, token, job.installation.key, settings,
                           job.prune)
        else:
            body = partial(self._verify, job.job_id, token, settings, self._state.catalog)
        self._workers[job.job_id] = self._spawn(
            partial(self._run_job, body, started, stopped), group=f"job-{job.job_id}",
            name=job.key or job.kind, description=f"{job.kind} {job.title}")

    @staticmethod
    def _run_job(body: Callable[[], None], started: threading.Event,
                 stopped: threading.Event) -> None:
        started.set()
        try:
            body()
        finally:
            stopped.set()

    def _reporter(self, job_id: int, unit: str = "bytes") -> Throttle:
        def post(progress: Progress) -> None:
            if progress.note:  # a wait within the phase: "retrying in 2 s (attempt 2 of 4): …"
                self._app.post_message(JobNote(job_id, progress.note))
                return
            self._app.post_message(JobProgress(job_id, progress.phase, progress.done,
                                               progress.total, progress.speed, unit))

        return Throttle(post, rate=PROGRESS_RATE)

    def _waiting(self, job_id: int, line: str) -> None:
        # Another process (uv, another pytui) holds the install root's lock.
        self._app.post_message(JobNote(job_id, line, phase="waiting"))

    def _install(self, job_id: int, cancel: CancelToken, build: Build, settings: Settings,
                 catalog: Catalog, reinstall: bool, downloader: Downloader | None,
                 upgrade: bool = False) -> None:
        post = self._app.post_message
        if upgrade:  # as `pytui upgrade`: bin links only where they already exist
            from pytui.app.upgrade_plan import upgrade_settings

            settings = upgrade_settings(settings, build)

        def warn(line: str) -> None:
            post(JobNote(job_id, line, warning=True))

        try:
            result = self.gateway.install(
                build, settings=settings, catalog=catalog, progress=self._reporter(job_id),
                cancel=cancel, reinstall=reinstall, downloader=downloader,
                on_warning=warn, on_wait=partial(self._waiting, job_id))
        except Cancelled as err:
            post(JobEnded(job_id, CANCELLED, error=str(err)))
        except PytuiError as err:
            post(JobEnded(job_id, FAILED, error=str(err)))
        else:
            if result.status != "already":
                # An end-of-life version: the fact, as the question said it before (a
                # notification and in History).
                line = self.gateway.eol_installed(build, settings, today(self._state.clock()))
                if line:
                    warn(line)
            summary = (f"{build.key} was already installed" if result.status == "already"
                       else f"{result.status.capitalize()} {build.key}")
            if upgrade:
                summary += (f"; {build.minor_key} now points to it (environments made through "
                            "it run the new patch)")
            post(JobEnded(job_id, "done", summary=summary))

    def _uninstall(self, job_id: int, cancel: CancelToken, key: str, settings: Settings,
                   prune: bool = False) -> None:
        from pytui.core.install_root import NotRemoved

        post = self._app.post_message
        post(JobProgress(job_id, "remove", 0, None))
        try:
            result = self.gateway.uninstall(
                settings, key, cancel=cancel, on_wait=partial(self._waiting, job_id),
                outdated_among=(self._state.environments or []) if prune else None)
        except NotRemoved as err:  # no longer outdated: kept, which is what the rule wants
            post(JobEnded(job_id, "done", summary=str(err)))
        except Cancelled as err:
            post(JobEnded(job_id, CANCELLED, error=f"uninstall of {key} cancelled; it stays "
                                                   f"installed ({err})"))
        except PytuiError as err:
            post(JobEnded(job_id, FAILED, error=f"failed to uninstall {key}: {err}"))
        else:
            from pytui.app.uninstall_report import links_text, summary_text

            post(JobEnded(job_id, "done",
                          summary=f"Uninstalled {key}{links_text(result)}, {summary_text([result])}"))

    def _verify(self, job_id: int, cancel: CancelToken, settings: Settings,
                catalog: Catalog | None) -> None:
        post = self._app.post_message
        try:
            report = self.gateway.verify_cache(settings, catalog, cancel=cancel,
                                               progress=self._reporter(job_id))
        except Cancelled as err:
            post(JobEnded(job_id, CANCELLED, error=str(err)))
            return
        except PytuiError as err:
            post(JobEnded(job_id, FAILED, error=str(err)))
            return
        ok, corrupt = len(report.ok), report.corrupt
        if not corrupt:
            post(JobEnded(job_id, "done", summary=f"Cache verified: {ok} archive(s) ok"))
            return
        # The check itself worked; what it found is said as a warning.
        names = ", ".join(archive.name for archive, _ in corrupt[:3])
        more = f" and {len(corrupt) - 3} more" if len(corrupt) > 3 else ""
        freed = human_size(sum(archive.size for archive, _ in corrupt))
        post(JobEnded(job_id, "done", warning=True,
                      summary=f"{ok} archive(s) ok; {len(corrupt)} corrupt removed ({freed}): "
                              f"{names}{more}; the next install downloads "
                              f"{'it' if len(corrupt) == 1 else 'them'} again"))

    def cancel(self, job_id: int) -> None:
        job = self._state.jobs.get(job_id)
        if job is None or job.ended:
            return
        worker = self._workers.get(job_id)
        if worker is None:
            # Still queued: nothing runs yet, so nothing to wait for.
            self._state.end_job(job_id, CANCELLED, error=f"{job.title} cancelled before it "
                                                         "started")
            self._fill_slots()
            return
        # The token stops the job at its next check and shuts a blocked read now; the worker
        # is marked cancelled for Textual.
        self._tokens[job_id].cancel()
        worker.cancel()
        job.phase = "cancelling"

    def job_ended(self, job_id: int) -> None:
        """The app saw a job end: free its slot."""
        self._workers.pop(job_id, None)
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
            started = self._started.get(job_id)
            if state == WorkerState.CANCELLED and started is not None and not started.is_set():
                # Cancelled before a thread picked it up: its body will never run.
                self._stopped[job_id].set()
                return JobEnded(job_id, CANCELLED, error="cancelled before it started")
            if state == WorkerState.ERROR:
                self._stopped.get(job_id, threading.Event()).set()
                error = worker.error
                return JobEnded(job_id, FAILED, error=f"{type(error).__name__}: {error}")
            return None
        if state == WorkerState.ERROR:
            return f"{worker.description or worker.name}: {worker.error}"
        return None

    async def shutdown(self, timeout: float = QUIT_WAIT_SECONDS) -> None:
        """Cancel every running job and wait (without blocking the loop) until their threads
        have stopped, so nothing is left half-done when the process ends."""
        self._quitting = True
        running = self._state.running_jobs()
        for job in running:
            self.cancel(job.job_id)
        deadline = time.monotonic() + timeout
        for job in running:
            stopped = self._stopped.get(job.job_id)
            while stopped is not None and not stopped.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        if self.downloader is not None:
            self.downloader.close()

    def stopped(self, job_id: int) -> bool:
        """The job's thread has ended (or it never had one)."""
        event = self._stopped.get(job_id)
        return event is None or event.is_set()

    def close(self) -> None:
        if self.downloader is not None:
            self.downloader.close()
            self.downloader = None
