"""What each widget shows, as plain data (no Textual): the view model builds these, the
widgets render them, and tests compare them without starting an app."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pytui.core.models import Build
from pytui.core.record import FrozenRecord

# State glyphs of the Available pane, shared with the help screen and the README.
INSTALLED = "✓"
CACHED = "●"
NOTHING = "—"
FAILED = "✗"
PARTIAL = "◐"
# After INSTALLED: the install is an older build of this row's patch (the same key), so `i`
# or `U` would replace it with this build (an upgrade, as uv's `is_upgrade_of` says).
NEWER_BUILD = "↑"
# After INSTALLED: the install lacks a file its interpreter needs (app/gateway.DAMAGED), so uv
# does not list it; the Installed row says `damaged`, `i` reinstalls it.
DAMAGED_MARK = "!"
# Installed's Update column where a job's word (`waiting…`, `removing…`) does not fit: a job
# is on this install (Jobs and Details say which and why).
BUSY_MARK = "↻"
# AvailableRow.progress of a job that has no percent to say (waiting for the root's lock,
# its download over): drawn as BUSY_MARK, not `0%`.
NO_PERCENT = -1

PART_SUFFIX = ".part"

# What the details panel says when its pane has no row highlighted (app/details_view.py says
# why instead when a filter emptied the pane).
NOTHING_HIGHLIGHTED = "Nothing highlighted."

# Every phase a job row can show: the one list (the core's phases, core/progress.py PHASES,
# are among them; the README's Jobs panel names each: tests/test_repository.py).
RUNNING_PHASES = ("queued", "resolve", "waiting", "download", "verify", "extract", "link", "finish",
                  "remove", "cancelling")
ENDED_PHASES = ("done", "failed", "cancelled")


def cached_row_key(file_name: str) -> str:
    """The Cached pane's row key for an archive or its `.part`: the final file name (not
    core/cache_names.archive_key, which is the installation key the archive holds)."""
    return file_name[: -len(PART_SUFFIX)] if file_name.endswith(PART_SUFFIX) else file_name


def loose_row_key(sha256: str) -> str:
    """The Cached pane's row key for a kept tree no archive uses: its directory in the cache
    dir, `trees/<sha256>` (no archive's file name has a `/`)."""
    return f"trees/{sha256}"


def stale_parts(file_names: Iterable[str]) -> set[str]:
    """The `.part` files whose complete archive is there too (a download stopped, then uv or
    an import cached the archive): their row is the archive's, which the `.part` hid."""
    names = set(file_names)
    return {name for name in names if name.endswith(PART_SUFFIX) and cached_row_key(name) in names}


class SupportView(FrozenRecord):
    """A minor version's support status, as a cell shows it."""

    __slots__ = ("phase", "text", "date")
    # "pre-release", "bugfix", "security" or "end-of-life" (core/support.py PHASES).
    phase: str
    # "security → 2028-10", "EOL 2024-10": the words carry the meaning, the colour repeats it.
    text: str
    # The YYYY-MM the text names (when the phase ends; the end of life once past).
    date: str

    def __init__(self, phase: str, text: str, date: str) -> None:
        _set = object.__setattr__
        _set(self, "phase", phase)
        _set(self, "text", text)
        _set(self, "date", date)


class AvailableRow(FrozenRecord):
    __slots__ = ("build", "installed", "cached", "progress", "failed", "size", "unavailable",
                 "partial", "partial_percent", "support", "newer_build", "damaged")
    build: Build
    installed: bool
    # Installed, and this row's build is newer than the installed one of its key
    # (app/view_model.newer_build): shown `✓↑`, not `✓` (installed as it is).
    newer_build: bool
    # Installed, and the install lacks a file uv's query of it needs (its Installed row's
    # `damaged`): shown `✓!`, not `✓`.
    damaged: bool
    cached: bool
    # Percent done of a running job for this build (None: no job; NO_PERCENT: it waits).
    progress: int | None
    failed: bool
    # Download size where known (the cached archive's size, or a job's total).
    size: int | None
    # Offline and not cached: shown dimmed, cannot be installed.
    unavailable: bool
    # A resumable `.part` of it is in the cache (a cancelled or interrupted download), and
    # how far it got when that is known.
    partial: bool
    partial_percent: int | None
    # Its minor version's support status (None: not CPython, or no dates for it).
    support: SupportView | None

    def __init__(self, build: Build, installed: bool = False, cached: bool = False,
                 progress: int | None = None, failed: bool = False, size: int | None = None,
                 unavailable: bool = False, partial: bool = False,
                 partial_percent: int | None = None, support: SupportView | None = None,
                 newer_build: bool = False, damaged: bool = False) -> None:
        _set = object.__setattr__
        _set(self, "build", build)
        _set(self, "installed", installed)
        _set(self, "newer_build", newer_build)
        _set(self, "damaged", damaged)
        _set(self, "cached", cached)
        _set(self, "progress", progress)
        _set(self, "failed", failed)
        _set(self, "size", size)
        _set(self, "unavailable", unavailable)
        _set(self, "partial", partial)
        _set(self, "partial_percent", partial_percent)
        _set(self, "support", support)


class CacheRow(FrozenRecord):
    __slots__ = ("name", "size", "build_key", "state", "percent", "tree", "label")
    # The archive's final file name (a `.part` is shown under the name it will get).
    name: str
    size: int
    # Build key it belongs to, or None when no catalog build matches.
    build_key: str | None
    # "ok", "partial", "orphan" (no longer in the catalog), "unknown", "downloading"; a kept
    # tree no archive uses: core/cache_kinds.ARCHIVE_GONE or MANIFEST_UNREADABLE
    state: str
    percent: int | None
    # Its pristine tree is kept: the next install of it links the tree instead of extracting.
    tree: bool
    # What the Key column says where the whole key does not fit: the version and what tells
    # the row from the other archives of that version (app/cached_labels.py); "" for the key.
    label: str

    def __init__(self, name: str, size: int, build_key: str | None, state: str,
                 percent: int | None = None, tree: bool = False, label: str = "") -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "size", size)
        _set(self, "build_key", build_key)
        _set(self, "state", state)
        _set(self, "percent", percent)
        _set(self, "tree", tree)
        _set(self, "label", label)


