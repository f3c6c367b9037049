"""The TUI's state as plain data (no Textual): catalog, what is on disk, the view options and
the jobs (each an app/job_record.Job). The app changes it only from message handlers on the UI
thread; threads get copies.

Records (core/record.py), not dataclasses: this module is imported before the first screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pytui.app.job_record import FAILED, INSTALL, Job
from pytui.app.sorting import UNSORTED, SortOrder
from pytui.core.cache_names import PART_SUFFIX
from pytui.core.catalog import Catalog
from pytui.core.models import Build, CachedArchive, Installation
from pytui.core.platform_detect import HostPlatform
from pytui.core.record import FrozenRecord, Record
from pytui.core.settings import Settings
from pytui.core.stalls import clock_restarts
from pytui.core.url_secrets import without_secrets

if TYPE_CHECKING:
    from pytui.core.cache_locks import PartHolder
    from pytui.core.environment import Environment
    from pytui.core.loose_trees import LooseTree


class ViewOptions(FrozenRecord):
    """What the Available pane shows (the keys a, A, f and the `/` filter)."""

    __slots__ = ("all_versions", "all_platforms", "variants", "filter_text")
    all_versions: bool
    all_platforms: bool
    variants: bool
    filter_text: str

    def __init__(self, all_versions: bool = False, all_platforms: bool = False,
                 variants: bool = False, filter_text: str = "") -> None:
        _set = object.__setattr__
        _set(self, "all_versions", all_versions)
        _set(self, "all_platforms", all_platforms)
        _set(self, "variants", variants)
        _set(self, "filter_text", filter_text)


# The catalog note after a refresh that brought no catalog: the one shown is the one read
# before (the header says which, and how to retry: header_view.header_info).
REFRESH_FAILED = "refresh failed"


class AppState(Record):
    __slots__ = ("settings", "host", "home", "clock", "offline", "view", "catalog",
                 "catalog_note", "catalog_problem", "archives", "installations", "held_parts", "sizes",
                 "freeable", "tree_freed", "disk_listed", "cache_usage", "cache_parts", "loose_trees",
                 "download_sizes", "cache_problem",
                 "root_problem", "jobs", "next_job_id", "failed_keys", "sort", "environments", "envs_partial",
                 "envs_scanning", "envs_note", "envs_failed", "envs_quick", "envs_max_age",
                 "envs_warnings_said", "envs_roots", "filter_kept", "purging", "mirror_looks")
    settings: Settings
    host: HostPlatform
    # The directory shown as `~`.
    home: Path
    # Seconds since the epoch (the catalog's age in the header).
    clock: Callable[[], float]
    offline: bool
    view: ViewOptions
    catalog: Catalog | None
    # Short catalog state for the header: "loading…", "refreshing…", REFRESH_FAILED, ...
    catalog_note: str
    catalog_problem: bool
    archives: list[CachedArchive]
    installations: list[Installation]
    # The `partial` archives whose lock a process (another pytui, this one's job, any flock) held
    # when they were listed, with who holds it and what it recorded: `downloading` where the
    # record says so, else `locked`, not `partial` (core/cache_locks.held_parts, `pytui cache
    # list`'s rule).
    held_parts: dict[str, PartHolder]
    # Bytes on disk per installation key (measured in a thread).
    sizes: dict[str, int]
    # What uninstalling each would free: files hard-linked with a tree kept in the cache stay.
    freeable: dict[str, int]
    # What removing each cached archive's kept tree frees (its files no install shares), by
    # archive name: measured in a thread for the purge question (`p`), dropped by a listing
    # that changed the archives or installs (an install can come to share the tree's files);
    # None: the tree could not be measured.
    tree_freed: dict[str, int | None]
    disk_listed: bool
    # Bytes the cache dir occupies (archives, .part files, trees; `pytui cache list`'s
    # total), None until measured after a listing.
    cache_usage: int | None
    # The `.part` files' sizes by archive name, measured with `cache_usage`: the header puts
    # a running download's bytes in place of its `.part`'s (header_view.cache_total).
    cache_parts: dict[str, int]
    # The kept trees no archive uses (archive gone, manifest unreadable), measured with
    # `cache_usage`: each has its Cached row, which `p` and any purge remove.
    loose_trees: tuple[LooseTree, ...]
    # The download size of each build a job has started downloading this session (a
    # cancelled download's row keeps showing it).
    download_sizes: dict[str, int]
    # Why the cache dir cannot be read (one line, shown in the Cached pane), or None.
    cache_problem: str | None
    # Why the install root cannot be listed (a file or a symlink to nothing at its name; one
    # line, shown in the Installed pane), or None.
    root_problem: str | None
    jobs: dict[int, Job]
    next_job_id: int
    # Build keys whose last install job failed.
    failed_keys: set[str]
    # How each pane is sorted (`s`, `S`, a header click); absent: the pane's own order.
    sort: dict[str, SortOrder]
    # The environment scan (core/envs.py), None until the first one ends.
    environments: list[Environment] | None
    envs_partial: bool
    # A scan is running (the last result, if any, stays shown meanwhile).
    envs_scanning: bool
    # One line about the newest scan (its time and reuse, why partial, or why it failed).
    envs_note: str
    envs_failed: bool
    # The result shown is a quick scan (known environments and watched directories only), not
    # a check of the whole tree; the config's scan-max-age (None: the default).
    envs_quick: bool
    envs_max_age: float | None
    # What this session's scans ignored, or why one failed, that the app has said (each once).
    envs_warnings_said: set[str]
    # The project roots the newest scan walked (said when it found nothing).
    envs_roots: tuple[Path, ...]
    # Enter kept the filter and left the box (the filter hint's keys act at once, no Enter
    # first); False while the box is being typed in.
    filter_kept: bool
    # The purges running (`p`, Purge by rule: threads, not jobs), by id: what each removes
    # ("2 archives"); the quit question names them.
    purging: dict[int, str]
    # How many disk-watch looks found the `file://` mirror changed under the Available rows
    # (app/download_source.mirror_changed): part of the rows' memo, so they are derived again.
    mirror_looks: int

    def __init__(self, settings: Settings, host: HostPlatform, home: Path,
                 clock: Callable[[], float] = time.time, offline: bool = False,
                 view: ViewOptions | None = None, catalog: Catalog | None = None,
                 catalog_note: str = "", catalog_problem: bool = False,
                 archives: list[CachedArchive] | None = None,
                 installations: list[Installation] | None = None,
                 held_parts: dict[str, PartHolder] | None = None,
                 sizes: dict[str, int] | None = None, freeable: dict[str, int] | None = None,
                 tree_freed: dict[str, int | None] | None = None, disk_listed: bool = False, cache_usage: int | None = None,
                 cache_parts: dict[str, int] | None = None, loose_trees: tuple[LooseTree, ...] = (),
                 download_sizes: dict[str, int] | None = None, cache_problem: str | None = None,
                 root_problem: str | None = None, jobs: dict[int, Job] | None = None, next_job_id: int = 1,
                 failed_keys: set[str] | None = None, sort: dict[str, SortOrder] | None = None,
                 environments: list[Environment] | None = None, envs_partial: bool = False,
                 envs_scanning: bool = False, envs_note: str = "", envs_failed: bool = False,
                 envs_quick: bool = False, envs_max_age: float | None = None,
                 envs_warnings_said: set[str] | None = None, envs_roots: tuple[Path, ...] = (),
                 filter_kept: bool = False, purging: dict[int, str] | None = None,
                 mirror_looks: int = 0) -> None:
        self.settings = settings
        self.host = host
        self.home = home
        self.clock = clock
        self.offline = offline
        self.view = view if view is not None else ViewOptions()
        self.catalog = catalog
        self.catalog_note = catalog_note
        self.catalog_problem = catalog_problem
        self.archives = archives if archives is not None else []
        self.held_parts = held_parts or {}
        self.installations = installations if installations is not None else []
        self.sizes = sizes if sizes is not None else {}
        self.freeable = freeable if freeable is not None else {}
        self.tree_freed = tree_freed if tree_freed is not None else {}
        self.disk_listed = disk_listed
        self.cache_usage = cache_usage
        self.cache_parts = cache_parts if cache_parts is not None else {}
        self.loose_trees = loose_trees
        self.download_sizes = download_sizes if download_sizes is not None else {}
        self.cache_problem = cache_problem
        self.root_problem = root_problem
        self.jobs = jobs if jobs is not None else {}
        self.next_job_id = next_job_id
        self.failed_keys = failed_keys if failed_keys is not None else set()
        self.sort = sort if sort is not None else {}
        self.filter_kept = filter_kept
        self.environments = environments
        self.envs_partial = envs_partial
        self.envs_scanning = envs_scanning
        self.envs_note = envs_note
        self.envs_failed = envs_failed
        self.envs_quick = envs_quick
        self.envs_max_age = envs_max_age
        self.envs_roots = envs_roots
        self.envs_warnings_said = envs_warnings_said if envs_warnings_said is not None else set()
        self.purging = purging if purging is not None else {}
        self.mirror_looks = mirror_looks

    # -- derived lookups --------------------------------------------------------------------

    def job_settings(self) -> Settings:
        """The settings for work started now (offline is the UI's current mode)."""
        if self.settings.offline == self.offline:
            return self.settings
        return self.settings.replace(offline=self.offline)

    @property
    def installed_keys(self) -> set[str]:
        return {installation.key for installation in self.installations}

    def sort_of(self, pane: str) -> SortOrder:
        return self.sort.get(pane, UNSORTED)

    def installation(self, key: str | None) -> Installation | None:
        return next((i for i in self.installations if i.key == key), None)

    def installation_at(self, pane: str, key: str | None) -> Installation | None:
        """The install a row of `pane` stands for (a Cached row: its archive's build's), or
        None: what `u` acts on, and whether the footer dims it."""
        if key is None:
            return None
        if pane == "cached":
            archive = self.archive_at(key)
            key = archive.build.key if archive is not None and archive.build else None
        return self.installation(key)

    def archive_at(self, key: str) -> CachedArchive | None:
        """The archive of a Cached row (its key is the archive's final file name)."""
        from pytui.widgets.rows import cached_row_key

        return next((a for a in self.archives if cached_row_key(a.name) == key), None)

    def loose_tree_at(self, key: str) -> LooseTree | None:
        """The kept tree of a Cached row that stands for one no archive uses (its key is
        `trees/<sha256>`)."""
        from pytui.widgets.rows import loose_row_key

        return next((tree for tree in self.loose_trees if loose_row_key(tree.sha256) == key), None)

    def cached_by_key(self) -> dict[str, CachedArchive]:
        """Complete archives of catalog builds, by build key."""
        return {a.build.key: a for a in self.archives if a.build is not None and a.state == "ok"}

    def partial_by_key(self) -> dict[str, CachedArchive]:
        """Resumable `.part` downloads of catalog builds, by build key."""
        return {a.build.key: a for a in self.archives
                if a.build is not None and a.state == "partial"}

    def running_jobs(self) -> list[Job]:
        return [job for job in self.jobs.values() if job.running]

    def job_for_key(self, key: str | None, *, ended_too: bool = False) -> Job | None:
        """The running job for a key (or, with `ended_too`, its newest job)."""
        newest = None
        for job in self.jobs.values():
            if key is not None and job.key == key:
                if job.running:
                    return job
                newest = job
        return newest if ended_too else None

    def in_use_names(self) -> set[str]:
        """Cache file names that running install jobs write or read."""
        return {job.build.cache_filename for job in self.running_jobs() if job.build}

    # -- changes (UI thread only) -----------------------------------------------------------

    def add_job(self, kind: str, title: str, *, build: Build | None = None,
                installation: Installation | None = None, reinstall: bool = False,
                upgrade: bool = False, prune: bool = False) -> Job:
        listed = kind == INSTALL and build is not None and self.installation(build.key) is not None
        job = Job(self.next_job_id, kind, title, build=build, installation=installation,
                  reinstall=reinstall, upgrade=upgrade, prune=prune, listed=listed,
                  queued_at=self.clock())
        self.jobs[job.job_id] = job
        self.next_job_id += 1
        if kind == INSTALL and build is not None:
            self.failed_keys.discard(build.key)
        return job

    def progress(self, job_id: int, phase: str, done: int, total: int | None,
                 speed: float | None = None, unit: str = "bytes") -> Job | None:
        """A progress report; None when the job is unknown or has ended (a late report)."""
        job = self.reporting_job(job_id)
        if job is None:
            return None
        if clock_restarts(job.moved_at, job.phase, job.done, phase, done):
            job.moved_at = self.clock()
        if job.phase != "cancelling":
            job.phase = phase
        # Moving again: a wait or retry announced by `note` is over (a stall too).
        job.note = ""
        job.done, job.total, job.unit = done, total, unit
        if phase == "download" and total and job.kind == INSTALL and job.key:
            self.download_sizes[job.key] = total
        job.speed = speed if phase == "download" else None
        return job

    def reporting_job(self, job_id: int) -> Job | None:
        """The job a thread's report (progress, a note, a warning) is about; None when it is
        unknown or has ended: a late report, from the thread of a job abandoned after the
        cancel grace, is dropped, as the job's outcome is already said."""
        job = self.jobs.get(job_id)
        return None if job is None or job.ended else job

    def note(self, job_id: int, text: str, *, phase: str | None = None) -> Job | None:
        job = self.reporting_job(job_id)
        if job is None:
            return None
        job.note = without_secrets(text)
        # A retry or a new request: the stall clock starts again with its answer (core/stalls.py).
        job.moved_at = None
        if phase is not None and job.phase != "cancelling":
            job.phase = phase
        return job

    def end_job(self, job_id: int, outcome: str, *, error: str = "", summary: str = "",
                warning: bool = False) -> Job | None:
        """Mark a job ended; None when it already had (the first ending wins)."""
        job = self.jobs.get(job_id)
        if job is None or job.ended:
            return None
        # A mirror's password, named in a download's error, is not shown (core/url_secrets.py).
        job.phase, job.error, job.summary, job.warning = outcome, without_secrets(error), summary, warning
        job.speed, job.note = None, ""
        job.ended_at = self.clock()
        if outcome == FAILED and job.kind == INSTALL and job.key:
            self.failed_keys.add(job.key)
        return job

    def cancel_overdue(self, job_id: int) -> Job | None:
        """The job, if it is still being cancelled once the grace is over (then it is ended
        without its thread); None if it ended meanwhile."""
        job = self.jobs.get(job_id)
        if job is None or job.phase != "cancelling":
            return None
        return job

    def listing_changes(self, archives: list[CachedArchive], installations: list[Installation]) -> bool:
        """Whether a new listing differs from the one shown (what was measured of the
        cache's kept trees is then stale: `tree_freed`)."""
        return archives != self.archives or installations != self.installations

    def held_parts_changed(self, parts: frozenset[str], live: dict[str, PartHolder]) -> bool:
        """Whether a look at the locks of the listed `.part` files (`parts`, of which `live`
        were being written) finds a download begun or ended since the listing: a killed
        downloader's `.part` stays, only its lock goes, and no directory changes."""
        listed = frozenset(a.name for a in self.archives if a.state == "partial")
        return parts == listed and live != self.held_parts

    def foreign_download_moved(self, moved: frozenset[str]) -> bool:
        """Whether a look at the `.part` files being written finds one that no running job of
        this app writes and whose size is not the listed one (`moved`): another process's
        download grows its `.part` without a directory changing, so the app lists again at
        each look where it grew (its row's size and percent stood where the first listing saw
        them). A lock held by a process that writes nothing (found by attacker31: with 5,000
        `.part` files, a relisting every look kept the idle TUI at half a core) lists nothing."""
        ours = self.in_use_names()
        return any(name.removesuffix(PART_SUFFIX) not in ours for name in moved)

    def set_disk(self, archives: list[CachedArchive], installations: list[Installation],
                 cache_problem: str | None = None,
                 root_problem: str | None = None,
                 held_parts: dict[str, PartHolder] | None = None) -> list[Installation]:
        """A new listing; returns the installations whose size is still unknown."""
        self.disk_listed = True
        self.held_parts = held_parts or {}
        self.cache_problem = cache_problem
        self.root_problem = root_problem
        if self.listing_changes(archives, installations):
            self.tree_freed = {}
        self.archives = archives
        self.installations = installations
        present = self.installed_keys
        self.sizes = {key: size for key, size in self.sizes.items() if key in present}
        self.freeable = {key: size for key, size in self.freeable.items() if key in present}
        return [i for i in installations if i.key not in self.sizes]

    def set_environments(self, environments: list[Environment], *, partial: bool, note: str,
                         failed: bool = False, quick: bool = False, final: bool = True,
                         warnings: Sequence[str] = (), roots: Sequence[Path] = ()) -> list[str]:
        """A scan ended (or its quick look, `final` False: the whole tree is still being
        checked); a failed one keeps what the last good one found. Returns the scan's warnings
        (what it ignored) that no scan of this session reported before, escaped as
        `pytui envs` prints them: a rescan meets the same scan paths again."""
        self.envs_scanning = not final and not failed
        self.envs_note, self.envs_failed = note, failed
        from pytui.app.safe_text import shown

        new = [line for line in dict.fromkeys(shown(w) for w in warnings)
               if line not in self.envs_warnings_said]
        self.envs_warnings_said.update(new)
        if failed:
            return new
        self.environments = list(environments)
        self.envs_roots = tuple(roots)
        self.envs_partial = partial
        self.envs_quick = quick
        return new

    def users_of(self, key: str) -> list[Environment]:
        """Environments that run the install `key` (through its patch dir or the minor link)."""
        return [env for env in self.environments or () if env.key == key]

    def set_sizes(self, sizes: dict[str, int], freeable: dict[str, int] | None = None) -> None:
        present = self.installed_keys
        self.sizes.update({k: v for k, v in sizes.items() if k in present})
        self.freeable.update({k: v for k, v in (freeable or {}).items() if k in present})

    def forget_sizes(self) -> None:
        """Measure every install again at the next listing: a purge removed kept trees, so
        their installs' files are no longer shared (uninstalling them frees more)."""
        self.sizes.clear()
        self.freeable.clear()
