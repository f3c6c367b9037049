"""Downloading an archive into the cache (core/cache.py's `ArchiveCache.obtain`): under its
`.part.lock`, to `<name>.part` (resumed if one is there), renamed to its final name only once
its sha256 matched; stopped when uv, which takes no such lock, commits the same archive
meanwhile."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from pytui.core.cache import CACHE_DIR_ALTERNATIVE, LOCK_SUFFIX, NO_CACHE_NEXT_STEP, STATE_SUFFIX
from pytui.core.errors import CacheError, Cancelled
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import Build
from pytui.core.progress import CancelToken, ProgressCallback, WaitNotes, no_progress

if TYPE_CHECKING:
    from typing import Any

    from pytui.core.cache import ArchiveCache
    from pytui.core.download import Downloader
    from pytui.core.settings import Settings


def obtain(cache: ArchiveCache, build: Build, urls: Sequence[str] | None = None, *,
           downloader: Downloader | None = None, settings: Settings | None = None,
           offline: bool | None = None, client_factory: Callable[[], Any] | None = None,
           progress: ProgressCallback = no_progress, cancel: CancelToken | None = None,
           on_wait: Callable[[str], None] | None = None,
           installed_now: Callable[[], object] | None = None, held: bool = False,
           trees: bool = True, on_warning: Callable[[str], None] | None = None) -> tuple[Path, bool]:
    """The cached archive for `build`, downloading (verified) into the cache first if needed,
    and whether this call downloaded it (hashed as it arrived): False for a file found there,
    or committed by another process while this one waited or downloaded, which the caller
    re-hashes as it reads it.

    `urls` default to uv's order for the settings (`core.urls.download_urls`). The download
    goes to `<name>.part` (resumed if one is there) and is renamed to its final name only
    when the sha256 matched. Offline with no `file://` URL it fails with uv's wording.
    Pass one shared `downloader` when fetching several builds (it keeps one HTTP client);
    otherwise one is made from `settings` (or `offline` / `client_factory`) and closed.
    A cache dir that cannot be written is one line (CacheError) before any download.
    `on_wait` is told once if another process is downloading the same archive now.
    `installed_now`, asked after such a wait when no archive was committed (the other process
    streamed it, `--no-cache`): the install it made, if any; then nothing is downloaded
    (`InstalledMeanwhile`). `held`: the caller holds the archive's lock already (an install's
    turn, core/job_archive.take_turn), which is then not taken again. `trees`: whether this run
    keeps and links pristine trees, which a wait's line says (core/turn_record.wait_line).
    """
    cancel = cancel or CancelToken()
    final = cache.path_for(build)
    if os.path.isfile(final):
        return final, False
    if urls is None:
        if settings is None:
            raise ValueError("fetch needs urls or settings")
        from pytui.core.urls import download_urls

        urls = download_urls(build, settings)
    own = downloader is None
    downloader = _downloader_for(downloader, settings, offline, client_factory)
    # An install's other way round: a step each view words (the CLI's option).
    alternative = f"{CACHE_DIR_ALTERNATIVE}, "
    try:
        if downloader.offline:
            from pytui.core.cache_offline import refuse_offline

            refuse_offline(cache, build, urls)
        cache._ensure_root(alternative, NO_CACHE_NEXT_STEP)
        from pytui.core.cache_locks import exclusive

        waited = WaitNotes(on_wait)
        try:
            with (contextlib.nullcontext() if held else
                  exclusive(cache.root / (build.cache_filename + LOCK_SUFFIX), cancel, build.key, waited,
                            trees=trees, on_warning=on_warning)):
                if os.path.isfile(final):
                    return final, False  # another process committed it while we waited
                if waited and installed_now is not None:
                    _unless_installed(installed_now)
                if not _download_and_commit(cache, build, urls, downloader, progress, cancel):
                    return final, False  # uv committed it while we downloaded
        except OSError as err:
            from pytui.core.cache_locks import name_too_long

            line = name_too_long(cache.root, build.cache_filename, LOCK_SUFFIX) if err.errno == errno.ENAMETOOLONG else None
            raise (CacheError(line) if line else
                   cache._error("write to", err, alternative, NO_CACHE_NEXT_STEP)) from None
    finally:
        if own:
            downloader.close()
    return final, True

def _downloader_for(downloader: Downloader | None, settings: Settings | None, offline: bool | None,
                    client_factory: Callable[[], Any] | None) -> Downloader:
    """The downloader given (offline if asked), else one made from `settings` (or `offline` /
    `client_factory`), which the caller closes."""
    if downloader is None:
        from pytui.core.download import Downloader

        if settings is not None:
            downloader = Downloader.from_settings(settings, client_factory=client_factory)
            if offline:
                downloader.offline = True
            return downloader
        return Downloader(offline=bool(offline), client_factory=client_factory)
    if offline:
        downloader.offline = True
    return downloader


def _unless_installed(installed_now: Callable[[], object]) -> None:
    """`InstalledMeanwhile` when the process this one waited for streamed the archive
    (`--no-cache`, nothing committed to the cache) and installed the build meanwhile."""
    installation = installed_now()
    if installation is not None:
        from pytui.core.errors import InstalledMeanwhile

        raise InstalledMeanwhile(installation)


def _download_and_commit(cache: ArchiveCache, build: Build, urls: Sequence[str], downloader: Downloader,
                         progress: ProgressCallback, cancel: CancelToken) -> bool:
    """Under the archive's lock: download it and rename it into the cache; False when uv
    committed it meanwhile (`_download`)."""
    _refuse_entries_in_the_way(cache, build)
    if not _download(cache, build, urls, downloader, progress, cancel):
        return False
    final = cache.path_for(build)
    if os.path.isdir(final) and not os.path.islink(final):
        # Not the cache dir's fault; the verified download waits as its .part.
        raise CacheError(f"cannot keep the download of {build.key}: {final} is a "
                         "directory, where its archive goes in the cache; remove it "
                         "and retry")
    os.replace(cache.part_path(build), final)
    return True


def _refuse_entries_in_the_way(cache: ArchiveCache, build: Build) -> None:
    """CacheError, before a byte is fetched, when something other than a file or a link
    (a directory, a FIFO, made by hand or by another tool) holds the name of the `.part`
    the download writes, or of its resume state: a directory `.part` was refused as `Is a
    directory` blaming the cache dir, and the state's went unsaid, every later `.part`
    discarded for want of it and the directory left (a FIFO there was removed). Nothing
    else reads those names as such (list, verify, purge pass them by), so they stay. A
    link there is the download's to replace (never written through)."""
    from pytui.core.fs_errors import file_kind

    for path, holds in ((cache.part_path(build), "partial download"),
                        (cache.root / (build.cache_filename + STATE_SUFFIX), "download's resume state")):
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            raise CacheError(f"cannot download {build.key}: {path} is {file_kind(mode)}, where "
                             f"its {holds} goes in the cache; remove it and retry")

def _download(cache: ArchiveCache, build: Build, urls: Sequence[str], downloader: Downloader,
              progress: ProgressCallback, cancel: CancelToken) -> bool:
    """Download `build` to its `.part` (under its lock); False when another process (uv,
    which takes no pytui lock) committed the archive meanwhile: the download stops there and
    its `.part` and resume state go, the committed file taking its place
    (core/foreign_commit.py)."""
    from pytui.core.download_policy import mirror_of
    from pytui.core.foreign_commit import stop_when_committed

    part = cache.part_path(build)
    with stop_when_committed(str(cache.path_for(build)), cancel) as watch:
        try:
            downloader.download(urls, part, expected_sha256=build.sha256, progress=progress,
                                cancel=watch.token, what=build.key,
                                mirror=mirror_of(build.implementation, downloader.mirror_names))
            return True
        except Cancelled:
            if cancel.cancelled or not watch.committed:
                raise
    from pytui.core.download_body import FileBody

    FileBody(part, build.sha256).discard()  # the .part and its resume state
    return False
