"""The pytui App: three panes (Available, Cached, Installed), details, jobs, header and footer.

State lives here (catalog, what is on disk, the jobs); widgets only render what they are
given. Everything that does I/O runs in a thread worker with an explicit group and reports
back through the messages in `app/messages.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from pytui.app import engine
from pytui.app.messages import (
    CatalogFailed,
    CatalogLoaded,
    DiskListed,
    InstalledSizes,
    JobEnded,
    JobProgress,
    Purged,
    Uninstalled,
)
from pytui.app.screens import ConfirmModal, HelpScreen, PurgeRulesModal
from pytui.app.workers import JobRecord, run_install, run_verify
from pytui.core.catalog import Catalog
from pytui.core.errors import PytuiError, RequestError
from pytui.core.keys import parse_key
from pytui.core.models import Build, CachedArchive, Installation
from pytui.core.ordering import build_order
from pytui.core.platform_detect import HostPlatform
from pytui.core.requests import PythonRequest
from pytui.core.settings import Settings
from pytui.widgets.available_table import AvailableRow, AvailableTable
from pytui.widgets.cache_table import CacheRow, CacheTable, archive_key
from pytui.widgets.details import Details, DetailsPanel
from pytui.widgets.format import human_age, human_size, short_path
from pytui.widgets.header import HeaderBar, HeaderInfo
from pytui.widgets.installed_table import InstalledRow, InstalledTable
from pytui.widgets.job_list import JobList, JobView
from pytui.widgets.keyed_table import KeyedTable
from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input
from textual.worker import Worker, WorkerState

# Actions that act on the main screen; blocked while a modal screen is on top.
MAIN_ACTIONS = frozenset({
    "filter", "install", "uninstall", "purge", "purge_rules", "verify", "toggle_versions",
    "toggle_platforms", "toggle_variants", "toggle_offline", "refresh", "cancel_job", "help",
})
QUIT_WAIT_SECONDS = 15.0
# After the first frame, prepare the install engine in the background (see engine.warm_up).
WARM_UP_DELAY = 0.3
# Footer groups: related keys share one label so every key fits on one line at 120 columns.
PURGE_GROUP = Binding.Group("Purge")
VIEW_GROUP = Binding.Group("View")


class FilterInput(Input):
    """The `/` filter; Esc clears it and goes back to the table, Enter keeps it."""

    BINDINGS = [Binding("escape", "app.clear_filter", "Clear filter", show=False)]


class PytuiApp(App[int]):
    """Build it with `pytui.app.tui.make_app` (the CLI, the tests and the screenshots do)."""

    CSS_PATH = "app.tcss"
    TITLE = "pytui"
    ENABLE_COMMAND_PALETTE = True
    # Focus the Available pane from the first frame (a later focus() would redraw the footer).
    AUTO_FOCUS = "#available"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    # `?` comes first so an 80-column footer (which cuts the end) still shows where help is.
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("i", "install", "Install"),
        Binding("u", "uninstall", "Uninstall"),
        Binding("p", "purge", "Purge archive", group=PURGE_GROUP),
        Binding("P", "purge_rules", "Purge by rule", key_display="P", group=PURGE_GROUP),
        Binding("v", "verify", "Verify"),
        Binding("a", "toggle_versions", "All versions", group=VIEW_GROUP),
        Binding("A", "toggle_platforms", "All platforms", key_display="A", group=VIEW_GROUP),
        Binding("f", "toggle_variants", "Free-threaded/debug", group=VIEW_GROUP),
        Binding("o", "toggle_offline", "Offline"),
        Binding("r", "refresh", "Refresh"),
        Binding("c", "cancel_job", "Cancel"),
        Binding("q", "quit", "Quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    offline: reactive[bool] = reactive(False, bindings=True, init=False)
    all_versions: reactive[bool] = reactive(False, init=False)
    all_platforms: reactive[bool] = reactive(False, init=False)
    variants: reactive[bool] = reactive(False, init=False)
    filter_text: reactive[str] = reactive("", init=False)

    def __init__(
        self,
        settings: Settings,
        *,
        catalog: Catalog | None = None,
        host: HostPlatform,
        refresh: bool,
        show_eta: bool = True,
        clock: Callable[[], float] = time.time,
        home: Path | None = None,
        disk: tuple[list[CachedArchive], list[Installation]] | None = None,
        catalog_error: str | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.host = host
        self.catalog: Catalog | None = catalog
        self.archives: list[CachedArchive] = []
        self.installations: list[Installation] = []
        self.sizes: dict[str, int] = {}
        self.jobs: dict[int, JobRecord] = {}
        self.failed_keys: set[str] = set()
        self.busy_keys: dict[str, str] = {}
        self.disk_listed = False
        self._next_job = 1
        self._refresh_on_start = refresh
        self._show_eta = show_eta
        self._clock = clock
        self._home = home
        self._catalog_note = "loading…" if catalog is None else ""
        self._last_table: str = "available"
        self._quitting = False
        # Memos: the Available selection and update lookups are derived from the whole
        # catalog, so they are recomputed only when their inputs change, never per progress tick.
        self._visible_memo: tuple[tuple, list[Build], set[str]] | None = None
        self._terms_memo: tuple[str, list[tuple[str, PythonRequest | None]]] = ("", [])
        self._newest_memo: tuple[int, dict[tuple, Build]] | None = None
        # What the factory read before the first frame (so it shows the rows at once).
        self._preloaded_disk = disk
        self._catalog_error = catalog_error
        # The session's shared downloader, built by the warm-up worker (None until then).
        self._downloader: object | None = None
        self.set_reactive(PytuiApp.offline, settings.offline)

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        with Vertical(id="panes"):
            with Vertical(id="available-pane", classes="pane"):
                yield FilterInput(placeholder="filter: 3.12  musl  freethreaded  >=3.11,<3.13  "
                                              "(Enter keeps it, Esc clears it)", id="filter")
                yield AvailableTable(id="available")
            with Horizontal(id="lower"):
                with Vertical(id="cached-pane", classes="pane"):
                    yield CacheTable(id="cached")
                with Vertical(id="installed-pane", classes="pane"):
                    yield InstalledTable(id="installed")
        yield DetailsPanel(id="details")
        yield JobList(id="jobs", show_eta=self._show_eta)
        yield Footer(show_command_palette=False)

    def on_resize(self) -> None:
        # A compact footer (no padding around keys) keeps more keys visible when narrow.
        self.query_one(Footer).compact = self.size.width < 110

    def on_mount(self) -> None:
        self.query_one("#available-pane").border_title = "Available"
        self.query_one("#cached-pane").border_title = "Cached"
        self.query_one("#installed-pane").border_title = "Installed"
        self.query_one("#details", DetailsPanel).border_title = "Details"
        self.query_one("#jobs", JobList).border_title = "Jobs"
        self.query_one("#filter", FilterInput).display = False
        self.set_class(self.offline, "-offline")
        if self._catalog_error is not None:
            self.on_catalog_failed(CatalogFailed(self._catalog_error))
        elif self.catalog is None:
            # The disk is listed once the catalog is there (archives are matched to builds).
            self.run_worker(partial(self._load_catalog, self._job_settings()), thread=True,
                            group="catalog", exclusive=True,
                            name="load", exit_on_error=False)
        else:
            if self._preloaded_disk is not None:
                archives, installations = self._preloaded_disk
                self._preloaded_disk = None
                self.on_disk_listed(DiskListed(archives, installations))
            else:
                self.rescan_disk()
            self._catalog_changed()
            self._start_refresh_if_wanted()
        self._update_header()
        self.set_timer(WARM_UP_DELAY, self._warm_up)

    def _warm_up(self) -> None:
        self.run_worker(partial(engine.warm_up, self._job_settings()), thread=True,
                        group="warm-up", name="warm-up", exit_on_error=False,
                        description="preparing downloads")

    def on_unmount(self) -> None:
        close = getattr(self._downloader, "close", None)
        if close is not None:
            close()

    # -- the catalog ------------------------------------------------------------------------

    # Thread bodies get everything they read as arguments (snapshots taken on the UI thread)
    # and only post messages back.

    def _load_catalog(self, settings: Settings) -> None:
        try:
            catalog = engine.load_catalog(settings)
        except PytuiError as err:
            self.post_message(CatalogFailed(str(err)))
            return
        self.post_message(CatalogLoaded(catalog))

    def _refresh_catalog(self, settings: Settings, current: Catalog | None) -> None:
        catalog, note, ok = engine.refresh_catalog(settings)
        if catalog is None:
            self.post_message(CatalogLoaded(current or Catalog([]), note=note,
                                            refreshed=False, failed=not ok))
        else:
            self.post_message(CatalogLoaded(catalog, note=note, refreshed=True, failed=not ok))

    def _start_refresh_if_wanted(self) -> None:
        if self._refresh_on_start and not self.offline and engine.refresh_is_useful(self.settings):
            self.action_refresh(quiet=True)

    def on_catalog_loaded(self, message: CatalogLoaded) -> None:
        first = self.catalog is None or not self.catalog.builds
        from_refresh = bool(message.note)
        if message.refreshed or first:
            self.catalog = message.catalog
        # The header keeps a short state; the notification carries the whole line.
        self._catalog_note = "refresh failed" if message.failed else ""
        if from_refresh:
            self.notify(message.note, title="Catalog", markup=False,
                        severity="warning" if message.failed else "information")
        self._catalog_changed()
        if first and not from_refresh:
            self._start_refresh_if_wanted()
        # Archives are matched to the catalog's builds: list them again for a new catalog.
        if first or message.refreshed:
            self.rescan_disk()

    def on_catalog_failed(self, message: CatalogFailed) -> None:
        self._catalog_note = "not loaded"
        self.notify(message.reason, title="Catalog", severity="error", markup=False, timeout=10)
        if self.catalog is None:
            self.catalog = Catalog([], source="none")
        self._catalog_changed()
        self.rescan_disk()

    def _catalog_changed(self) -> None:
        self._update_header()
        self.refresh_panes()

    # -- what is on disk --------------------------------------------------------------------

    def rescan_disk(self) -> None:
        """List the cache and the install root again (in a thread); the newest scan wins."""
        self.run_worker(partial(self._scan_disk, self._job_settings(), self.catalog),
                        thread=True, group="disk", exclusive=True,
                        name="scan", exit_on_error=False)

    def _scan_disk(self, settings: Settings, catalog: Catalog | None) -> None:
        archives = engine.list_cache(settings, catalog)
        installations = engine.list_installed(settings)
        self.post_message(DiskListed(archives, installations))

    def on_disk_listed(self, message: DiskListed) -> None:
        self.disk_listed = True
        self.archives = message.archives
        self.installations = message.installations
        present = {installation.key for installation in self.installations}
        self.sizes = {key: size for key, size in self.sizes.items() if key in present}
        unmeasured = [i for i in self.installations if i.key not in self.sizes]
        if unmeasured:
            self.run_worker(partial(self._measure, unmeasured), thread=True, group="sizes",
                            name="measure", exit_on_error=False)
        self._update_header()
        self.refresh_panes()

    def _measure(self, installations: list[Installation]) -> None:
        sizes = {i.key: engine.tree_size(i.path) for i in installations}
        self.post_message(InstalledSizes(sizes))

    def on_installed_sizes(self, message: InstalledSizes) -> None:
        present = {installation.key for installation in self.installations}
        self.sizes.update({k: v for k, v in message.sizes.items() if k in present})
        self.refresh_panes()

    # -- deriving rows ----------------------------------------------------------------------

    def _job_settings(self) -> Settings:
        """The settings for a job started now (offline is the UI's current mode)."""
        if self.settings.offline == self.offline:
            return self.settings
        return dataclasses.replace(self.settings, offline=self.offline)

    @property
    def installed_keys(self) -> set[str]:
        return {installation.key for installation in self.installations}

    def cached_by_key(self) -> dict[str, CachedArchive]:
        """Complete archives of catalog builds, by build key."""
        return {a.build.key: a for a in self.archives if a.build is not None and a.state == "ok"}

    def running_jobs(self) -> list[JobRecord]:
        return [job for job in self.jobs.values() if job.running]

    def job_for_key(self, key: str, *, ended_too: bool = False) -> JobRecord | None:
        """The running job for a build key (or, with `ended_too`, its newest job)."""
        newest = None
        for job in self.jobs.values():
            if job.key == key:
                if job.running:
                    return job
                newest = job
        return newest if ended_too else None

    def _filter_terms(self) -> list[tuple[str, PythonRequest | None]]:
        if self._terms_memo[0] == self.filter_text:
            return self._terms_memo[1]
        terms = []
        for term in self.filter_text.split():
            try:
                request: PythonRequest | None = PythonRequest.parse(term).with_prereleases(True)
            except RequestError:
                request = None
            if request is not None and request.kind in {"any", "default"}:
                request = None
            terms.append((term.lower(), request))
        self._terms_memo = (self.filter_text, terms)
        return terms

    @staticmethod
    def _matches(terms: list[tuple[str, PythonRequest | None]], text: str,
                 item: object | None) -> bool:
        lower = text.lower()
        for term, request in terms:
            if term in lower:
                continue
            if request is not None and item is not None:
                try:
                    if request.matches(item):  # type: ignore[arg-type]
                        continue
                except (AttributeError, TypeError, ValueError):
                    pass
            return False
        return True

    def visible_builds(self) -> list[Build]:
        """Available builds for the current view: platform, versions, variants, filter."""
        if self.catalog is None:
            return []
        installed = self.installed_keys
        cached = self.cached_by_key()
        active = {job.key for job in self.jobs.values() if job.key}
        inputs = (id(self.catalog), self.all_versions, self.all_platforms, self.variants,
                  self.filter_text, frozenset(installed), frozenset(cached))
        memo = self._visible_memo
        # A job on a build that is already listed changes nothing: starting one must not
        # re-derive the selection from the whole catalog.
        if memo is not None and memo[0] == inputs and active <= memo[2]:
            return memo[1]
        builds = self._select_builds(installed, cached, active)
        self._visible_memo = (inputs, builds, {build.key for build in builds})
        return builds

    def _select_builds(self, installed: set[str], cached: dict[str, CachedArchive],
                       active: set[str]) -> list[Build]:
        assert self.catalog is not None
        request = PythonRequest.parse("any").for_host(
            self.host, any_platform=self.all_platforms).with_prereleases(True)
        family = "x86_64" if self.host.arch.startswith("x86_64") else self.host.arch
        # The host's own arch only (uv never picks an x86-64 level by itself); `A` shows
        # the levels and every other platform.
        builds = [b for b in self.catalog.builds
                  if (self.variants or b.variant == "default") and request.matches(b)
                  and (self.all_platforms or b.arch == self.host.arch)]
        builds.sort(key=lambda b: build_order(b, family))
        if not self.all_versions:
            seen: set[tuple] = set()
            kept = []
            for build in builds:
                group = (build.implementation, build.os, build.arch, build.libc, build.major,
                         build.minor, build.variant)
                # The newest patch of each minor, plus anything the user already has.
                if group not in seen or build.key in installed or build.key in cached \
                        or build.key in active:
                    kept.append(build)
                seen.add(group)
            builds = kept
        terms = self._filter_terms()
        if terms:
            builds = [b for b in builds if self._matches(terms, b.key, b)]
        return builds

    def available_rows(self) -> list[AvailableRow]:
        installed = self.installed_keys
        cached = self.cached_by_key()
        return [self._available_row(build, installed, cached) for build in self.visible_builds()]

    def _available_row(self, build: Build, installed: set[str],
                       cached: dict[str, CachedArchive]) -> AvailableRow:
        job = self.job_for_key(build.key)
        progress = None
        size = cached[build.key].size if build.key in cached else None
        if job is not None and job.kind == "install" and job.view is not None:
            view = job.view
            progress = _percent(view)
            if view.phase == "download" and view.total:
                size = view.total
        is_cached = build.key in cached
        return AvailableRow(
            build=build, installed=build.key in installed, cached=is_cached,
            progress=progress, failed=build.key in self.failed_keys, size=size,
            unavailable=self.offline and not is_cached and build.key not in installed,
        )

    def cache_rows(self) -> list[CacheRow]:
        from pytui.core.cache import archive_key as core_archive_key
        from pytui.core.cache import archive_percent

        terms = self._filter_terms()
        rows: dict[str, CacheRow] = {}
        for archive in self.archives:
            name = archive_key(archive.name)
            key = core_archive_key(archive)
            if archive.state == "partial":
                percent = archive_percent(archive)
                state, pct = "partial", (int(percent) if percent is not None else None)
            elif archive.build is None:
                state, pct = "orphan", None
            else:
                state, pct = "ok", None
            rows[name] = CacheRow(name=name, size=archive.size, build_key=key, state=state,
                                  percent=pct)
        # Downloads in flight show up before the listing sees their `.part`.
        for job in self.running_jobs():
            if job.build is None or job.view is None or job.view.phase != "download":
                continue
            name = job.build.cache_filename
            rows[name] = CacheRow(name=name, size=job.view.done, build_key=job.build.key,
                                  state="downloading", percent=_percent(job.view))
        result = list(rows.values())
        if terms:
            result = [r for r in result
                      if self._matches(terms, f"{r.build_key or ''} {r.name}",
                                       parse_key(r.build_key) if r.build_key else None)]
        result.sort(key=lambda r: (r.build_key or "~", r.name))
        return result

    def installed_rows(self) -> list[InstalledRow]:
        terms = self._filter_terms()
        rows = []
        for installation in self.installations:
            parts = parse_key(installation.key)
            if terms and not self._matches(terms, installation.key, parts):
                continue
            update = ""
            newer = self.update_for(installation)
            if newer is not None:
                update = newer.version if newer.key != installation.key else f"build {newer.build}"
            job = self.job_for_key(installation.key)
            busy = self.busy_keys.get(installation.key, "")
            if job is not None and job.view is not None and not busy:
                busy = f"{job.view.phase}…"
            rows.append(InstalledRow(key=installation.key, build=installation.build,
                                     size=self.sizes.get(installation.key), update=update,
                                     busy=busy))
        return rows

    def update_for(self, installation: Installation) -> Build | None:
        """A newer patch of the same minor/variant/platform, or a newer build of the same key."""
        if self.catalog is None:
            return None
        same = self.catalog.get(installation.key)
        parts = parse_key(installation.key)
        if parts is None:
            return None
        best = self._newest_by_minor().get(
            (parts.implementation, parts.major, parts.minor, parts.variant, parts.os, parts.arch,
             parts.libc, bool(parts.prerelease)))
        if best is not None and best.key != installation.key and \
                build_order(best) < build_order(parts):
            return best
        if same is not None and installation.build and same.build and \
                same.build.isdigit() and installation.build.isdigit() and \
                same.build > installation.build:
            return same
        return None

    def _newest_by_minor(self) -> dict[tuple, Build]:
        """The newest build of each (implementation, minor, variant, platform, pre-release?)."""
        assert self.catalog is not None
        if self._newest_memo is not None and self._newest_memo[0] == id(self.catalog):
            return self._newest_memo[1]
        newest: dict[tuple, Build] = {}
        for build in self.catalog.builds:
            group = (build.implementation, build.major, build.minor, build.variant, build.os,
                     build.arch, build.libc)
            # Keyed also by "pre-releases allowed": an install of a pre-release may move on to
            # anything newer, a final release only to another final release.
            for allowed in (True, False):
                if build.prerelease and not allowed:
                    continue
                current = newest.get((*group, allowed))
                if current is None or build_order(build) < build_order(current):
                    newest[(*group, allowed)] = build
        self._newest_memo = (id(self.catalog), newest)
        return newest

    def refresh_panes(self) -> None:
        """Re-derive every pane's rows from the state; tables change only what differs."""
        with contextlib.suppress(NoMatches):  # a message that arrives while quitting
            self._refresh_panes()

    def _refresh_panes(self) -> None:
        rows = self.available_rows()
        self.query_one("#available", AvailableTable).show(rows)
        self.query_one("#available-pane").border_subtitle = self._view_label(len(rows))
        self.query_one("#cached", CacheTable).show(self.cache_rows())
        total = sum(archive.size for archive in self.archives)
        count = len(self.archives)
        self.query_one("#cached-pane").border_subtitle = \
            f"{count} archive{'s' if count != 1 else ''} · {human_size(total)}"
        self.query_one("#installed", InstalledTable).show(self.installed_rows())
        count = len(self.installations)
        self.query_one("#installed-pane").border_subtitle = \
            f"{count} interpreter{'s' if count != 1 else ''}"
        self._update_details()

    def _view_label(self, count: int) -> str:
        parts = ["all platforms" if self.all_platforms else self.host.platform,
                 "all versions" if self.all_versions else "newest patches",
                 "all variants" if self.variants else "standard builds"]
        if self.filter_text:
            parts.append(f"filter “{self.filter_text}”")
        total = len(self.catalog) if self.catalog is not None else 0
        return f"{' · '.join(parts)} · {count} of {total}"

    def _update_header(self) -> None:
        with contextlib.suppress(NoMatches):  # a message that arrives while quitting
            self._show_header()

    def _show_header(self) -> None:
        settings = self.settings
        catalog = self.catalog
        if catalog is None:
            source, note = "…", self._catalog_note
        else:
            source = self._catalog_label(catalog)
            note = self._catalog_note
            if not note and catalog.fetched_at is not None:
                note = human_age(max(0.0, self._clock() - catalog.fetched_at))
        info = HeaderInfo(
            offline=self.offline,
            catalog_source=source,
            catalog_note=note,
            install_root=short_path(settings.install_root, self._home),
            cache_dir=short_path(settings.cache_dir, self._home),
            cache_size=sum(a.size for a in self.archives) if self.disk_listed else None,
            builds=len(catalog) if catalog is not None else 0,
        )
        self.query_one("#header", HeaderBar).show(info)

    def _catalog_label(self, catalog: Catalog) -> str:
        if self.settings.downloads_json:
            return short_path(self.settings.downloads_json, self._home)
        source = catalog.source
        if catalog.fetched_at is not None:
            # "fetched from <url> (age) over embedded (…)": the URL's file name is enough here.
            embedded = source.split(" over ", 1)[1] if " over " in source else ""
            name = self.settings.catalog_url.rstrip("/").rsplit("/", 1)[-1]
            return f"{name} (fetched)" + (f" + {embedded}" if embedded else "")
        return source

    # -- details ----------------------------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Only the pane the user is in drives the details (other panes' cursors move too when
        # their rows change under them).
        if event.data_table.id == self._last_table:
            self._update_details()

    def on_descendant_focus(self, event: object) -> None:
        focused = self.focused
        if isinstance(focused, KeyedTable) and focused.id:
            self._last_table = focused.id
            self._update_details()

    def _current_table(self) -> KeyedTable:
        return self.query_one(f"#{self._last_table}", KeyedTable)

    def _update_details(self) -> None:
        with contextlib.suppress(NoMatches):  # a cursor event that arrives while quitting
            self._show_details()

    def _show_details(self) -> None:
        panel = self.query_one("#details", DetailsPanel)
        table = self._current_table()
        key = table.highlighted_key
        panel.show(self.details_for(table.id or "", key) if key else None)

    def details_for(self, pane: str, key: str) -> Details | None:
        catalog = self.catalog
        archive: CachedArchive | None = None
        installation: Installation | None = None
        build: Build | None = None
        if pane == "cached":
            for candidate in self.archives:
                if archive_key(candidate.name) == key:
                    archive = candidate
                    build = candidate.build
                    break
            if archive is None:  # a download in flight
                job = next((j for j in self.running_jobs()
                            if j.build is not None and j.build.cache_filename == key), None)
                build = job.build if job else None
        elif pane == "installed":
            installation = next((i for i in self.installations if i.key == key), None)
            build = catalog.get(key) if catalog is not None else None
        else:
            build = catalog.get(key) if catalog is not None else None
        if build is not None:
            archive = archive or self.cached_by_key().get(build.key)
            installation = installation or next(
                (i for i in self.installations if i.key == build.key), None)
        home = self._home
        panes = []
        if build is not None and any(b.key == build.key for b in self.visible_builds()) \
                or pane == "available":
            panes.append("Available")
        if archive is not None:
            panes.append("Cached")
        if installation is not None:
            panes.append("Installed")
        title = build.key if build is not None else (installation.key if installation else key)
        note_parts = []
        if build is not None:
            note_parts.append(f"build {build.build}" if build.build else "")
            note_parts.append(build.flavor)
        if archive is not None:
            note_parts.append(human_size(archive.size))
        note_parts.append("in " + ", ".join(panes) if panes else "")
        fields: list[tuple[str, str]] = []
        if build is not None:
            fields.append(("url", build.url))
            fields.append(("sha256", build.sha256 or "not in the catalog"))
        if archive is not None:
            fields.append(("archive", short_path(archive.path, home)))
        if installation is not None:
            size = self.sizes.get(installation.key)
            extra = f"  ({human_size(size)})" if size is not None else ""
            built = f"  build {installation.build}" if installation.build else ""
            fields.append(("install", short_path(installation.path, home) + extra + built))
            newer = self.update_for(installation)
            if newer is not None:
                fields.append(("update", f"{newer.key} build {newer.build} — press i to install"))
        elif build is not None:
            fields.append(("install", short_path(Path(self.settings.install_root) / build.key,
                                                   home) + "  (not installed)"))
        job = self.job_for_key(title)
        if job is not None and job.view is not None:
            fields.append(("job", f"{job.view.phase} — press c to cancel"))
        elif pane == "available" and self.offline and archive is None and installation is None:
            fields.append(("offline", "not cached: cannot be installed while offline"))
        return Details(title=title, fields=fields, note=" · ".join(p for p in note_parts if p))

    # -- jobs -------------------------------------------------------------------------------

    def start_install(self, build: Build, *, reinstall: bool = False) -> JobRecord | None:
        """Start an install job for `build`, or explain (notification) why not."""
        if self.job_for_key(build.key) is not None:
            self.notify(f"{build.key} is already being installed.", markup=False)
            return None
        if self.offline and build.key not in self.cached_by_key():
            self.notify(
                f"Offline: {build.key} is not in the cache ({self.settings.cache_dir}). "
                "Go online (o) or import its archive with `pytui cache import FILE`.",
                title="Not cached", severity="error", markup=False, timeout=8)
            return None
        job_id = self._next_job
        self._next_job += 1
        record = JobRecord(job_id=job_id, kind="install", title=build.key, build=build,
                           view=JobView(job_id, build.key, "queued"))
        self.jobs[job_id] = record
        self.failed_keys.discard(build.key)
        self.query_one("#jobs", JobList).upsert(record.view)  # type: ignore[arg-type]
        record.launch = partial(
            self.run_worker,
            partial(run_install, self, record, settings=self._job_settings(),
                    catalog=self.catalog or Catalog([]), reinstall=reinstall,
                    downloader=self._downloader),
            thread=True, group=record.group, name=build.key, exit_on_error=False,
            description=f"install {build.key}")
        self._start_queued()
        self._jobs_changed()
        return record

    def _start_queued(self) -> None:
        """Start queued install jobs while fewer than `settings.jobs` run (uv's -j)."""
        if self._quitting:
            return
        started = [j for j in self.jobs.values() if j.worker is not None and j.running]
        free = max(1, self.settings.jobs) - len(started)
        for record in sorted(self.jobs.values(), key=lambda j: j.job_id):
            if free <= 0:
                break
            if record.worker is None and record.launch is not None and record.running:
                record.worker = record.launch()
                record.launch = None
                free -= 1

    def on_job_progress(self, message: JobProgress) -> None:
        with contextlib.suppress(NoMatches):  # a message that arrives while quitting
            self._job_progress(message)

    def _job_progress(self, message: JobProgress) -> None:
        record = self.jobs.get(message.job_id)
        if record is None or record.view is None or record.view.ended:
            return
        phase = record.view.phase if record.view.phase == "cancelling" else message.phase
        record.view = dataclasses.replace(
            record.view, phase=phase, done=message.done, total=message.total,
            speed=message.speed if message.phase == "download" else None,
            unit="bytes")
        self.query_one("#jobs", JobList).upsert(record.view)
        if record.key is not None:
            self._refresh_job_rows(record)

    def _refresh_job_rows(self, record: JobRecord) -> None:
        """A progress step changes one build's cells: update that row, the small panes, and
        the details if they show this build (never the whole Available selection)."""
        assert record.build is not None
        build = record.build
        row = self._available_row(build, self.installed_keys, self.cached_by_key())
        self.query_one("#available", AvailableTable).show_one(row)
        self.query_one("#cached", CacheTable).show(self.cache_rows())
        self.query_one("#installed", InstalledTable).show(self.installed_rows())
        table = self._current_table()
        if table.highlighted_key in {build.key, build.cache_filename}:
            self._update_details()

    def on_job_ended(self, message: JobEnded) -> None:
        record = self.jobs.get(message.job_id)
        if record is None or record.view is None:
            return
        with contextlib.suppress(NoMatches):  # a message that arrives while quitting
            self._end_job(record, message.outcome, message.error, message.summary,
                          warning=message.warning)

    def _end_job(self, record: JobRecord, outcome: str, error: str = "", summary: str = "",
                 *, warning: bool = False) -> None:
        assert record.view is not None
        if record.view.ended:
            return
        record.view = dataclasses.replace(record.view, phase=outcome, error=error, speed=None)
        self.query_one("#jobs", JobList).upsert(record.view)
        if outcome == "failed":
            if record.key:
                self.failed_keys.add(record.key)
            self.notify(error or "failed", title=f"{record.title} failed", severity="error",
                        markup=False, timeout=10)
        elif outcome == "done" and summary:
            self.notify(summary, markup=False, severity="warning" if warning else "information",
                        timeout=10 if warning else 5)
        self._jobs_changed()
        self._start_queued()
        self.rescan_disk()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        group = worker.group
        if event.state == WorkerState.CANCELLED and group.startswith("job-"):
            record = self.jobs.get(int(group[4:]))
            if record is not None and not record.started.is_set():
                # Cancelled before a thread picked it up: its body will never run.
                record.stopped.set()
                if record.view is not None and not record.view.ended:
                    self._end_job(record, "cancelled")
            return
        if group == "warm-up":
            if event.state == WorkerState.SUCCESS:
                self._downloader = worker.result
            return
        if event.state != WorkerState.ERROR:
            return
        if group.startswith("job-"):
            record = self.jobs.get(int(group[4:]))
            if record is not None and record.view is not None and not record.view.ended:
                error = worker.error
                self._end_job(record, "failed", f"{type(error).__name__}: {error}")
                record.stopped.set()
            return
        # A listing or measuring thread hit something unexpected: say so, keep running.
        self.notify(f"{worker.description or worker.name}: {worker.error}", severity="error",
                    markup=False)

    def _jobs_changed(self) -> None:
        self.refresh_panes()

    # -- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_ACTIONS and self._modal_open():
            return False
        if action == "refresh" and (self.offline or not engine.refresh_is_useful(self.settings)):
            return None
        return True

    def _modal_open(self) -> bool:
        return len(self.screen_stack) > 1 or not isinstance(self.screen, Screen) \
            or self.screen.is_modal

    def action_filter(self) -> None:
        box = self.query_one("#filter", FilterInput)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", FilterInput)
        box.value = ""
        box.display = False
        self.query_one("#available", AvailableTable).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        box = self.query_one("#filter", FilterInput)
        if not box.value.strip():
            box.display = False
        self.query_one("#available", AvailableTable).focus()

    def watch_filter_text(self) -> None:
        self.refresh_panes()

    def watch_all_versions(self) -> None:
        self.refresh_panes()

    def watch_all_platforms(self) -> None:
        self.refresh_panes()

    def watch_variants(self) -> None:
        self.refresh_panes()

    def watch_offline(self, offline: bool) -> None:
        self.set_class(offline, "-offline")
        self._update_header()
        self.refresh_panes()

    def action_toggle_versions(self) -> None:
        self.all_versions = not self.all_versions

    def action_toggle_platforms(self) -> None:
        self.all_platforms = not self.all_platforms

    def action_toggle_variants(self) -> None:
        self.variants = not self.variants

    def action_toggle_offline(self) -> None:
        self.offline = not self.offline
        self.notify("Offline: no network; only cached builds install." if self.offline
                    else "Online: downloads and catalog refresh allowed.", title="Mode")

    def action_refresh(self, quiet: bool = False) -> None:
        if self.offline:
            self.notify("Offline: the catalog is not refreshed.", severity="warning")
            return
        self._catalog_note = "refreshing…"
        self._update_header()
        self.run_worker(partial(self._refresh_catalog, self._job_settings(), self.catalog),
                        thread=True, group="catalog", exclusive=True,
                        name="refresh", exit_on_error=False, description="catalog refresh")

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def _target(self) -> tuple[str, str | None]:
        """(pane, row key) the user points at: the focused table, else the last one used."""
        focused = self.focused
        table = focused if isinstance(focused, KeyedTable) else self._current_table()
        return table.id or "available", table.highlighted_key

    def action_install(self) -> None:
        pane, key = self._target()
        if key is None:
            self.notify("Nothing highlighted to install.", severity="warning")
            return
        catalog = self.catalog
        build: Build | None = None
        reinstall = False
        if pane == "cached":
            archive = next((a for a in self.archives if archive_key(a.name) == key), None)
            build = archive.build if archive is not None else None
            if build is None:
                self.notify(f"{key} matches no build in the catalog; it cannot be installed.",
                            severity="warning", markup=False)
                return
        elif pane == "installed":
            installation = next((i for i in self.installations if i.key == key), None)
            newer = self.update_for(installation) if installation is not None else None
            if newer is None:
                self.notify(f"{key} is installed and up to date (u uninstalls it).",
                            markup=False)
                return
            build = newer
            reinstall = newer.key == key
        else:
            build = catalog.get(key) if catalog is not None else None
        if build is None:
            self.notify(f"{key} is not in the catalog.", severity="warning", markup=False)
            return
        installation = next((i for i in self.installations if i.key == build.key), None)
        if installation is not None and not reinstall:
            if installation.build and build.build and build.build.isdigit() and \
                    installation.build.isdigit() and build.build > installation.build:
                reinstall = True
            else:
                self.notify(f"{build.key} is already installed (u uninstalls it).", markup=False)
                return
        self.start_install(build, reinstall=reinstall)

    def action_cancel_job(self) -> None:
        jobs = self.query_one("#jobs", JobList)
        record: JobRecord | None = None
        focused_job = jobs.focused_job
        if focused_job is not None:
            record = self.jobs.get(focused_job)
        else:
            pane, key = self._target()
            if key is not None:
                if pane == "cached":
                    record = next((j for j in self.running_jobs() if j.build is not None
                                   and j.build.cache_filename == key), None)
                else:
                    record = self.job_for_key(key, ended_too=True)
            running = self.running_jobs()
            if record is None and len(running) == 1:
                record = running[0]
        if record is None:
            self.notify("Highlight a job (Tab to the Jobs panel) or a build being installed.",
                        severity="warning")
            return
        if not record.running:
            jobs.remove_job(record.job_id)
            del self.jobs[record.job_id]
            self._jobs_changed()
            return
        self.cancel_job(record)

    def cancel_job(self, record: JobRecord) -> None:
        assert record.view is not None
        if record.worker is None:
            # Still queued: nothing runs yet, so nothing to wait for.
            record.launch = None
            record.stopped.set()
            self._end_job(record, "cancelled")
            return
        record.worker.cancel()  # sets the event the job's CancelToken watches
        record.view = dataclasses.replace(record.view, phase="cancelling")
        self.query_one("#jobs", JobList).upsert(record.view)

    # -- uninstall and purge ----------------------------------------------------------------

    def _installation_target(self) -> Installation | None:
        pane, key = self._target()
        if key is None:
            return None
        if pane == "cached":
            archive = next((a for a in self.archives if archive_key(a.name) == key), None)
            key = archive.build.key if archive is not None and archive.build else None
        return next((i for i in self.installations if i.key == key), None)

    def action_uninstall(self) -> None:
        installation = self._installation_target()
        if installation is None:
            _, key = self._target()
            self.notify(f"{key or 'Nothing highlighted'} is not installed.", markup=False,
                        severity="warning")
            return
        if self.job_for_key(installation.key) is not None or installation.key in self.busy_keys:
            self.notify(f"{installation.key} is busy; cancel its job first.", markup=False,
                        severity="warning")
            return
        size = self.sizes.get(installation.key)
        freed = human_size(size) if size is not None else "its size on disk"
        lines: list[str | Text] = [
            f"Removes {short_path(installation.path, self._home)} and its links.",
            Text(f"Frees {freed}.", style="bold")]
        cached = self.cached_by_key().get(installation.key)
        if cached is not None:
            lines.append("The cached archive stays, so it can be reinstalled offline.")
        self.push_screen(
            ConfirmModal(f"Uninstall {installation.key}?", lines, confirm="Uninstall",
                         id="confirm-uninstall"),
            callback=partial(self._uninstall_confirmed, installation))

    def _uninstall_confirmed(self, installation: Installation, yes: bool | None) -> None:
        if not yes:
            return
        self.busy_keys[installation.key] = "removing…"
        self.refresh_panes()
        self.run_worker(partial(self._uninstall, self._job_settings(), installation), thread=True,
                        group=f"uninstall-{installation.key}", name=installation.key,
                        exit_on_error=False, description=f"uninstall {installation.key}")

    def _uninstall(self, settings: Settings, installation: Installation) -> None:
        try:
            freed = engine.uninstall(settings, installation.key)
        except PytuiError as err:
            self.notify(str(err), title="Uninstall failed", severity="error", markup=False)
        else:
            self.notify(f"Uninstalled {installation.key}, freed {human_size(freed)}.",
                        markup=False)
        finally:
            self.post_message(Uninstalled(installation.key))

    def on_uninstalled(self, message: Uninstalled) -> None:
        self.busy_keys.pop(message.key, None)
        self.rescan_disk()

    def _archive_target(self) -> CachedArchive | None:
        pane, key = self._target()
        if key is None:
            return None
        if pane == "cached":
            return next((a for a in self.archives if archive_key(a.name) == key), None)
        return self.cached_by_key().get(key)

    def _in_use(self, archive: CachedArchive) -> bool:
        return archive_key(archive.name) in self._in_use_names()

    def action_purge(self) -> None:
        archive = self._archive_target()
        if archive is None:
            _, key = self._target()
            self.notify(f"{key or 'Nothing highlighted'} has no archive in the cache.",
                        markup=False, severity="warning")
            return
        if self._in_use(archive):
            self.notify(f"{archive.name} is in use by a running job.", markup=False,
                        severity="warning")
            return
        lines: list[str | Text] = [short_path(archive.path, self._home),
                                   Text(f"Frees {human_size(archive.size)}.", style="bold")]
        if archive.build is not None and archive.build.key in self.installed_keys:
            lines.append("The install stays; reinstalling it offline will no longer work.")
        self.push_screen(
            ConfirmModal("Delete this cached archive?", lines, confirm="Delete",
                         id="confirm-purge"),
            callback=partial(self._purge_confirmed, [archive]))

    def action_purge_rules(self) -> None:
        # The planner runs in a thread: give it a snapshot, never the live state.
        planner = partial(_purge_plan, self._job_settings(), self.catalog,
                          frozenset(self.installed_keys), frozenset(self._in_use_names()))
        self.push_screen(PurgeRulesModal(planner, id="purge-rules"),
                         callback=self._purge_confirmed)

    def _in_use_names(self) -> set[str]:
        """Cache file names that running jobs are writing or reading."""
        return {job.build.cache_filename for job in self.running_jobs() if job.build}

    def _purge_confirmed(self, archives: list[CachedArchive] | bool | None,
                         yes: bool | None = None) -> None:
        if isinstance(archives, list) and yes is None:
            chosen = archives  # from the rules modal: the list itself is the answer
        elif isinstance(archives, list) and yes:
            chosen = archives
        else:
            return
        # A job may have started on one of them since the preview.
        chosen = [archive for archive in chosen if not self._in_use(archive)]
        if not chosen:
            return
        self.run_worker(partial(self._remove_archives, self._job_settings(), chosen),
                        thread=True, group="purge",
                        name="purge", exit_on_error=False, description="purge")

    def _remove_archives(self, settings: Settings, archives: list[CachedArchive]) -> None:
        freed = engine.remove_archives(settings, archives)
        count = len(archives)
        self.notify(f"Purged {count} archive{'s' if count != 1 else ''}, freed "
                    f"{human_size(freed)}.", title="Cache")
        self.post_message(Purged(freed))

    def on_purged(self, message: Purged) -> None:
        self.rescan_disk()

    def action_verify(self) -> None:
        if any(job.kind == "verify" and job.running for job in self.jobs.values()):
            self.notify("The cache is already being verified.")
            return
        job_id = self._next_job
        self._next_job += 1
        record = JobRecord(job_id=job_id, kind="verify", title="verify cache",
                           view=JobView(job_id, "verify cache", "queued"))
        self.jobs[job_id] = record
        self.query_one("#jobs", JobList).upsert(record.view)  # type: ignore[arg-type]
        record.worker = self.run_worker(
            partial(run_verify, self, record, settings=self._job_settings(),
                    catalog=self.catalog),
            thread=True, group=record.group, name="verify", exit_on_error=False,
            description="verify cache")
        self._jobs_changed()

    # -- quitting ---------------------------------------------------------------------------

    async def action_quit(self) -> None:
        if self._quitting:
            return
        running = self.running_jobs()
        if not running:
            self.exit(0)
            return
        count = len(running)
        lines = [f"{count} job{'s are' if count != 1 else ' is'} still running.",
                 "Quitting cancels them: nothing half-installed is left behind, and "
                 "partial downloads stay as resumable .part files."]
        self.push_screen(ConfirmModal("Quit pytui?", lines, confirm="Quit", id="confirm-quit"),
                         callback=self._quit_confirmed)

    async def _quit_confirmed(self, yes: bool | None) -> None:
        if yes:
            await self.shutdown_jobs()
            self.exit(0)

    async def shutdown_jobs(self, timeout: float = QUIT_WAIT_SECONDS) -> None:
        """Cancel every running job and wait (without blocking the loop) until their threads
        have stopped, so no install is left half-done when the process ends."""
        self._quitting = True
        running = self.running_jobs()
        for record in running:
            self.cancel_job(record)
        deadline = time.monotonic() + timeout
        for record in running:
            while not record.stopped.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)

    # -- command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # Asked while the palette (a modal) is open, so the modal rule of check_action does
        # not apply here; the callbacks run once it has closed.
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or not binding.show:
                continue
            if binding.action == "refresh" and (
                    self.offline or not engine.refresh_is_useful(self.settings)):
                continue
            key = binding.key_display or binding.key
            yield SystemCommand(f"{binding.description} ({key})", _palette_help(binding.action),
                                partial(self.run_action, binding.action))


def _purge_plan(settings: Settings, catalog: Catalog | None, installed_keys: frozenset[str],
                in_use: frozenset[str], rule: str) -> list[CachedArchive]:
    """Thread side of the purge preview: core's plan minus archives a job is using."""
    plan = engine.purge_plan(settings, catalog, rule=rule, installed_keys=installed_keys)
    return [archive for archive in plan if archive_key(archive.name) not in in_use]


def _percent(view: JobView) -> int | None:
    if view.ended:
        return None
    if not view.total:
        return 0
    return max(0, min(100, int(100 * view.done / view.total)))


def _palette_help(action: str) -> str:
    from pytui.app.screens import KEYS

    names = {
        "filter": "/", "install": "i / Enter", "uninstall": "u", "purge": "p",
        "purge_rules": "P", "verify": "v", "toggle_versions": "a", "toggle_platforms": "A",
        "toggle_variants": "f", "toggle_offline": "o", "refresh": "r", "cancel_job": "c",
        "help": "?", "quit": "q / Ctrl+Q",
    }
    key = names.get(action)
    return next((escape(what) for k, what in KEYS if k == key), "")
