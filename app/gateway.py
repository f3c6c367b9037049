"""Everything the TUI asks of core/, in one typed place (no Textual).

Each method blocks and does I/O, so the app calls them only from thread workers (the job
runner), except the two cheap reads `make_app` does before the first frame. They take the
`Settings` of the moment (offline can be toggled in the UI, so every call gets a copy with the
current mode) and return core's own types. Tests pass a subclass to `make_app(gateway=...)`
to hold a call at a point of their choosing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pytui.core.catalog import Catalog
from pytui.core.models import Build, CachedArchive, Installation
from pytui.core.progress import CancelToken, ProgressCallback
from pytui.core.settings import Settings

# Installation.extra's entry for the links an install lacks (names, space-separated).
MISSING_LINKS = "missing_links"
# The bin link an install has not, which no record says a run meant to make.
UNLINKED = "unlinked"
# The links that run an older patch while this is the highest installed (core/link_repair.py).
BEHIND = "behind"
# The file a damaged install lacks that uv's query of its interpreter needs (core/install_damage.py).
DAMAGED = "damaged"

if TYPE_CHECKING:  # imported lazily at run time: `pytui list` never pays for them
    from datetime import date

    from pytui.core.cache import VerifyReport
    from pytui.core.cache_locks import PartHolder
    from pytui.core.cache_purge import Leftovers, PurgeEffect
    from pytui.core.download import Downloader
    from pytui.core.environment import Environment, ScanResult
    from pytui.core.errors import WarningLine
    from pytui.core.install_root import Uninstalled
    from pytui.core.jobs import InstallResult
    from pytui.core.link_repair import LinkChanges
    from pytui.core.loose_trees import LooseTree
    from pytui.core.root_tree import Footprint
    from pytui.core.sources import CatalogRefresh


def listed_installations(gateway: CoreGateway,
                         settings: Settings) -> tuple[list[Installation], str | None]:
    """The installations, and why the install root cannot be listed (a file or a symlink to
    nothing at its name: one line for the Installed pane; the cache is still listed)."""
    from pytui.core.installed import InstallRootError

    try:
        return gateway.list_installed(settings), None
    except InstallRootError as err:
        return [], str(err)


def catalog_is_local(settings: Settings) -> bool:
    """The catalog comes from files (embedded, kept copy, a local --downloads-json): reading it
    takes tens of milliseconds and no network, so it can be read before the first frame."""
    value = settings.downloads_json
    return not value or not value.startswith(("http://", "https://"))


def refresh_is_useful(settings: Settings) -> bool:
    """A local `--downloads-json` file replaces every other source: nothing to fetch."""
    value = settings.downloads_json
    return not value or value.startswith(("http://", "https://"))


class CoreGateway:
    """The calls into core/ that the TUI makes."""

    def load_catalog(self, settings: Settings, *, lazy: bool = False) -> Catalog:
        """The catalog on disk (custom, kept-over-embedded, or embedded); never the network
        for the default sources. Raises PytuiError (one line). With `lazy`, builds read from
        the parsed-catalog cache are made when first asked for (`make_app`: the first screen
        makes only the rows it shows), and a cache entry that disagrees with its source
        raises there instead."""
        from pytui.core.sources import load_catalog

        return load_catalog(settings, refresh=False, lazy=lazy)

    def refresh_catalog(self, settings: Settings) -> CatalogRefresh:
        """Fetch the newest catalog and read it back. Never raises an Exception: a failure is
        the result's one line (`ok` False) and what is shown stays."""
        from pytui.core.sources import refresh_and_reload

        return refresh_and_reload(settings)

    def list_cache(self, settings: Settings, catalog: Catalog | None) -> list[CachedArchive]:
        try:
            os.stat(settings.cache_dir)
        except FileNotFoundError:
            # Nothing there yet (a first start): what the listing says then, without importing
            # the cache's code (and the kept trees') before the first frame.
            return []
        except OSError:
            pass  # the listing says why
        from pytui.core.cache import ArchiveCache

        # quick: while the builds are columns, each name is matched by its key's builds alone;
        # the app lists the disk again once every build is made (PytuiApp._settle).
        return ArchiveCache(settings.cache_dir, settings.env).list(catalog, quick=True)

    def scan_cache(self, settings: Settings,
                   catalog: Catalog | None) -> tuple[list[CachedArchive], str | None]:
        """The cached archives, or none and one line saying why the cache dir cannot be read
        (a file by that name, no permission...): the UI starts and shows it instead of failing."""
        from pytui.core.errors import CacheError

        try:
            return self.list_cache(settings, catalog), None
        except CacheError as err:
            return [], str(err)

    def clean_root_temp(self, settings: Settings, said: list[str] | None = None) -> bool:
        """What killed runs left in the install root's `.temp/` removed (and an uninstall killed
        before its links finished, an install a killed reinstall left aside put back: its line
        appended to `said`), as a CLI install does; True when something was there.
        Skipped while uv or another pytui holds the root's lock, and when `.temp/` holds
        nothing but records of links still missing (core/link_repair.py: kept until made);
        then, and with `.temp/` empty (the common case), install_root is not even imported."""
        from pytui.core.link_repair import temp_needs_cleaning

        if not temp_needs_cleaning(Path(settings.install_root), settings.bin_dir):
            return False
        import contextlib

        from pytui.core.errors import PytuiError
        from pytui.core.install_root import InstallRoot, restored_line

        def restored(key: str) -> None:
            if said is not None:
                said.append(restored_line(key))

        with contextlib.suppress(PytuiError, OSError):
            InstallRoot(settings.install_root, lock_timeout=0).clean_temp(bin_dir=settings.bin_dir,
                                                                          on_restored=restored)
        return True

    def list_installed(self, settings: Settings) -> list[Installation]:
        # What InstallRoot.installed() returns, without importing install_root (the fix-ups,
        # links and lock that installs need): make_app lists the root before the first frame.
        from pytui.core.install_damage import missing_part
        from pytui.core.installed import list_installed
        from pytui.core.link_repair import behind_links, lacking_links, minor_groups

        root = Path(settings.install_root)
        installations = list_installed(root)
        fellows = minor_groups([installation.key for installation in installations])
        for installation in installations:
            keys = fellows.get(installation.key, [])
            behind = behind_links(root, settings, installation.key, keys)
            if behind:  # "name key" pairs: the link, the older patch it runs
                installation.extra[BEHIND] = " ".join(f"{name} {runs}" for name, runs in behind)
            # A kill between an install's commit and its links leaves them out: said in
            # Details, restored by `i` (an lstat or two each). A bin link no record says a
            # run meant to make (--no-bin, uv's own downloads, a killed uv run) is said as a
            # fact, and `i` makes it: core/link_repair.py.
            missing, unlinked = lacking_links(root, settings, installation.key, keys)
            if missing:
                installation.extra[MISSING_LINKS] = " ".join(missing)
            if unlinked:
                installation.extra[UNLINKED] = " ".join(unlinked)
            # `pytui list`'s rule: uv's list drops it, so the pane says it (a few stats each).
            missing_file = missing_part(installation)
            if missing_file is not None:
                installation.extra[DAMAGED] = missing_file
        return installations

    def restore_links(self, settings: Settings, key: str, *, cancel: CancelToken,
                      on_wait: Callable[[str], None]) -> tuple[LinkChanges, list[WarningLine]]:
        """Restore the links `key`'s install lacks, as `pytui install` does for a request already
        installed: (the links this run changed, warnings about names something else holds)."""
        from pytui.core.install_root import InstallRoot
        from pytui.core.link_repair import LinkChanges, absent_links, behind_links, restore_links

        root = InstallRoot(settings.install_root)
        if not absent_links(root.path, settings, key) and not behind_links(
                root.path, settings, key, [i.key for i in root.installed()]):
            return LinkChanges(), []
        try:
            restored = restore_links(root, settings, key, cancel=cancel, on_wait=on_wait)
        except OSError as err:
            from pytui.core.fs_errors import cause

            names = ", ".join(absent_links(root.path, settings, key)) or "its links"
            return LinkChanges(), [f"cannot restore the links of {key} ({names}): {cause(err)}"]
        return restored.changes, restored.links.warnings if restored.links else []

    def scan_envs(self, settings: Settings, *, cancelled: Callable[[], bool],
                  installed: list[Installation] | None = None,
                  clock: Callable[[], float] = time.time) -> ScanResult:
        """Find the environments and the install each uses (core/envs.py), checking the whole
        tree. The walks kept in the state dir make a second scan cheap; it stops at its time
        budget (`partial`). `clock`: the app state's, which dates the check."""
        from pytui.core.envs import scan_for_settings

        return scan_for_settings(settings, cancelled=cancelled, installed=installed, clock=clock)

    def quick_envs(self, settings: Settings, *, cancelled: Callable[[], bool],
                   installed: list[Installation] | None = None,
                   max_age: float | None = None,
                   clock: Callable[[], float] = time.time) -> ScanResult | None:
        """The quick scan (known environments and watched directories only), or None when it
        is not allowed (no full check younger than `max_age` by `clock`, other settings)."""
        from pytui.core.envs import QUICK_MAX_AGE, quick_for_settings

        return quick_for_settings(settings, cancelled=cancelled, installed=installed,
                                  max_age=QUICK_MAX_AGE if max_age is None else max_age, clock=clock)

    def eol_installed(self, build: Build, settings: Settings, day: date) -> str:
        """The warning once an end-of-life version is installed, "" for a supported one
        (core/support.py)."""
        from pytui.core.support import eol_installed

        return eol_installed(build, settings.state_dir, day)

    def cache_usage(self, settings: Settings) -> int:
        """Bytes the cache dir occupies (what `pytui cache list` totals)."""
        from pytui.core.cache import ArchiveCache

        return ArchiveCache(settings.cache_dir, settings.env).disk_usage()

    def loose_trees(self, settings: Settings) -> tuple[LooseTree, ...]:
        """The kept trees no archive uses, with their sizes (core/loose_trees.py): the Cached
        pane's rows for them."""
        from pytui.core.cache import ArchiveCache
        from pytui.core.loose_trees import measured_loose_trees

        return measured_loose_trees(ArchiveCache(settings.cache_dir, settings.env))

    def held_parts(self, archives: list[CachedArchive]) -> dict[str, PartHolder]:
        """The `partial` archives whose lock a process holds now, with who (core/cache_locks.held_parts);
        with none listed, the lock code is not imported."""
        if not any(a.state == "partial" for a in archives):
            return {}
        from pytui.core.cache_locks import held_parts

        return held_parts(archives)

    def moved_since_listed(self, parts: list[CachedArchive]) -> frozenset[str]:
        """Of these listed `.part` files, those a download wrote to since (core/cache_locks)."""
        from pytui.core.cache_locks import moved_since_listed

        return moved_since_listed(parts)

    def cache_parts(self, settings: Settings) -> dict[str, int]:
        """The cache's `.part` files' sizes by archive name (core/cache.part_sizes)."""
        from pytui.core.cache import ArchiveCache

        return ArchiveCache(settings.cache_dir, settings.env).part_sizes()

    def footprint(self, path: Path) -> Footprint:
        """Bytes an installation occupies, and what uninstalling it frees (files shared with
        a tree kept in the cache stay)."""
        from pytui.core.root_tree import footprint

        return footprint(path)

    def warm_up(self, settings: Settings) -> Downloader | None:
        """Import the install engine and, online, build the shared HTTP client (imports and
        TLS set-up cost a few hundred milliseconds of CPU); done once while the UI is idle,
        so the first install does not pay for it. Opens no socket.

        Returns the shared `Downloader` (None offline)."""
        import pytui.core.jobs  # noqa: F401 - the import is the point

        if settings.offline:
            return None
        from pytui.core.download import Downloader
        from pytui.core.http import make_client

        client = make_client(offline=False, what="downloads", env=settings.env)
        downloader = Downloader(offline=False, env=settings.env, client_factory=lambda: client)
        from pytui.core.download_policy import mirror_names

        downloader.mirror_names = mirror_names(settings)  # a mirror from uv's file named so
        return downloader

    def install(self, build: Build, *, settings: Settings, catalog: Catalog,
                progress: ProgressCallback, cancel: CancelToken, reinstall: bool,
                downloader: Downloader | None, on_warning: Callable[[WarningLine], None],
                on_wait: Callable[[str], None]) -> InstallResult:
        """Run one install job to the end (raises PytuiError with one line, Cancelled on
        cancel). `downloader` (from `warm_up`) is shared by the jobs of one session, as the
        CLI shares one between its parallel jobs; None makes the job create its own."""
        from pytui.core.jobs import InstallJob

        job = InstallJob(build, settings=settings, catalog=catalog, progress=progress,
                         cancel=cancel, reinstall=reinstall, downloader=downloader,
                         on_warning=on_warning, on_wait=on_wait)
        return job.run()

    def uninstall(self, settings: Settings, key: str, *, cancel: CancelToken,
                  on_wait: Callable[[str], None],
                  outdated_among: Sequence[Environment] | None = None) -> Uninstalled:
        """Remove one installation and its bin links; say what that freed. With
        `outdated_among` (the environments of the last scan), only while it is still outdated
        under the root lock, else `NotRemoved` (as `pytui uninstall --outdated`)."""
        from pytui.app.uninstall_safety import still_outdated
        from pytui.core.install_root import InstallRoot

        bin_dir = None if settings.no_bin else settings.bin_dir
        root = InstallRoot(Path(settings.install_root))
        recheck = None if outdated_among is None else still_outdated(root, key, outdated_among)
        return root.uninstall(key, bin_dir=bin_dir, cancel=cancel, on_wait=on_wait, recheck=recheck)

    def purge_plan(self, settings: Settings, catalog: Catalog | None, *, rule: str,
                   installed_keys: Iterable[str]) -> list[CachedArchive]:
        from pytui.core.cache import ArchiveCache
        from pytui.core.cache_purge import purge_plan

        return purge_plan(ArchiveCache(settings.cache_dir, settings.env), catalog, rule=rule, keys=[],
                          installed_keys=list(installed_keys))

    def purge_effect(self, settings: Settings, archives: Iterable[CachedArchive], *,
                     everything: bool = False) -> PurgeEffect:
        """What removing `archives` frees, their kept trees included (what `remove_archives`
        then frees; `everything`: under the `all` rule)."""
        from pytui.core.cache import ArchiveCache
        from pytui.core.cache_purge import purge_effect

        return purge_effect(ArchiveCache(settings.cache_dir, settings.env), archives, everything=everything)

    def remove_archives(self, settings: Settings, archives: Iterable[CachedArchive], *,
                        downloading: list[CachedArchive] | None = None,
                        gone: list[CachedArchive] | None = None,
                        trees_kept: list[str] | None = None, everything: bool = False,
                        named: Iterable[str] = ()) -> int:
        """`cache_purge.remove_archives`; each kept tree the disk did not let go is appended to
        `trees_kept` as its line."""
        from pytui.core.cache import ArchiveCache
        from pytui.core.cache_purge import remove_archives, tree_not_removed_line

        cache = ArchiveCache(settings.cache_dir, settings.env)
        not_removed: list = []
        freed = remove_archives(cache, list(archives), downloading=downloading, gone=gone,
                                trees_not_removed=not_removed, everything=everything, named=named)
        if trees_kept is not None:
            trees_kept += [tree_not_removed_line(info.archive or info.sha256, cache.trees.path, err)
                           for info, err in not_removed]
        return freed

    def find_leftovers(self, settings: Settings, archives: Iterable[CachedArchive] | None = None) -> Leftovers:
        """What `remove_leftovers` would remove now, counted and sized (a purge preview's
        count; it names none of them)."""
        from pytui.core.cache import ArchiveCache
        from pytui.core.cache_purge import find_leftovers

        return find_leftovers(ArchiveCache(settings.cache_dir, settings.env), None if archives is None else list(archives),
                              named=0)

    def remove_leftovers(self, settings: Settings,
                         archives: Iterable[CachedArchive] | None = None) -> Leftovers:
        """What killed runs left in the cache dir (all of it, or what belongs to `archives`),
        removed as `cache purge` removes it; the first MAX_LEFTOVERS_NAMED by name."""
        from pytui.core.cache import ArchiveCache
        from pytui.core.cache_purge import MAX_LEFTOVERS_NAMED, remove_leftovers

        return remove_leftovers(ArchiveCache(settings.cache_dir, settings.env), None if archives is None else list(archives),
                                named=MAX_LEFTOVERS_NAMED)

    def verify_cache(self, settings: Settings, catalog: Catalog | None, *,
                     progress: ProgressCallback, cancel: CancelToken) -> VerifyReport:
        from pytui.core.cache import ArchiveCache

        return ArchiveCache(settings.cache_dir, settings.env).verify(catalog, progress=progress,
                                                       cancel=cancel)
