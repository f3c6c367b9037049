"""The runner's background work (app/runner.py's `JobRunner` is built on it): catalog load
and refresh, disk scans, environment scans, size measurements, the warm-up, purges and the
purge modal's planner. Each result carries a generation; `is_current` tells the app to drop
one that is no longer the newest (Textual cannot stop a running thread, so an older scan may
finish after a newer one).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from pytui.app.disk_watch import disk_stamp
from pytui.app.gateway import CoreGateway, listed_installations
from pytui.app.job_view import purge_what
from pytui.app.messages import (
    CacheUsage,
    CatalogFailed,
    CatalogLoaded,
    CatalogRefreshed,
    DiskFailed,
    DiskListed,
    DiskStamped,
    EnvsScanned,
    InstalledSizes,
    Purged,
    TempCleaned,
    TreeFreed,
)
from pytui.app.state import AppState
from pytui.core.catalog import Catalog
from pytui.core.errors import PytuiError
from pytui.core.models import CachedArchive, Installation
from pytui.core.settings import Settings
from textual.app import App
from textual.message import Message
from textual.worker import NoActiveWorker, Worker, get_current_worker

if TYPE_CHECKING:
    from pytui.app.download_source import MirrorRow
    from pytui.app.purge_plan import PurgePlan
    from pytui.core.environment import ScanResult
    from textual.dom import DOMNode

_T = TypeVar("_T")

# Kinds of background work whose newest result wins.
CATALOG, DISK, SIZES, ENVS, CACHE_USAGE = "catalog", "disk", "sizes", "envs", "cache-usage"
TREE_FREED = "tree-freed"
# The periodic look for changes made by other processes (not a result kind: nothing supersedes it).
DISK_WATCH = "disk-watch"
PURGE = "purge"


def quick_note(result: ScanResult, now: float) -> str:
    """One line on what a quick scan checked (shown while the whole tree is checked): when the
    whole tree was last checked first, then `QUICK_SEP` and what was checked now (the
    Environments view puts the first part at the start of its status line)."""
    from pytui.app.cmd_envs import ago
    from pytui.app.envs_view import QUICK_SEP

    when = ago(now - result.tree_checked_at) if result.tree_checked_at is not None else "?"
    return (f"whole tree checked {when} ago{QUICK_SEP}known environments and "
            f"{result.watched:,} watched directories checked (the whole tree had "
            f"{result.tree_dirs:,} directories)")


def scan_note(result: ScanResult) -> str:
    """One line on how an environment scan went (what the Environments view says)."""
    line = f"the whole tree checked in {result.elapsed:.2f} s ({_directories_note(result)})"
    if result.partial:
        line += f"; partial: {result.reason or 'the time budget was reached'}"
    if result.unreadable:
        line += f"; {len(result.unreadable):,} unreadable"
    return line


def _directories(count: int) -> str:
    return f"{count:,} director{'y' if count == 1 else 'ies'}"


def _directories_note(result: ScanResult) -> str:
    """What the whole-tree check read now and what it took from the walk kept in the state dir
    (a directory unchanged since the last scan is not listed again), in a newcomer's words."""
    if not result.reused:
        return f"{_directories(result.listed)} read"
    if not result.listed:
        return f"{_directories(result.reused)}, none changed since the last scan"
    return f"{_directories(result.listed)} read, {result.reused:,} unchanged since the last scan"


def worker_cancelled() -> bool:
    try:
        return get_current_worker().is_cancelled
    except NoActiveWorker:  # not in a worker (a direct call)
        return False


