"""A part of PytuiApp (see app_base.py): what the runner's listing threads report — the
catalog (loaded, refreshed, failed), the cache and install root, the environments, the sizes —
and `r`, which lists and refreshes again. Each result is dropped unless it is the newest of
its kind (`runner.is_current`)."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from pytui.app.app_base import AppBase
from pytui.app.background import CACHE_USAGE, CATALOG, DISK, ENVS, TREE_FREED
from pytui.app.gateway import refresh_is_useful
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
    TempCleaned,
    TreeFreed,
)
from pytui.app.startup import lazy_module, screens_above_main
from pytui.app.state import REFRESH_FAILED
from pytui.core.catalog import Catalog
from pytui.core.models import CachedArchive, Installation

if TYPE_CHECKING:
    from pytui.app import envs_screen
    from pytui.app.disk_watch import DiskStamp
    from pytui.core.cache_locks import PartHolder
else:  # executed on first use: the first screen does not need it (app/startup.py)
    envs_screen = lazy_module("pytui.app.envs_screen")

# After the first frame, prepare the install engine in the background (see gateway.warm_up).
WARM_UP_DELAY = 0.3


def freeze_long_lived() -> None:
    """Move what exists after the first screen (the catalog's builds, the widgets) out of the
    garbage collector's view. They live as long as the app; without this every full collection
    walks them all, and one landing on a keystroke cost a few hundred milliseconds with uv's
    catalog. Objects are still freed by their reference counts when dropped."""
    gc.collect(1)
    gc.freeze()


def refresh_next_step(message: str) -> str:
    """What to do after a refresh that fetched no usable catalog, with the keys and options
    that exist (`r`, `o`, PYTUI_CATALOG_URL, --downloads-json); "" for a line that has its
    own (a state dir that cannot be written says what to set; a --downloads-json URL's
    failure says to check it or use a local file)."""
    from pytui.core.kept_catalog import fetched_nothing  # (the CLI's next step is there too)

    if fetched_nothing(message):
        return (". Next: r tries again, o works offline (installs from the cache), or "
                "PYTUI_CATALOG_URL / --downloads-json names a reachable catalog.")
    return ""


class ListingMessages(AppBase):
    # Set by PytuiApp.__init__: refresh the catalog once it is loaded.
    _refresh_on_start = False
    # The refresh under way was asked for with `r`: its success is answered with a toast.
    # The one at start that works says nothing (the header shows the catalog's age, History
    # keeps the line): a toast on every launch was noise over the Jobs panel.
    _refresh_asked = False

    # -- the catalog ------------------------------------------------------------------------

    def _start_refresh_if_wanted(self) -> None:
        if self._refresh_on_start and not self.state.offline and \
                refresh_is_useful(self.state.settings):
            self._refresh()

    def on_catalog_loaded(self, message: CatalogLoaded) -> None:
        if not self.runner.is_current(CATALOG, message.generation):
            return
        self.state.catalog = message.catalog
        self.state.catalog_note = ""
        if message.catalog.warning:
            self._catalog_warning(message.catalog.warning)
        self.renderer.all()
        self._start_refresh_if_wanted()
        self.runner.scan_disk()
        self.set_timer(WARM_UP_DELAY, freeze_long_lived)

    def on_catalog_refreshed(self, message: CatalogRefreshed) -> None:
        if not self.runner.is_current(CATALOG, message.generation):
            return
        outcome = message.outcome
        state = self.state
        state.catalog_note = "" if outcome.ok else REFRESH_FAILED
        state.catalog_problem = not outcome.ok
        said = outcome.message if outcome.ok else \
            outcome.message + refresh_next_step(outcome.message)
        self.history.add("refresh", "catalog", "done" if outcome.ok else "failed", said)
        asked, self._refresh_asked = self._refresh_asked, False
        if asked or not outcome.ok:
            self.notify(said, title="Catalog", markup=False, in_history=True,
                        severity="information" if outcome.ok else "warning")
        if outcome.warning:
            self._catalog_warning(outcome.warning)
        if outcome.ok:  # the refresh may have kept newer release-cycle dates
            self.vm.support_dates_changed()
        if outcome.catalog is not None:
            state.catalog = outcome.catalog
            # Archives are matched to the catalog's builds: list them again.
            self.runner.scan_disk()
        self.renderer.all()

    def _catalog_warning(self, line: str) -> None:
        """Malformed catalog entries were skipped: say so once, keep it in the history."""
        self.history.add("catalog", "entries", "warning", line)
        self.notify(line, title="Catalog", severity="warning", markup=False, timeout=10,
                    in_history=True)

    def on_catalog_failed(self, message: CatalogFailed) -> None:
        if not self.runner.is_current(CATALOG, message.generation):
            return
        state = self.state
        if state.catalog is not None and state.catalog.source != "none":
            # `r` read a local catalog file again and found it broken: what was read before
            # stays, as after a failed network refresh.
            state.catalog_note, state.catalog_problem = REFRESH_FAILED, True
            said = f"{message.reason}; the catalog read before stays shown"
            self.history.add("refresh", "catalog", "failed", said)
            self.notify(said, title="Catalog", severity="error", markup=False, timeout=10,
                        in_history=True)
            self.renderer.all()
            return
        self._catalog_failed(message.reason)

    def _catalog_failed(self, reason: str) -> None:
        state = self.state
        state.catalog_note, state.catalog_problem = "not loaded", True
        self.history.add("catalog", "load", "failed", reason)
        self.notify(reason, title="Catalog", severity="error", markup=False, timeout=10,
                    in_history=True)
        if state.catalog is None:
            state.catalog = Catalog([], source="none")
        self.renderer.all()
        self.runner.scan_disk()

    def action_refresh(self) -> None:
        # The cache and the install root may have changed from another shell (`pytui cache
        # verify`, uv): `r` lists them again, online or not, and measures every install again
        # (a file grown in place changes no directory the disk watch stamps; app/size_watch.py).
        self.size_watch.forget()
        if not refresh_is_useful(self.state.settings):
            # A local --downloads-json file (a mirror exported again, an edited catalog) is
            # read again, as uv reads it on every run; the disk is listed once it is read.
            self.state.catalog_note, self.state.catalog_problem = "", False
            self.runner.load_catalog()
            self.notify("Reading the catalog file again and listing the cache and the install "
                        "root again.", title="Refresh", markup=False)
            return
        self.runner.scan_disk()
        if self.state.offline:
            self.notify("Listing the cache and the install root again (offline: the catalog "
                        "is not refreshed).", title="Refresh", markup=False)
            return
        self._refresh_asked = True
        self._refresh()

    def _refresh(self) -> None:
        self.state.catalog_note, self.state.catalog_problem = "refreshing…", False
        self.renderer.header()
        self.runner.refresh_catalog()

    # -- the cache and the install root -----------------------------------------------------

    def on_disk_listed(self, message: DiskListed) -> None:
        if self.runner.is_current(DISK, message.generation):
            self.disk_watch.listed(message.stamp)
            self.disk_watch.failed = None
            self._disk_listed(message.archives, message.installations, message.cache_problem,
                              message.root_problem, watched=message.generation == self.disk_watch.generation,
                              held_parts=message.held_parts, stamp=message.stamp)

    def on_disk_stamped(self, message: DiskStamped) -> None:
        # Another process (uv, a second pytui, a shell) changed the root or the cache. Not while
        # a listing runs: its stamp is judged when it lands, and a listing slower than a look
        # (a huge cache dir, a slow network filesystem) replaced by the next would never land.
        if message.mirror_changed and self.state.offline:
            # An archive copied into the `file://` mirror (or removed): the Available rows'
            # dimming, Details and `i` follow it (app/download_source.mirror_rows).
            self.state.mirror_looks += 1
            self.renderer.all()
        if self.runner.disk_listing_under_way():
            return
        if self.disk_watch.wants_listing(message.stamp) or \
                self.state.foreign_download_moved(message.moved) or \
                self.state.held_parts_changed(message.parts, message.held_parts):
            self.disk_watch.generation = self.runner.scan_disk()

    def _disk_listed(self, archives: list[CachedArchive], installations: list[Installation],
                     cache_problem: str | None = None, root_problem: str | None = None, *,
                     watched: bool = False, held_parts: dict[str, PartHolder] | None = None,
                     stamp: DiskStamp | None = None) -> None:
        """`watched`: a listing the watch asked for (another process changed the disk); the
        environments are scanned again only if the installs changed (a scan walks the home
        dir; a stream of cache changes must not start one every look). `stamp`: the watched
        directories' stamp taken before the listing; an install whose own stamp moved since
        its size was measured is measured again (app/size_watch.py)."""
        before = self.state.installed_keys if self.state.disk_listed else None
        if cache_problem and cache_problem != self.state.cache_problem:
            # Said once when it appears; the Cached pane keeps showing it meanwhile.
            self.history.add("scan", "cache dir", "failed", cache_problem)
            self.notify(cache_problem, title="Cache", severity="error", markup=False, timeout=15,
                        in_history=True)
        if root_problem and root_problem != self.state.root_problem:
            # Said once; the Installed pane keeps saying it (the watch looks every 2 s).
            self.history.add("scan", "install root", "failed", root_problem)
            self.notify(root_problem, title="Install root", severity="error", markup=False,
                        timeout=15, in_history=True)
        changed = self.state.listing_changes(archives, installations)
        self.state.set_disk(archives, installations, cache_problem, root_problem, held_parts)
        self.size_watch.gone(self.state.installed_keys)
        to_measure = self.size_watch.listed(installations, stamp, self.state.sizes)
        # The threads start once the listing is on screen (at start: after the first frame),
        # so they do not compete with drawing it.
        if to_measure:
            self.call_after_refresh(self.runner.measure, to_measure)
        self.call_after_refresh(self.runner.measure_cache)
        # Which environments use which install, for uninstall's question.
        if not watched or before != self.state.installed_keys:
            self.call_after_refresh(self.runner.scan_envs)
        self.renderer.all()
        # An open question about what another process just removed or added is asked again.
        self.redecide_questions(disk_changed=True)
        if changed:
            self.measure_purged_trees()

    def on_temp_cleaned(self, message: TempCleaned) -> None:
        for line in message.said:
            self.history.add("install", "install root", "done", line)
            self.notify(line, title="Installed", markup=False, in_history=True)
        self.runner.scan_disk()

    def on_disk_failed(self, message: DiskFailed) -> None:
        if not self.runner.is_current(DISK, message.generation):
            return
        self.state.disk_listed = True
        # A failed listing is the one shown for its stamp: the looks list again only when
        # something changes, and say the same failure once while it lasts.
        self.disk_watch.listed(message.stamp)
        watched = message.generation == self.disk_watch.generation
        said_before = self.disk_watch.failed == message.reason
        self.disk_watch.failed = message.reason
        if watched and said_before:
            return
        self.history.add("scan", "cache and install root", "failed", message.reason)
        self.notify(message.reason, title="Listing failed", severity="error", markup=False,
                    timeout=10, in_history=True)
        self.renderer.all()

    def on_cache_usage(self, message: CacheUsage) -> None:
        if self.runner.is_current(CACHE_USAGE, message.generation):
            self.state.cache_usage = message.size
            self.state.cache_parts = message.parts
            if message.loose != self.state.loose_trees:
                # Their rows come and go with the measure (core/loose_trees.py).
                self.state.loose_trees = message.loose
                self.renderer.all()
            else:
                self.renderer.cache_measured()

    def on_installed_sizes(self, message: InstalledSizes) -> None:
        newest, waited = self.size_watch.ended(
            list(message.asks), {key for key, _ in message.asks if key not in message.sizes})
        keys = {key for key, number in message.asks if number in newest}
        if waited:
            self.runner.measure(waited)
        if any(key in message.sizes for key in keys):
            self.state.set_sizes({k: v for k, v in message.sizes.items() if k in keys},
                                 {k: v for k, v in message.freeable.items() if k in keys})
            self.renderer.all()

    def on_tree_freed(self, message: TreeFreed) -> None:
        if self.runner.is_current(TREE_FREED, message.generation):
            self.state.tree_freed[message.name] = message.size
            self.redecide_questions()  # the purge question says the bytes in place

    # -- environments -----------------------------------------------------------------------

    def on_envs_scanned(self, message: EnvsScanned) -> None:
        if not self.runner.is_current(ENVS, message.generation):
            return
        ignored = self.state.set_environments(message.environments, partial=message.partial,
                                              note=message.note, failed=message.failed,
                                              quick=message.quick, final=message.final,
                                              warnings=message.warnings, roots=message.roots)
        for line in ignored:  # as `pytui envs` prints them, each once a session
            self.history.add("scan", "environments", "warning", line)
        if ignored:
            more = f" (and {len(ignored) - 1} more; H lists them)" if len(ignored) > 1 else ""
            self.notify(ignored[0] + more, title="Environments", severity="warning",
                        markup=False, timeout=10, in_history=True)
        if message.failed:
            self.history.add("scan", "environments", "failed", message.note)
            if message.note not in self.state.envs_warnings_said:
                # Said once: every rescan fails the same way until the cause is fixed.
                self.state.envs_warnings_said.add(message.note)
                self.notify(message.note, title="Environments", severity="error", markup=False,
                            timeout=10, in_history=True)
        self.renderer.all()
        self._envs_screen_changed()
        self.redecide_questions()

    def _envs_screen_changed(self) -> None:
        for screen in screens_above_main(self):
            if isinstance(screen, envs_screen.EnvironmentsScreen):
                screen.refresh_rows()
