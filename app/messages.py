"""Messages that worker threads post to the app (threads never touch widgets or reactives)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pytui.core.catalog import Catalog
from pytui.core.models import CachedArchive, Installation
from textual.message import Message


@dataclass
class CatalogLoaded(Message):
    """A catalog to show: the one on disk at start, or a refreshed one."""

    catalog: Catalog
    # What a refresh did, in one line ("catalog refreshed…", "could not refresh…"); "" for
    # the catalog read at start.
    note: str = ""
    # A refresh brought a new catalog (replace the one shown).
    refreshed: bool = False
    # A refresh was tried and failed (the catalog shown stays).
    failed: bool = False


@dataclass
class CatalogFailed(Message):
    """The catalog could not be loaded or refreshed (one line)."""

    reason: str


@dataclass
class DiskListed(Message):
    """What is on disk now: cached archives and installations (listed together in a thread)."""

    archives: list[CachedArchive]
    installations: list[Installation]


@dataclass
class InstalledSizes(Message):
    """Bytes on disk per installation key, measured in a thread."""

    sizes: dict[str, int] = field(default_factory=dict)


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

    def can_replace(self, message: Message) -> bool:
        return (isinstance(message, JobProgress) and message.job_id == self.job_id
                and message.phase == self.phase)


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
class Uninstalled(Message):
    """An uninstall finished (well or not; the notification already said which)."""

    key: str


@dataclass
class Purged(Message):
    """Archives were removed from the cache."""

    freed: int
