"""Messages that worker threads post to the app (threads never touch widgets or state).

Background results carry the generation they were started with; the runner drops any that is
no longer the newest of its kind (a thread worker cannot be stopped, only told to stop).

Plain classes with their own `__init__`, not dataclasses: `@dataclass` generates code at import,
and this module is imported before the first screen (core/record.py says what that costs).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pytui.core.catalog import Catalog
from pytui.core.models import CachedArchive, Installation
from pytui.core.sources import CatalogRefresh
from textual.message import Message

if TYPE_CHECKING:
    from pytui.app.disk_watch import DiskStamp
    from pytui.core.cache_locks import PartHolder
    from pytui.core.cache_purge import Leftovers
    from pytui.core.loose_trees import LooseTree


class CatalogLoaded(Message):
    """The catalog read from disk at start."""

    generation: int
    catalog: Catalog

    def __init__(self, generation: int, catalog: Catalog) -> None:
        super().__init__()
        self.generation = generation
        self.catalog = catalog


class CatalogRefreshed(Message):
    """A refresh ended (well or not: `outcome.ok`, `outcome.message`)."""

    generation: int
    outcome: CatalogRefresh

    def __init__(self, generation: int, outcome: CatalogRefresh) -> None:
        super().__init__()
        self.generation = generation
        self.outcome = outcome


class CatalogFailed(Message):
    """The catalog could not be loaded (one line)."""

    generation: int
    reason: str

    def __init__(self, generation: int, reason: str) -> None:
        super().__init__()
        self.generation = generation
        self.reason = reason


class DiskListed(Message):
    """What is on disk now: cached archives and installations (listed together in a thread)."""

    generation: int
    archives: list[CachedArchive]
    installations: list[Installation]
    # Why the cache dir could not be listed (one line), or None.
    cache_problem: str | None
    # Why the install root could not be listed (one line), or None: installations is empty.
    root_problem: str | None

    # The watched directories just before the listing (app/disk_watch.py).
    stamp: DiskStamp | None
    # The `partial` archives whose lock a process held, with who (core/cache_locks.held_parts).
    held_parts: dict[str, PartHolder]

    def __init__(self, generation: int, archives: list[CachedArchive],
                 installations: list[Installation], cache_problem: str | None = None,
                 stamp: DiskStamp | None = None, root_problem: str | None = None,
                 held_parts: dict[str, PartHolder] | None = None) -> None:
        super().__init__()
        self.generation = generation
        self.archives = archives
        self.held_parts = held_parts or {}
        self.installations = installations
        self.cache_problem = cache_problem
        self.stamp = stamp
        self.root_problem = root_problem


class DiskStamped(Message):
    """A periodic look at the install root and the cache (app/disk_watch.py): the app lists
    them again if another process changed them."""

    stamp: DiskStamp
    # The `partial` archives of the listing shown when the look began, and which of them a
    # process held the lock of, with who (core/cache_locks.held_parts).
    parts: frozenset[str]
    held_parts: dict[str, PartHolder]
    # Of those being written, the ones whose size is not the listed one now.
    moved: frozenset[str]
    # Offline, an Available row's `file://` mirror file came or went since its dimming was
    # derived (app/download_source.mirror_changed).
    mirror_changed: bool

    def __init__(self, stamp: DiskStamp, parts: frozenset[str] = frozenset(),
                 held_parts: dict[str, PartHolder] | None = None,
                 moved: frozenset[str] = frozenset(), mirror_changed: bool = False) -> None:
        super().__init__()
        self.stamp = stamp
        self.parts = parts
        self.held_parts = held_parts or {}
        self.moved = moved
        self.mirror_changed = mirror_changed


class DiskFailed(Message):
    """The cache or the install root could not be listed (one line)."""

    generation: int
    reason: str
    # The watched directories just before the listing (app/disk_watch.py).
    stamp: DiskStamp | None

    def __init__(self, generation: int, reason: str, stamp: DiskStamp | None = None) -> None:
        super().__init__()
        self.generation = generation
        self.reason = reason
        self.stamp = stamp


class TempCleaned(Message):
    """What killed runs left in the install root's `.temp/` was cleaned: list the disk again.
    `said`: a line for each install a killed reinstall had left aside, put back."""

    said: tuple[str, ...]

    def __init__(self, said: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.said = said


class CacheUsage(Message):
    """Bytes the cache dir occupies (archives, `.part` files, trees), measured in a thread."""

    generation: int
    size: int
    # The `.part` files' sizes by archive name, measured right after (in `size` too).
    parts: dict[str, int]
    # The kept trees no archive uses, with their sizes (core/loose_trees.py; in `size` too).
    loose: tuple[LooseTree, ...]

    def __init__(self, generation: int, size: int, parts: dict[str, int] | None = None,
                 loose: tuple[LooseTree, ...] = ()) -> None:
        super().__init__()
        self.generation = generation
        self.size = size
        self.parts = parts if parts is not None else {}
        self.loose = loose


class TreeFreed(Message):
    """What removing a cached archive's kept tree frees (its files no install shares),
    measured in a thread for the purge question."""

    generation: int
    name: str
    size: int | None  # None: it could not be measured (the tree went, or could not be read)

    def __init__(self, generation: int, name: str, size: int | None) -> None:
        super().__init__()
        self.generation = generation
        self.name = name
        self.size = size


class InstalledSizes(Message):
    """Bytes on disk per installation key, measured in a thread. Not a generation's result:
    each install has its own ask (app/size_watch.py), and `asks` names every install the
    thread was given (key, number of the ask), measured or not."""

    sizes: dict[str, int]
    # What uninstalling each would free (files shared with a kept tree stay).
    freeable: dict[str, int]
    asks: tuple[tuple[str, int], ...]

    def __init__(self, sizes: dict[str, int], freeable: dict[str, int],
                 asks: tuple[tuple[str, int], ...]) -> None:
        super().__init__()
        self.sizes = sizes
        self.freeable = freeable
        self.asks = asks


class JobProgress(Message):
    """Where a job is. Throttled at the source (about 10 a second); a newer report for the
    same job and phase replaces one still queued, so the UI never works through a backlog
    but still sees every phase change."""

    job_id: int
    phase: str
    done: int
    total: int | None
    speed: float | None
    unit: str

    def __init__(self, job_id: int, phase: str, done: int, total: int | None,
                 speed: float | None = None, unit: str = "bytes") -> None:
        super().__init__()
        self.job_id = job_id
        self.phase = phase
        self.done = done
        self.total = total
        self.speed = speed
        self.unit = unit

    def can_replace(self, message: Message) -> bool:
        return (isinstance(message, JobProgress) and message.job_id == self.job_id
                and message.phase == self.phase)


class JobNote(Message):
    """A line about a wait: the root's lock is held elsewhere, a download is retrying."""

    job_id: int
    text: str
    # The phase the job is now in ("waiting"), or None to keep the phase.
    phase: str | None
    # Not a wait but something the user should know (a notification, kept in the history).
    warning: bool
    # Kept in the history; False for a status that every download passes through (its
    # request waits for the mirror's answer), which says nothing once the bytes come.
    logged: bool

    def __init__(self, job_id: int, text: str, phase: str | None = None,
                 warning: bool = False, logged: bool = True) -> None:
        super().__init__()
        self.job_id = job_id
        self.text = text
        self.phase = phase
        self.warning = warning
        self.logged = logged


