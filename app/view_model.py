"""State -> what each pane shows (no Textual): the Available, Cached and Installed rows. Their
subtitles are worded in subtitles.py, the details derived in details_view.py, the header in
header_view.py, a job's row in job_view.py; `ViewModel` is the one entry point for all of them.

`ViewModel` keeps memos of what is derived from the whole catalog (the Available selection,
the newest build of each minor version), recomputed only when their inputs change, never per
progress report.
"""

from __future__ import annotations

from datetime import date

from pytui.app import details_view, header_view, subtitles
from pytui.app.envs_view import used_by_counts
from pytui.app.filter import FilterIndex, FilterTerm, matches, parse_filter
from pytui.app.filter_hint import NewestOfGroup, widen_hint
from pytui.app.gateway import DAMAGED
from pytui.app.installed_labels import installed_labels
from pytui.app.job_record import INSTALL, UNINSTALL, Job
from pytui.app.job_view import percent
from pytui.app.sorting import sort_rows
from pytui.app.state import AppState
from pytui.app.support_view import SupportMemo, today
from pytui.core.catalog import Catalog
from pytui.core.install_policy import Upgrades, is_upgrade_of, upgrade_installed_note
from pytui.core.keys import parse_key
from pytui.core.loose_trees import archive_of_tree, unusable_tree_why
from pytui.core.models import Build, CachedArchive, Installation
from pytui.core.ordering import build_order
from pytui.core.requests import PythonRequest
from pytui.core.support import Support
from pytui.core.turn_record import DOWNLOADING
from pytui.widgets.rows import (
    NO_PERCENT,
    AvailableRow,
    CacheRow,
    Details,
    HeaderInfo,
    InstalledRow,
    SupportView,
    cached_row_key,
    loose_row_key,
    stale_parts,
)

GroupKey = tuple[object, ...]


class _Selection:
    """The Available builds for one view before the filter (platform, versions, variants), with
    what the filter and the rows need of each, computed once per selection."""

    __slots__ = ("builds", "keys", "key_set", "positions", "plain_rows", "plain_inputs")

    def __init__(self, builds: list[Build], keys: list[str], positions: list[int]) -> None:
        self.builds = builds
        self.keys = keys
        self.key_set = set(keys)
        # Each build's row in the catalog's FilterIndex.
        self.positions = positions
        # Rows without a job, for `plain_inputs` (installed, cached sizes, failed, offline).
        self.plain_rows: list[AvailableRow] = []
        self.plain_inputs: tuple[object, ...] | None = None


def _offline_lack(state: AppState, build: Build, cached: bool) -> bool:
    """Offline, a row is dimmed when its build cannot install: not cached, and no `file://`
    mirror holds it (app/download_source.installs_offline; a stat a row, only offline)."""
    from pytui.app.download_source import installs_offline

    return not installs_offline(state, build, cached=cached)