class DaemonThreads(ThreadPoolExecutor):
    """The event loop's executor for Textual's thread workers: each call on its own daemon
    thread, and a shutdown that waits for none of them.

    The default one's threads are joined when the loop closes and again at interpreter exit,
    so a worker blocked in a read that nothing can wake (a mirror that accepted the connection
    and never answers, until the read timeout: 30 s by default, an hour with
    UV_HTTP_TIMEOUT=3600) would hold the process after the app has quit. Work is bounded by
    the runner instead (the `-j` slots; one worker per background kind)."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="pytui-worker")

    def submit(self, fn: Callable[..., _T], /, *args: object, **kwargs: object) -> Future[_T]:
        future: Future[_T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as err:  # noqa: BLE001 - handed to the worker's future
                future.set_exception(err)
            else:
                future.set_result(result)

        threading.Thread(target=run, name="pytui-worker", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:  # noqa: ARG002 - the base's signature
        """Nothing to wait for: a thread still running is a daemon and ends with the process."""


# The loop whose default executor `spawn` made DaemonThreads (a test process runs many apps,
# each on its own loop).
_daemon_loop: asyncio.AbstractEventLoop | None = None


def spawn(owner: DOMNode, body: Callable[[], object], *, group: str, name: str, description: str,
          exclusive: bool = False) -> Worker:
    """Start `body` as a thread worker of `owner`, in `group`: every thread of the TUI starts
    here, on DaemonThreads. `owner` is the app, or a dialog whose own work it is (the purge
    dialog's preview: its end is reported to the dialog, and closing it cancels the worker)."""
    global _daemon_loop
    loop = asyncio.get_running_loop()
    if loop is not _daemon_loop:  # once per loop
        loop.set_default_executor(DaemonThreads())
        _daemon_loop = loop
    return owner.run_worker(body, thread=True, group=group, name=name, description=description,
                            exclusive=exclusive, exit_on_error=False)


class BackgroundWork:
    """Background workers and their generations (the newest result of each kind wins)."""

    def __init__(self, app: App, state: AppState, gateway: CoreGateway) -> None:
        self._app = app
        self._state = state
        self.gateway = gateway
        self._generation: dict[str, int] = {}
        # A look for changes made elsewhere is under way (see watch_disk).
        self._watching = False

    # -- generations ------------------------------------------------------------------------

    def _next(self, kind: str) -> int:
        self._generation[kind] = self._generation.get(kind, 0) + 1
        return self._generation[kind]

    def is_current(self, kind: str, generation: int) -> bool:
        """Whether a result of `kind` started as `generation` is still the newest."""
        return self._generation.get(kind, 0) == generation

    def _post_if_current(self, kind: str, generation: int, message: Message) -> None:
        # Checked on the thread too, so a superseded result is not even queued.
        if worker_cancelled() or not self.is_current(kind, generation):
            return
        self._app.post_message(message)

    def _spawn(self, body: Callable[[], object], *, group: str, name: str, description: str,
               exclusive: bool = False) -> Worker:
        return spawn(self._app, body, group=group, name=name, description=description,
                     exclusive=exclusive)

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

    def scan_disk(self) -> int:
        """List the cache and the install root again; the newest scan wins. Returns its
        generation."""
        generation = self._next(DISK)
        self._spawn(partial(self._scan_disk, generation, self._state.job_settings(),
                            self._state.catalog),
                    group=DISK, name="scan", description="listing the cache and install root",
                    exclusive=True)
        return generation

    def _scan_disk(self, generation: int, settings: Settings, catalog: Catalog | None) -> None:
        # Taken before the listing: a change made while it runs shows as a change next time.
        stamp = disk_stamp(settings)
        try:
            archives, cache_problem = self.gateway.scan_cache(settings, catalog)
            installations, root_problem = listed_installations(self.gateway, settings)
            live = self.gateway.held_parts(archives)
        except PytuiError as err:
            self._post_if_current(DISK, generation, DiskFailed(generation, str(err), stamp))
            return
        except OSError as err:
            self._post_if_current(DISK, generation, DiskFailed(
                generation, f"cannot list {err.filename or 'the cache or install root'}: "
                            f"{err.strerror or err}", stamp))
            return
        self._post_if_current(DISK, generation,
                              DiskListed(generation, archives, installations, cache_problem, stamp,
                                         root_problem, live))

    def disk_listing_under_way(self) -> bool:
        """Whether the newest listing of the disk is still running (not ended, not superseded)."""
        return any(worker.group == DISK and not worker.is_finished for worker in self._app.workers)

    def watch_disk(self, mirror: tuple[MirrorRow, ...] = ()) -> None:
        """Stamp the install root and the cache on a thread (app/disk_watch.py); the app lists
        them again if another process changed them. One look at a time: a look stuck in a hung
        filesystem's `stat` is not joined by another every interval. `mirror`: offline, the
        Available rows whose `file://` mirror file the look stats too
        (app/download_source.mirror_rows)."""
        if self._watching:
            return
        self._watching = True
        # The `.part` files listed: whether a download into one began or ended changes no
        # directory (a killed downloader's lock goes with it), so the look asks their locks.
        parts = [a for a in self._state.archives if a.state == "partial"]
        self._spawn(partial(self._watch_disk, self._state.job_settings(), parts, mirror),
                    group=DISK_WATCH, name="watch",
                    description="looking for changes to the cache and install root")

    def _watch_disk(self, settings: Settings, parts: list[CachedArchive],
                    mirror: tuple[MirrorRow, ...]) -> None:
        try:
            stamp = disk_stamp(settings)
            live = self.gateway.held_parts(parts)
            moved = self.gateway.moved_since_listed([a for a in parts if a.name in live]) if live \
                else frozenset()
            mirror_moved = False
            if mirror:
                from pytui.app.download_source import mirror_changed

                mirror_moved = mirror_changed(mirror)
        finally:
            self._watching = False
        if not worker_cancelled():
            self._app.post_message(DiskStamped(stamp, frozenset(a.name for a in parts), live, moved,
                                               mirror_changed=mirror_moved))

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
            return worker_cancelled() or not self.is_current(ENVS, generation)

        # First the quick look (milliseconds), shown at once; then the whole tree, which
        # replaces it (the newest generation's results win, as for every background result).
        try:
            quick = self.gateway.quick_envs(settings, cancelled=cancelled, installed=installed,
                                            max_age=max_age, clock=self._state.clock)
        except (OSError, PytuiError):
            quick = None  # the full scan below says what is wrong
        if quick is not None and not cancelled():
            self._post_if_current(ENVS, generation, EnvsScanned(
                generation, quick.environments, quick.partial,
                note=quick_note(quick, self._state.clock()), quick=True, final=False,
                warnings=tuple(quick.warnings), roots=tuple(quick.roots)))
        try:
            result = self.gateway.scan_envs(settings, cancelled=cancelled, installed=installed,
                                            clock=self._state.clock)
        except (OSError, PytuiError) as err:
            self._post_if_current(ENVS, generation, EnvsScanned(
                generation, [], False, note=f"the environment scan failed: {err}", failed=True))
            return
        self._post_if_current(ENVS, generation, EnvsScanned(
            generation, result.environments, result.partial, note=scan_note(result),
            warnings=tuple(result.warnings), roots=tuple(result.roots)))

    def measure(self, asks: list[tuple[Installation, int]]) -> None:
        """Measure installs (app/size_watch.py decides which, one measurement per install at a
        time): one thread for them all, whose result says every install it was given."""
        self._spawn(partial(self._measure, list(asks)), group=SIZES, name="measure",
                    description="measuring installs")

    def _measure(self, asks: list[tuple[Installation, int]]) -> None:
        sizes: dict[str, int] = {}
        freeable: dict[str, int] = {}
        for installation, _ in asks:
            if worker_cancelled():
                break
            try:
                size = self.gateway.footprint(installation.path)
            except OSError:
                continue  # gone meanwhile; the next listing drops it
            sizes[installation.key], freeable[installation.key] = size.total, size.freed
        self._app.post_message(InstalledSizes(sizes, freeable,
                                              tuple((i.key, number) for i, number in asks)))

    def measure_tree_freed(self, archive: CachedArchive) -> None:
        """What removing `archive`'s kept tree frees, for the purge question (counting the
        tree's unshared files walks thousands of them: not on the UI thread)."""
        generation = self._next(TREE_FREED)
        self._spawn(partial(self._measure_tree_freed, generation, self._state.job_settings(), archive),
                    group=TREE_FREED, name="tree-freed", description="measuring a kept tree",
                    exclusive=True)

    def _measure_tree_freed(self, generation: int, settings: Settings, archive: CachedArchive) -> None:
        size: int | None
        try:
            effect = self.gateway.purge_effect(settings, [archive])
            size = sum(tree for _, tree in effect.archives)
        except (OSError, PytuiError):
            size = None  # the question then says the tree's bytes could not be counted
        self._post_if_current(TREE_FREED, generation, TreeFreed(generation, archive.name, size))

    def measure_cache(self) -> None:
        """The cache dir's bytes on disk (the header's size), as `pytui cache list` counts them."""
        generation = self._next(CACHE_USAGE)
        self._spawn(partial(self._measure_cache, generation, self._state.job_settings()),
                    group=CACHE_USAGE, name="cache-usage", description="measuring the cache",
                    exclusive=True)

    def _measure_cache(self, generation: int, settings: Settings) -> None:
        try:
            size = self.gateway.cache_usage(settings)
            # Right after the walk, so a download's growing `.part` is the size it counted.
            parts = self.gateway.cache_parts(settings)
            loose = self.gateway.loose_trees(settings)
        except OSError:
            return  # the listing says what is wrong with the cache dir
        self._post_if_current(CACHE_USAGE, generation, CacheUsage(generation, size, parts, loose))

    def clean_temp(self) -> None:
        """Clean the install root's `.temp/` of killed runs once (app start); the disk is listed
        again when something was there (an uninstall finished moves links)."""
        self._spawn(partial(self._clean_temp, self._state.job_settings()), group="clean-temp",
                    name="clean-temp", description="cleaning what killed runs left")

    def _clean_temp(self, settings: Settings) -> None:
        said: list[str] = []
        if self.gateway.clean_root_temp(settings, said):
            self._app.post_message(TempCleaned(tuple(said)))

    def warm_up(self) -> None:
        self._spawn(partial(self.gateway.warm_up, self._state.job_settings()), group="warm-up",
                    name="warm-up", description="preparing downloads")

    def purge(self, archives: list[CachedArchive], *, leftovers: bool = False, named: tuple[str, ...] = ()) -> None:
        """Remove `archives` and what killed runs left of them; with `leftovers` (the `all`
        rule) all that killed runs left. Listed in state.purging until its thread ends
        (purge_ended), under the worker name `purge-<id>`."""
        purge_id = self._next(PURGE)
        self._state.purging[purge_id] = purge_what(archives, leftovers=leftovers)
        self._spawn(partial(self._purge, self._state.job_settings(), archives, leftovers, named),
                    group=PURGE, name=f"{PURGE}-{purge_id}", description="purge")

    def purge_ended(self, worker_name: str) -> None:
        """A purge's thread ended (whatever its end): no longer running."""
        with contextlib.suppress(ValueError):
            self._state.purging.pop(int(worker_name.removeprefix(f"{PURGE}-")), None)

    def _purge(self, settings: Settings, archives: list[CachedArchive], leftovers: bool,
               named: tuple[str, ...] = ()) -> None:
        kept: list[CachedArchive] = []
        gone: list[CachedArchive] = []
        trees_kept: list[str] = []
        try:
            # `leftovers`: the `all` rule, which takes a newer pytui's trees too.
            freed = self.gateway.remove_archives(settings, archives, downloading=kept, gone=gone,
                                                 trees_kept=trees_kept, everything=leftovers, named=named)
            removed = self.gateway.remove_leftovers(settings, None if leftovers else archives)
        except PytuiError as err:
            self._app.post_message(Purged(0, 0, error=str(err)))
            return
        except OSError as err:
            # What core did not word itself: one line as every other filesystem failure.
            from pytui.core.fs_errors import cause

            where = err.filename or settings.cache_dir
            self._app.post_message(Purged(0, 0, error=f"cannot purge {where}: {cause(err)}; "
                                                      "nothing more was removed"))
            return
        from pytui.widgets.rows import cached_row_key

        # An archive and its partial download are one row, one archive purged; a row that was
        # only a stopped download is said as one (it read `Purged 1 archive`).
        rows: dict[str, bool] = {}
        for a in archives:
            if a not in kept and a not in gone:
                name = cached_row_key(a.name)
                rows[name] = rows.get(name, True) and a.state == "partial"
        # Who holds each kept `.part`: its line names the holder's activity only where the
        # holder's record says it (core/turn_record.kept_part_reason, as `cache purge` says).
        holders = self.gateway.held_parts(kept) if kept else {}
        self._app.post_message(Purged(len(rows), freed + removed.size, holders=holders,
                                      downloading=tuple(a.name for a in kept), leftovers=removed,
                                      gone=tuple(a.name for a in gone),
                                      partials=sum(rows.values()), trees_kept=tuple(trees_kept)))

    def planner(self) -> Callable[[str], PurgePlan]:
        """A function for the purge modal's thread: the plan for a rule, from a snapshot."""
        from pytui.app.purge_plan import ALL, OUTDATED, archive_plan, outdated_plan
        from pytui.widgets.rows import cached_row_key

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
                    result = gateway.scan_envs(settings, cancelled=worker_cancelled,
                                               installed=installations, clock=state.clock)
                    envs, was_partial = result.environments, result.partial
                for installation in installations:
                    if installation.key not in freeable or installation.key not in totals:
                        size = gateway.footprint(installation.path)
                        freeable[installation.key], totals[installation.key] = size.freed, size.total
                shared = {key: totals[key] - freed for key, freed in freeable.items() if key in totals}
                return outdated_plan(installations, envs, sizes=freeable, shared=shared, busy=busy,
                                     partial=was_partial)
            archives = [a for a in gateway.purge_plan(settings, catalog, rule=rule, installed_keys=installed)
                        if cached_row_key(a.name) not in in_use]
            leftovers = gateway.find_leftovers(settings, None if rule == ALL else archives)
            return archive_plan(rule, gateway.purge_effect(settings, archives, everything=rule == ALL), leftovers)

        return plan