class InstalledRow(FrozenRecord):
    __slots__ = ("key", "build", "size", "update", "update_installed", "busy", "used_by",
                 "support", "label")
    key: str
    build: str | None
    # Bytes on disk; None while still being measured.
    size: int | None
    # "3.12.9" when a newer patch is in the catalog, "build 20250317" for a newer build of the
    # same version, "" when up to date; "3.12.9 installed" when that newer patch is installed
    # beside it already (`update_installed`: nothing to install, drawn without the arrow).
    update: str
    update_installed: bool
    # A job is replacing or removing it ("installing…"), or it is damaged ("damaged"): shown
    # in the Update column instead of the update.
    busy: str
    # Environments that run it; None until the background environment scan has ended.
    used_by: int | None
    # Its minor version's support status (None: not CPython, or no dates for it).
    support: SupportView | None
    # What the Key column says where the whole key does not fit (`3.13.1`, `3.13.1t`,
    # app/installed_labels.py); "" for the key, cut.
    label: str

    def __init__(self, key: str, build: str | None, size: int | None, update: str = "",
                 update_installed: bool = False, busy: str = "", used_by: int | None = None,
                 support: SupportView | None = None, label: str = "") -> None:
        _set = object.__setattr__
        _set(self, "key", key)
        _set(self, "build", build)
        _set(self, "size", size)
        _set(self, "update", update)
        _set(self, "update_installed", update_installed)
        _set(self, "busy", busy)
        _set(self, "used_by", used_by)
        _set(self, "support", support)
        _set(self, "label", label)


class EnvRow(FrozenRecord):
    """One environment in the Environments view."""

    __slots__ = ("id", "path", "kind", "key", "how", "status", "head")
    # The row key: the environment's absolute path.
    id: str
    # As shown (`~/code/app/.venv`).
    path: str
    kind: str
    # The install it runs, or what it uses (core/environment.Environment.key_shown: `outside`
    # the root, `missing` a managed one that is gone, `none` for a pin nothing satisfies).
    key: str
    # "follows 3.12", "pinned to 3.12.8", "external (/usr/bin/python3)", "pin 3.12", or why
    # it is broken.
    how: str
    # "ok", "broken", or "unmet" (a pin no install satisfies).
    status: str
    # How many characters of `path` a cut keeps at its start: through the project dir
    # (`~/code/shop` of `~/code/shop/backend/sub/.venv`; app/envs_view.project_start), 0 for none.
    head: int

    def __init__(self, id: str, path: str, kind: str, key: str, how: str,  # noqa: A002
                 status: str, head: int = 0) -> None:
        _set = object.__setattr__
        _set(self, "id", id)
        _set(self, "path", path)
        _set(self, "kind", kind)
        _set(self, "key", key)
        _set(self, "how", how)
        _set(self, "status", status)
        _set(self, "head", head)