class ViewModel:
    """Derives rows from an `AppState`; holds only memos, never state of its own."""

    def __init__(self) -> None:
        self._visible_memo: tuple[tuple[object, ...], _Selection] | None = None
        self._terms_memo: tuple[tuple[str, frozenset[tuple[int, int]]], tuple[FilterTerm, ...]] \
            = (("", frozenset()), ())
        self._minors_memo: tuple[Catalog | None, frozenset[tuple[int, int]]] | None = None
        self._filtered_memo: tuple[_Selection, tuple[FilterTerm, ...], list[int]] | None = None
        self._index_memo: tuple[Catalog, FilterIndex, dict[str, int]] | None = None
        self._upgrades_memo: tuple[int, Upgrades] | None = None
        self._support = SupportMemo()
        self._newest = NewestOfGroup()

    # -- support status (app/support_view.py) ------------------------------------------------

    def support(self, state: AppState, item: Build | Installation,
                day: date | None = None) -> SupportView | None:
        """The support cell of a build's or install's minor version, for the state's day."""
        return self._support.view(state.settings.state_dir, day or today(state.clock()), item)

    def support_dates_changed(self) -> None:
        """A refresh may have kept new release-cycle dates: read them again on next use."""
        self._support = SupportMemo()

    def support_status(self, state: AppState, item: Build | Installation) -> Support | None:
        return self._support.status(state.settings.state_dir, today(state.clock()), item)

    # -- the Available pane -----------------------------------------------------------------

    def terms(self, state: AppState) -> tuple[FilterTerm, ...]:
        text = state.view.filter_text
        if not text:
            return ()
        minors = self._known_minors(state)
        if self._terms_memo[0] != (text, minors):
            self._terms_memo = ((text, minors), parse_filter(text, minors))
        return self._terms_memo[1]

    def _known_minors(self, state: AppState) -> frozenset[tuple[int, int]]:
        """The (major, minor) versions of the catalog's builds (read once per catalog) and of
        the installs: the filter reads a bare `3.1` naming none of them as text."""
        catalog = state.catalog
        if self._minors_memo is None or self._minors_memo[0] is not catalog:
            builds = catalog.builds if catalog is not None else []
            self._minors_memo = (catalog, frozenset((b.major, b.minor) for b in builds))
        minors = self._minors_memo[1]
        installed = {(i.major, i.minor) for i in state.installations}
        return minors if installed <= minors else minors | installed

    def filter_index(self, catalog: Catalog) -> tuple[FilterIndex, dict[str, int]]:
        """The filter's index of a catalog (built once per catalog) and each key's row in it.
        The app builds it when the filter box opens, before the first key."""
        memo = self._index_memo
        if memo is None or memo[0] is not catalog:
            keys = [build.key for build in catalog.builds]
            memo = self._index_memo = (catalog, FilterIndex(keys, list(catalog.builds)),
                                       {key: row for row, key in enumerate(keys)})
        return memo[1], memo[2]

    def _selection(self, state: AppState) -> _Selection | None:
        if state.catalog is None:
            return None
        installed = state.installed_keys
        cached = state.cached_by_key()
        active = {job.key for job in state.jobs.values() if job.kind == INSTALL and job.key}
        # The filter is applied last, to a selection kept between keystrokes: typing in
        # the filter never re-derives the selection from the whole catalog.
        unfiltered = state.view.replace(filter_text="")
        # The catalog's generation: a parsed-catalog entry found stale once every build is
        # made (after the first frame) was re-read from its source, in the same object.
        inputs = (id(state.catalog), state.catalog.generation, unfiltered, frozenset(installed),
                  frozenset(cached))
        memo = self._visible_memo
        # A job on a build that is already listed changes nothing: starting one must not
        # re-derive the selection from the whole catalog.
        if memo is None or memo[0] != inputs or not active <= memo[1].key_set:
            builds = self._select_builds(state, state.catalog, installed, set(cached), active)
            keys = [build.key for build in builds]
            memo = self._visible_memo = (inputs, _Selection(builds, keys, []))
        return memo[1]

    def _visible_positions(self, state: AppState) -> tuple[_Selection, list[int] | None] | None:
        """The selection and the positions in it that the filter keeps (None: all)."""
        selection = self._selection(state)
        if selection is None or state.catalog is None:
            return None
        terms = self.terms(state)
        if not terms:
            return selection, None
        memo = self._filtered_memo
        if memo is None or memo[0] is not selection or memo[1] != terms:
            index, row_of = self.filter_index(state.catalog)
            if not selection.positions and selection.keys:
                selection.positions = [row_of[key] for key in selection.keys]
            rows = index.rows(terms)
            kept = list(range(len(selection.keys))) if rows is None else \
                [at for at, row in enumerate(selection.positions) if row in rows]
            memo = self._filtered_memo = (selection, terms, kept)
        return selection, memo[2]

    def visible_builds(self, state: AppState) -> list[Build]:
        """Available builds for the current view: platform, versions, variants, filter."""
        found = self._visible_positions(state)
        if found is None:
            return []
        selection, kept = found
        if kept is None:
            return selection.builds
        builds = selection.builds
        return [builds[at] for at in kept]

    def is_visible(self, state: AppState, key: str) -> bool:
        """Whether the Available pane lists this build key now."""
        found = self._visible_positions(state)
        if found is None:
            return False
        selection, kept = found
        if kept is None:
            return key in selection.key_set
        keys = selection.keys
        return any(keys[at] == key for at in kept)

    def _select_builds(self, state: AppState, catalog: Catalog, installed: set[str],
                       cached: set[str], active: set[str]) -> list[Build]:
        view, host = state.view, state.host
        request = PythonRequest.parse("any").for_host(
            host, any_platform=view.all_platforms).with_prereleases(True)
        family = "x86_64" if host.arch.startswith("x86_64") else host.arch
        # The host's own arch only (uv never picks an x86-64 level by itself); `A` shows
        # the levels and every other platform. Chosen by key fields, then only the chosen
        # builds are made: a catalog read from the parsed-catalog cache keeps its builds as
        # columns until after the first frame (make_app), and the first screen makes ~20.
        narrow = not view.all_platforms
        # The cheap tests on the columns first: most builds are another variant or platform.
        places, rows = catalog.key_rows(
            host.os if narrow and host.os != "emscripten" else None,  # as request.matches
            host.libc if narrow else None, host.arch if narrow else None,
            None if view.variants else "default")
        # The matcher remembers what each version half and platform half of a key decided.
        matches = request.matcher()
        chosen = [(place, row) for place, row in zip(places, rows, strict=True) if matches(row)]
        # Stable: rows of one key keep the source's order, as the builds did.
        chosen.sort(key=lambda item: build_order(item[1], family))
        # One row per key: a catalog may list a key twice (under two JSON names); the first
        # entry wins, as in `Catalog.get`.
        keys: set[tuple] = set()
        unique = []
        for item in chosen:
            fields = item[1][:9]
            if fields not in keys:
                keys.add(fields)
                unique.append(item)
        chosen = unique
        if not view.all_versions:
            seen: set[GroupKey] = set()
            kept = []
            for item in chosen:
                row = item[1]
                group = (row.implementation, row.os, row.arch, row.libc, row.major, row.minor,
                         row.variant)
                # The newest patch of each minor, plus anything the user already has.
                if group not in seen:
                    kept.append(item)
                    seen.add(group)
                else:
                    key = row.key
                    if key in installed or key in cached or key in active:
                        kept.append(item)
            chosen = kept
        builds = catalog.builds_at([place for place, _ in chosen])
        if builds is None:  # the kept columns were stale: the source was read again
            return self._select_builds(state, catalog, installed, cached, active)
        return builds

    def available_rows(self, state: AppState) -> list[AvailableRow]:
        found = self._visible_positions(state)
        if found is None:
            return []
        selection, kept = found
        installed = state.installed_keys
        cached = state.cached_by_key()
        partials = state.partial_by_key()
        # Rows of builds without a job are derived once per selection and state of the disk
        # (a keystroke in the filter re-derives none of them); a job's rows are fresh.
        day = today(state.clock())
        # The installed builds too: a reinstall with a newer build keeps the key (`✓↑` -> `✓`).
        plain_inputs = (frozenset((i.key, i.build, i.extra.get(DAMAGED)) for i in state.installations), frozenset((key, a.size) for key, a in cached.items()),
                        frozenset((key, a.size, a.expected_size) for key, a in partials.items()),
                        frozenset(state.download_sizes.items()),
                        frozenset(state.failed_keys), state.offline, day, state.held_parts,
                        state.mirror_looks)
        if selection.plain_inputs != plain_inputs:
            selection.plain_rows = [self._row(state, build, key, None, installed, cached, partials,
                                              self.support(state, build, day))
                                    for build, key in zip(selection.builds, selection.keys,
                                                          strict=True)]
            selection.plain_inputs = plain_inputs
        plain = selection.plain_rows
        rows = plain if kept is None else [plain[at] for at in kept]
        jobs = {job.key: job for job in state.jobs.values()
                if job.running and job.kind == INSTALL and job.key}
        if jobs:
            keys = selection.keys
            positions = range(len(keys)) if kept is None else kept
            rows = [self._row(state, row.build, keys[at], jobs[keys[at]], installed, cached,
                              partials, row.support)
                    if keys[at] in jobs else row for at, row in zip(positions, rows, strict=True)]
        return sort_rows("available", rows, state.sort_of("available"))

    def available_row(self, state: AppState, build: Build, installed: set[str] | None = None,
                      cached: dict[str, CachedArchive] | None = None) -> AvailableRow:
        installed = state.installed_keys if installed is None else installed
        cached = state.cached_by_key() if cached is None else cached
        key = build.key
        return self._row(state, build, key, state.job_for_key(key), installed, cached,
                         state.partial_by_key(), self.support(state, build))

    @staticmethod
    def _row(state: AppState, build: Build, key: str, job: Job | None, installed: set[str],
             cached: dict[str, CachedArchive],
             partials: dict[str, CachedArchive],
             support: SupportView | None) -> AvailableRow:
        progress = None
        archive = cached.get(key)
        partial = partials.get(key) if archive is None else None
        # The download's size stays known once a job has seen it (a cancelled or failed
        # download keeps showing it), or from a `.part`'s expected total.
        size = archive.size if archive is not None else state.download_sizes.get(key)
        if size is None and partial is not None:
            size = partial.expected_size
        if job is not None and job.kind == INSTALL:
            # Waiting for the root's lock, or queued behind another job, has no total: `0%`
            # read as if nothing had come.
            progress = NO_PERCENT if job.phase in ("waiting", "queued") else percent(job)
            if job.phase == "download" and job.total:
                size = job.total
        partial_percent = None
        if partial is not None:
            from pytui.core.cache_names import partial_percent as shown_percent

            partial_percent = shown_percent(partial)
            holder = state.held_parts.get(partial.name)
            if job is None and partial_percent is not None and holder is not None and holder.state == DOWNLOADING:
                # Another process downloads it now (Cached's `↓`): its percent as a download's,
                # not `◐` (a stopped one).
                progress, partial = partial_percent, None
        is_cached = archive is not None
        is_installed = key in installed
        installation = state.installation(key) if is_installed else None
        return AvailableRow(
            build=build, installed=is_installed, cached=is_cached,
            progress=progress, failed=key in state.failed_keys, size=size,
            unavailable=state.offline and not is_installed and _offline_lack(state, build, is_cached),
            partial=partial is not None, partial_percent=partial_percent, support=support,
            newer_build=installation is not None and newer_build(build, installation),
            damaged=installation is not None and bool(installation.extra.get(DAMAGED)),
        )

    def available_subtitle(self, state: AppState, count: int) -> str:
        """The Available pane's subtitle in full (app/subtitles.py)."""
        return self.available_subtitles(state, count)[0]

    def available_subtitles(self, state: AppState, count: int) -> tuple[str, ...]:
        """The Available subtitle's forms for `count` rows shown (app/subtitles.py), with this
        view model's filter hint."""
        return subtitles.available_subtitles(state, count, self.filter_hint)

    def filter_hint(self, state: AppState) -> str | None:
        """Which key lists the builds the filter matches but the view hides (app/filter_hint.py)."""
        selection = self._selection(state)
        terms = self.terms(state)
        if selection is None or state.catalog is None or not terms:
            return None
        index, _ = self.filter_index(state.catalog)
        rows = index.rows(terms)
        if not rows:
            return None
        builds = state.catalog.builds
        hidden = [builds[row] for row in sorted(rows) if builds[row].key not in selection.key_set]
        if not hidden:
            return None
        host_arch = state.host.arch
        family = "x86_64" if host_arch.startswith("x86_64") else host_arch
        active = {job.key for job in state.jobs.values() if job.kind == INSTALL and job.key}
        kept_anyway = set(state.installed_keys) | set(state.cached_by_key()) | active
        return widen_hint(state, hidden, self._newest.of(state.catalog, family), kept_anyway)

    # -- the Cached and Installed panes -----------------------------------------------------

    def cache_rows(self, state: AppState) -> list[CacheRow]:
        rows: dict[str, CacheRow] = {}
        if state.archives:  # (an empty cache dir: the cache's code is not imported yet)
            from pytui.core.cache_names import archive_key, partial_percent
        stale = stale_parts(archive.name for archive in state.archives) if state.archives else set()
        for archive in state.archives:
            if archive.name in stale:
                continue  # its complete archive is the row
            name = cached_row_key(archive.name)
            key = archive_key(archive)
            if archive.state == "partial":
                # A `.part` whose lock a process holds: `downloading` where its record says
                # so, else `locked` (`pytui cache list`'s words, core/turn_record.held_part_state).
                holder = state.held_parts.get(archive.name)
                state_name = holder.state if holder is not None else "partial"
                pct = partial_percent(archive)
            else:  # from the file name: the same under any catalog
                state_name, pct = archive.state, None
            rows[name] = CacheRow(name=name, size=archive.size, build_key=key,
                                  state=state_name, percent=pct,
                                  tree=archive.tree and not unusable_tree_why(archive, state.loose_trees))
        for tree in state.loose_trees:  # a kept tree no archive uses: its state says why
            name = loose_row_key(tree.sha256)
            # A manifest that does not read names no key: its archive's, when it is cached.
            of_tree = None if tree.key else archive_of_tree(tree, state.archives)
            rows[name] = CacheRow(name=name, size=tree.size, state=tree.why,
                                  build_key=tree.key or (archive_key(of_tree) if of_tree else None))
        # Downloads in flight show up before the listing sees their `.part`.
        for job in state.running_jobs():
            if job.build is None or job.phase != "download":
                continue
            name = job.build.cache_filename
            rows[name] = CacheRow(name=name, size=job.done, build_key=job.build.key,
                                  state="downloading", percent=percent(job))
        result = list(rows.values())
        terms = self.terms(state)
        if terms:
            result = [r for r in result
                      if matches(terms, f"{r.build_key or ''} {r.name}",
                                 parse_key(r.build_key) if r.build_key else None)]
        if len(result) > 1:
            from pytui.core.cache_names import sort_newest_first

            sort_newest_first(result, name=lambda r: r.name, key=lambda r: r.build_key)
        if result:  # each row said apart from the others shown, where the key is cut
            from pytui.app.cached_labels import short_labels

            labels = short_labels([row.name for row in result])
            result = [row.replace(label=_loose_label(state, row) or label)
                      for row, label in zip(result, labels, strict=True)]
        return sort_rows("cached", result, state.sort_of("cached"))

    def installed_rows(self, state: AppState) -> list[InstalledRow]:
        terms = self.terms(state)
        used = used_by_counts(state)
        installed = state.installed_keys
        rows, shown = [], []
        for installation in state.installations:
            if terms and not matches(terms, installation.key, installation):
                continue
            shown.append(installation)
            update = ""
            newer = self.update_for(state, installation)
            update_installed = newer is not None and newer.key != installation.key \
                and newer.key in installed
            if newer is not None and update_installed:
                update = upgrade_installed_note(newer)
            elif newer is not None:
                update = newer.version if newer.key != installation.key else f"build {newer.build}"
            job = state.job_for_key(installation.key)
            busy = ""
            if job is not None:
                busy = "removing…" if job.kind == UNINSTALL and job.phase == "remove" \
                    else f"{job.phase}…"
            elif installation.extra.get(DAMAGED):
                busy = "damaged"  # in the Update column, where `i`'s outcome is said
            rows.append(InstalledRow(key=installation.key, build=installation.build,
                                     size=state.sizes.get(installation.key), update=update,
                                     update_installed=update_installed, busy=busy,
                                     used_by=None if used is None else used.get(installation.key, 0),
                                     support=self.support(state, installation)))
        # Where the whole key does not fit, its version (app/installed_labels.py).
        labels = installed_labels(shown, state.host)
        rows = [row.replace(label=label) for row, label in zip(rows, labels, strict=True)]
        return sort_rows("installed", rows, state.sort_of("installed"))

    # The Cached and Installed subtitles (app/subtitles.py), beside the rows they count.
    cached_subtitle = staticmethod(subtitles.cached_subtitle)
    cached_subtitles = staticmethod(subtitles.cached_subtitles)
    installed_subtitle = staticmethod(subtitles.installed_subtitle)
    installed_subtitles = staticmethod(subtitles.installed_subtitles)

    def update_for(self, state: AppState, installation: Installation) -> Build | None:
        """The catalog's upgrade for an install (core's install policy, as the CLI's)."""
        catalog = state.catalog
        if catalog is None:
            return None
        return self._upgrades(catalog).upgrade_for(installation)

    def _upgrades(self, catalog: Catalog) -> Upgrades:
        """The newest build of each minor-version group, made once per catalog."""
        if self._upgrades_memo is None or self._upgrades_memo[0] != id(catalog):
            self._upgrades_memo = (id(catalog), Upgrades(catalog.builds))
        return self._upgrades_memo[1]

    # -- the header and the details (header_view.py, details_view.py) ------------------------

    @staticmethod
    def header(state: AppState) -> HeaderInfo:
        return header_view.header_info(state)

    def details(self, state: AppState, pane: str, key: str | None) -> Details | None:
        """What the details panel shows for the highlighted row of `pane`, or for a job."""
        return details_view.details(self, state, pane, key)


def newer_build(build: Build, installation: Installation) -> bool:
    """The catalog's build of the same key is a newer PBS release than the installed one."""
    return build.key == installation.key and is_upgrade_of(
        build, build.build or None, installation, installation.build)


def _loose_label(state: AppState, row: CacheRow) -> str:
    """`3.12.8 tree`: the Key column's short form for a kept tree no archive uses whose manifest
    names its build (its name, `trees/<sha256>`, says nothing a reader knows); "" otherwise."""
    if not row.build_key or not state.loose_trees or state.loose_tree_at(row.name) is None:
        return ""
    key = parse_key(row.build_key)
    return f"{key.version_label} tree" if key is not None else ""
