"""Messages that worker threads post to the app (threads never touch widgets or state).

Background results carry the generation they were started with; the runner drops any that is
no longer the newest of its kind (a thread worker cannot be stopped, only told to stop).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pytui.core.catalog import Catalog
from pytui.core.models import CachedArchive, Installation
from pytui.core.sources import CatalogRefresh
from textual.message import Message


@dataclass
class CatalogLoaded(Message):
    """The catalog read from disk at start."""

    generation: int
    catalog: Catalog


@dataclass
class CatalogRefreshed(Message):
    """A refresh ended (well or not: `outcome.ok`, `outcome.message`)."""

    generation: int
    outcome: CatalogRefresh


@dataclass
class CatalogFailed(Message):
    """The catalog could not be loaded (one line)."""

    generation: int
    reason: str


@dataclass
class DiskListed(Message):
    """What is on disk now: cached archives and installations (listed together in a thread)."""

    generation: int
    archives: list[CachedArchive]
    installations: list[Installation]
    # Why the cache dir could not be listed (one line), or None.
    cache_problem: str | None = None


@dataclass
class DiskFailed(Message):
    """The cache or the install root could not be listed (one line)."""

    generation: int
    reason: str


@dataclass
class CacheUsage(Message):
    """Bytes the cache dir occupies (archives, `.part` files, trees), measured in a thread."""

    generation: int
    size: int


@dataclass
class InstalledSizes(Message):
    """Bytes on disk per installation key, measured in a thread."""

    generation: int
    sizes: dict[str, int] = field(default_factory=dict)
    # What uninstalling each would free (files shared with a kept tree stay).
    freeable: dict[str, int] = field(default_factory=dict)


@dataclass
class JobProgress(Message):
    """Where a job is. Throttled at the source (about 10 a second); a newer report for the
    same job and phase replaces one still queued, so the UI never works through a backlog
    but still sees every phase change."""

    job_id: int
    phase: str
    done: int
    total: int | None
    speed: float | None = None
    unit: str = "bytes"

    def can_replace(self, message: Message) -> bool:
        return (isinstance(message, JobProgress) and message.job_id == self.job_id
                and message.phase == self.phase)


@dataclass
class JobNote(Message):
    """A line about a wait: the root's lock is held elsewhere, a download is retrying."""

    job_id: int
    text: str
    # The phase the job is now in ("waiting"), or None to keep the phase.
    phase: str | None = None
    # Not a wait but something the user should know (a notification, kept in the history).
    warning: bool = False


@dataclass
class JobEnded(Message):
    """A job finished: outcome "done", "failed" or "cancelled"; `error` is one line."""

    job_id: int
    outcome: str
    error: str = ""
    # A short line for the notification on success ("installed …", "verified 3 archives").
    summary: str = ""
    # The summary is a warning (a verification that found corrupt archives).
    warning: bool = False


@dataclass
class Purged(Message):
    """Archives were removed from the cache (or could not be: `error`)."""

    count: int
    freed: int
    error: str = ""


@dataclass
class EnvsScanned(Message):
    """The environment scan (core/envs.py): who uses which install; `partial` when it stopped at
    its time budget."""

    generation: int
    environments: list
    partial: bool
    # One line: how the scan went ("12 environments in 0.04 s, 300 directories reused"),
    # why it is partial, or why it failed (then `environments` is empty and `failed` set).
    note: str = ""
    failed: bool = False
    # A quick scan (core/env_quick.py), shown while the whole tree is checked; `final` is False
    # while that check is still to come from the same worker.
    quick: bool = False
    final: bool = True