class JobView(FrozenRecord):
    __slots__ = ("job_id", "title", "phase", "done", "total", "speed", "error", "unit", "note",
                 "phase_label")
    job_id: int
    title: str
    # A core phase while running (resolve/download/verify/extract/finish), "queued",
    # "waiting", "remove", "cancelling", or how it ended: done / failed / cancelled.
    phase: str
    done: int
    total: int | None
    speed: float | None
    # Why it failed, short enough for the row (the whole error is in Details and History).
    error: str
    # What `done`/`total` count: "bytes" or "files".
    unit: str
    # A line about the wait: "retrying in 2 s (attempt 2 of 4): …", "waiting for the lock…".
    note: str
    # What the phase column says when it is not the phase itself ("removed" for a finished
    # uninstall, "verified" for a finished verify: "done" reads as an install).
    phase_label: str

    def __init__(self, job_id: int, title: str, phase: str, done: int = 0,
                 total: int | None = None, speed: float | None = None, error: str = "",
                 unit: str = "bytes", note: str = "", phase_label: str = "") -> None:
        _set = object.__setattr__
        _set(self, "job_id", job_id)
        _set(self, "title", title)
        _set(self, "phase", phase)
        _set(self, "done", done)
        _set(self, "total", total)
        _set(self, "speed", speed)
        _set(self, "error", error)
        _set(self, "unit", unit)
        _set(self, "note", note)
        _set(self, "phase_label", phase_label)

    @property
    def ended(self) -> bool:
        return self.phase in ENDED_PHASES

    @property
    def bar_shown(self) -> bool:
        """A failed or cancelled job shows no bar: a full one would read as success; nor does
        one queued or waiting for a lock, whose empty bar read as a download stuck at 0%."""
        return self.phase not in ("failed", "cancelled", "queued", "waiting")

    @property
    def eta(self) -> float | None:
        if self.ended or not self.speed or self.total is None or self.unit != "bytes":
            return None
        return max(0.0, (self.total - self.done) / self.speed)


class Details(FrozenRecord):
    __slots__ = ("title", "fields", "note", "message")
    title: str
    # (label, value) lines, in order; empty values are skipped.
    fields: Sequence[tuple[str, str]]
    note: str
    # Shown in full (wrapped) under the fields: a job's whole error.
    message: str

    def __init__(self, title: str, fields: Sequence[tuple[str, str]] = (), note: str = "",
                 message: str = "") -> None:
        _set = object.__setattr__
        _set(self, "title", title)
        _set(self, "fields", fields)
        _set(self, "note", note)
        _set(self, "message", message)


class HeaderInfo(FrozenRecord):
    __slots__ = ("offline", "catalog_source", "catalog_note", "install_root", "cache_dir",
                 "cache_size", "builds", "catalog_problem", "cache_trees", "refresh_failed")
    offline: bool
    catalog_source: str
    # "3 h old", "shipped with pytui", "refreshing…", "refresh failed", "not loaded"
    catalog_note: str
    install_root: str
    cache_dir: str
    # Bytes the cache dir occupies (as `pytui cache list` totals), None until measured.
    cache_size: int | None
    builds: int
    # The note is a problem (shown in the error colour).
    catalog_problem: bool
    # The cache keeps unpacked trees: its size counts them ("incl. trees").
    cache_trees: bool
    # The last refresh brought no catalog: `catalog_source` is the one read before (its age in
    # `catalog_note`), and the header says so with the key that retries.
    refresh_failed: bool

    def __init__(self, offline: bool, catalog_source: str, catalog_note: str,
                 install_root: str, cache_dir: str, cache_size: int | None, builds: int = 0,
                 catalog_problem: bool = False, cache_trees: bool = False,
                 refresh_failed: bool = False) -> None:
        _set = object.__setattr__
        _set(self, "offline", offline)
        _set(self, "catalog_source", catalog_source)
        _set(self, "catalog_note", catalog_note)
        _set(self, "install_root", install_root)
        _set(self, "cache_dir", cache_dir)
        _set(self, "cache_size", cache_size)
        _set(self, "builds", builds)
        _set(self, "catalog_problem", catalog_problem)
        _set(self, "cache_trees", cache_trees)
        _set(self, "refresh_failed", refresh_failed)