class JobEnded(Message):
    """A job finished: outcome "done", "failed" or "cancelled"; `error` is one line."""

    job_id: int
    outcome: str
    error: str
    # A short line for the notification on success ("installed …", "verified 3 archives").
    summary: str
    # The summary is a warning (a verification that found corrupt archives).
    warning: bool
    # The job made bin links (an install, or missing links restored): the bin dir's PATH hint
    # follows those only, as uv's does.
    linked: bool

    def __init__(self, job_id: int, outcome: str, error: str = "", summary: str = "",
                 warning: bool = False, linked: bool = False) -> None:
        super().__init__()
        self.job_id = job_id
        self.outcome = outcome
        self.error = error
        self.summary = summary
        self.warning = warning
        self.linked = linked


class Purged(Message):
    """Archives were removed from the cache (or could not be: `error`)."""

    count: int
    freed: int
    error: str
    # Partial downloads left in place: another process holds their lock now.
    downloading: tuple[str, ...]
    # Who held each of them, looked at after the purge (core/cache_locks.held_parts).
    holders: dict[str, PartHolder]
    # What killed runs had left, removed too: the first of them by name, all counted and sized.
    leftovers: Leftovers | None
    # Archives another process removed since the pane listed them (nothing to purge).
    gone: tuple[str, ...]
    # Of `count`, the rows that were only a stopped download (a `.part`, no archive).
    partials: int
    # The line for each kept tree the disk did not let go (another user's), left in place.
    trees_kept: tuple[str, ...]

    def __init__(self, count: int, freed: int, error: str = "",
                 downloading: tuple[str, ...] = (),
                 leftovers: Leftovers | None = None,
                 gone: tuple[str, ...] = (), partials: int = 0,
                 trees_kept: tuple[str, ...] = (), holders: dict[str, PartHolder] | None = None) -> None:
        super().__init__()
        self.holders = holders or {}
        self.trees_kept = trees_kept
        self.partials = partials
        self.count = count
        self.freed = freed
        self.error = error
        self.downloading = downloading
        self.leftovers = leftovers
        self.gone = gone


class EnvsScanned(Message):
    """The environment scan (core/envs.py): who uses which install; `partial` when it stopped at
    its time budget."""

    generation: int
    environments: list
    partial: bool
    # One line: how the scan went ("12 environments in 0.04 s, 300 directories reused"),
    # why it is partial, or why it failed (then `environments` is empty and `failed` set).
    note: str
    failed: bool
    # A quick scan (core/env_quick.py), shown while the whole tree is checked; `final` is False
    # while that check is still to come from the same worker.
    quick: bool
    final: bool
    # What the scan ignored, one line each (a relative scan path, a damaged envs-scan.bin).
    warnings: tuple[str, ...]
    # The project roots the scan walked (the home dir unless --scan / PYTUI_SCAN_PATHS say).
    roots: tuple[Path, ...]

    def __init__(self, generation: int, environments: list, partial: bool, note: str = "",
                 failed: bool = False, quick: bool = False, final: bool = True,
                 warnings: tuple[str, ...] = (), roots: tuple[Path, ...] = ()) -> None:
        super().__init__()
        self.generation = generation
        self.environments = environments
        self.partial = partial
        self.note = note
        self.failed = failed
        self.quick = quick
        self.final = final
        self.warnings = warnings
        self.roots = roots
