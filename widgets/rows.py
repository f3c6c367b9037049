"""What each widget shows, as plain data (no Textual): the view model builds these, the
widgets render them, and tests compare them without starting an app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pytui.core.models import Build

# State glyphs of the Available pane, shared with the help screen and the README.
INSTALLED = "✓"
CACHED = "●"
NOTHING = "—"
FAILED = "✗"
PARTIAL = "◐"

PART_SUFFIX = ".part"

RUNNING_PHASES = ("queued", "resolve", "waiting", "download", "verify", "extract", "link", "finish",
                  "remove", "cancelling")
ENDED_PHASES = ("done", "failed", "cancelled")


def archive_key(file_name: str) -> str:
    """The row key for an archive or its `.part`: the final file name."""
    return file_name[: -len(PART_SUFFIX)] if file_name.endswith(PART_SUFFIX) else file_name


@dataclass(frozen=True, slots=True)
class SupportView:
    """A minor version's support status, as a cell shows it."""

    # "pre-release", "bugfix", "security" or "end-of-life" (core/support.py PHASES).
    phase: str
    # "security → 2028-10", "EOL 2024-10": the words carry the meaning, the colour repeats it.
    text: str
    # The YYYY-MM the text names (when the phase ends; the end of life once past).
    date: str


@dataclass(frozen=True, slots=True)
class AvailableRow:
    build: Build
    installed: bool = False
    cached: bool = False
    # Percent done of a running job for this build (None: no job).
    progress: int | None = None
    failed: bool = False
    # Download size where known (the cached archive's size, or a job's total).
    size: int | None = None
    # Offline and not cached: shown dimmed, cannot be installed.
    unavailable: bool = False
    # A resumable `.part` of it is in the cache (a cancelled or interrupted download), and
    # how far it got when that is known.
    partial: bool = False
    partial_percent: int | None = None
    # Its minor version's support status (None: not CPython, or no dates for it).
    support: SupportView | None = None


@dataclass(frozen=True, slots=True)
class CacheRow:
    # The archive's final file name (a `.part` is shown under the name it will get).
    name: str
    size: int
    # Build key it belongs to, or None when no catalog build matches.
    build_key: str | None
    # "ok", "partial", "orphan" (no longer in the catalog), "unknown", "downloading"
    state: str
    percent: int | None = None
    # Its pristine tree is kept: the next install of it links the tree instead of extracting.
    tree: bool = False


@dataclass(frozen=True, slots=True)
class InstalledRow:
    key: str
    build: str | None
    # Bytes on disk; None while still being measured.
    size: int | None
    # "3.12.9" when a newer patch is in the catalog, "build 20250317" for a newer build of the
    # same version, "" when up to date; "3.12.9 installed" when that newer patch is installed
    # beside it already (`update_installed`: nothing to install, drawn without the arrow).
    update: str = ""
    update_installed: bool = False
    # A job is replacing or removing it.
    busy: str = ""
    # Environments that run it; None until the background environment scan has ended.
    used_by: int | None = None
    # Its minor version's support status (None: not CPython, or no dates for it).
    support: SupportView | None = None


@dataclass(frozen=True, slots=True)
class EnvRow:
    """One environment in the Environments view."""

    # The row key: the environment's absolute path.
    id: str
    # As shown (`~/code/app/.venv`).
    path: str
    kind: str
    # The install it runs, or "missing" (external, broken, or a pin nothing satisfies).
    key: str
    # "follows 3.12", "pinned to 3.12.8", "external (/usr/bin/python3)", "pin 3.12", or why
    # it is broken.
    how: str
    status: str


@dataclass(frozen=True, slots=True)
class JobView:
    job_id: int
    title: str
    # A core phase while running (resolve/download/verify/extract/finish), "queued",
    # "waiting", "remove", "cancelling", or how it ended: done / failed / cancelled.
    phase: str
    done: int = 0
    total: int | None = None
    speed: float | None = None
    # Why it failed, short enough for the row (the whole error is in Details and History).
    error: str = ""
    # What `done`/`total` count: "bytes" or "files".
    unit: str = "bytes"
    # A line about the wait: "retrying in 2 s (attempt 2 of 4): …", "waiting for the lock…".
    note: str = ""
    # What the phase column says when it is not the phase itself ("removed" for a finished
    # uninstall, "verified" for a finished verify: "done" reads as an install).
    phase_label: str = ""

    @property
    def ended(self) -> bool:
        return self.phase in ENDED_PHASES

    @property
    def bar_shown(self) -> bool:
        """A failed or cancelled job shows no bar: a full one would read as success."""
        return self.phase not in ("failed", "cancelled")

    @property
    def eta(self) -> float | None:
        if self.ended or not self.speed or self.total is None or self.unit != "bytes":
            return None
        return max(0.0, (self.total - self.done) / self.speed)


@dataclass(frozen=True, slots=True)
class Details:
    title: str
    # (label, value) lines, in order; empty values are skipped.
    fields: Sequence[tuple[str, str]] = field(default_factory=tuple)
    note: str = ""
    # Shown in full (wrapped) under the fields: a job's whole error.
    message: str = ""


@dataclass(frozen=True, slots=True)
class HeaderInfo:
    offline: bool
    catalog_source: str
    # "3 h old", "shipped with pytui", "refreshing…", "refresh failed", "not loaded"
    catalog_note: str
    install_root: str
    cache_dir: str
    # Bytes the cache dir occupies (as `pytui cache list` totals), None until measured.
    cache_size: int | None
    builds: int = 0
    # The note is a problem (shown in the error colour).
    catalog_problem: bool = False
    # The cache keeps unpacked trees: its size counts them ("incl. trees").
    cache_trees: bool = False
