"""Where a build downloads from, as the TUI says it: the first URL the job tries (the mirror,
or Astral's mirror before GitHub, as uv), not the catalog's URL, which it may never use.

Details, the install question, `y` on Available and a job's details all showed or copied
the catalog's GitHub URL while the install question said the download came from the mirror.
"""

from __future__ import annotations

import os
from pathlib import Path

from pytui.core.errors import PytuiError
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import Build
from pytui.core.settings import Settings
from pytui.core.url_secrets import without_secrets
from pytui.core.urls import download_urls

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pytui.app.state import AppState
    from pytui.widgets.rows import AvailableRow

# The most of a URL Details, the question and `y` show: a 100 KB mirror value folded into
# 1300 lines made each Details redraw (every cursor move) take a third of a second, and no one
# reads or types such a URL again.
MAX_SHOWN_URL = 2048


def first_download_url(build: Build, settings: Settings) -> str:
    """The URL tried first: what Details shows and `y` copies."""
    return download_source(build, settings)[0]


def download_source(build: Build, settings: Settings) -> tuple[str, str]:
    """The URL tried first, and ` (if that fails, from github.com)` when another follows it;
    a password in it as `****` (core/url_secrets.py), also in what `y` copies."""
    from urllib.parse import urlsplit

    try:
        urls = download_urls(build, settings)
    except PytuiError:  # the job will say why; shown is what the catalog says
        urls = [build.url]
    fallback = ""
    if len(urls) > 1:
        fallback = f" (if that fails, from {urlsplit(urls[1]).netloc.rpartition('@')[2]})"
    shown = without_secrets(urls[0])
    if len(shown) > MAX_SHOWN_URL:
        shown = f"{shown[:MAX_SHOWN_URL]}… ({len(shown)} characters)"
    return shown, fallback


def disk_file(build: Build, settings: Settings) -> Path | None:
    """The local file the job reads `build` from when one of its URLs is `file://` (a local
    mirror, an export-mirror directory; that works offline, as `pytui --offline --mirror
    file://DIR install` does), decoded as the download decodes it; None when none is."""
    from pytui.core.download_readers import file_url_path, is_file_url

    try:
        urls = download_urls(build, settings)
    except PytuiError:
        return None
    url = next((url for url in urls if is_file_url(url)), None)
    if url is None:
        return None
    try:
        return file_url_path(url)
    except ValueError:  # `file://[x/…`: the job says why
        return None


def disk_holds(build: Build, settings: Settings) -> bool:
    """True when the `file://` URL of `build` names a regular file (the only kind the
    download reads): one stat on the UI thread, the archive never opened (a FIFO there would
    block a read). A file that is there but unreadable installs no better: the job says why."""
    import stat

    path = disk_file(build, settings)
    if path is None:
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):  # gone, a loop, a NUL in a hostile catalog's name
        return False


def file_mirror(settings: Settings) -> Path | None:
    """The directory of a `file://` CPython mirror (`--mirror file://DIR`), or None: the
    Mode note and the offline refusals name it."""
    from pytui.core.download_readers import file_url_path, is_file_url

    mirror = settings.mirror
    if not mirror or not is_file_url(mirror):
        return None
    try:
        return file_url_path(mirror)
    except ValueError:
        return None


def installs_offline(state: AppState, build: Build, *, cached: bool) -> bool:
    """Offline, whether `build` installs (offline_lack says where it is not when it does
    not): a row each time Available's rows are derived, so no words are made here."""
    return cached or disk_holds(build, state.settings)


def offline_lack(state: AppState, build: Build, *, cached: bool) -> str:
    """Offline, where `build` is not, so it cannot install (`not in the cache (~/.cache/pytui)`,
    `in neither the cache (…) nor the mirror (~/usb/pbs)` with a `file://` mirror); "" when it
    installs: cached, or a `file://` URL of it names a file there. The one rule `i`, Enter and
    `U` refuse by, Available dims by, Details and the Mode note say (they said a build the
    mirror holds could not install, and `i` started a job for one it lacks, which then failed)."""
    from pytui.widgets.format import short_path

    if installs_offline(state, build, cached=cached):
        return ""
    cache = short_path(state.settings.cache_dir, state.home)
    mirror = file_mirror(state.settings)
    if mirror is None or disk_file(build, state.settings) is None:
        return f"not in the cache ({cache})"
    return f"in neither the cache ({cache}) nor the mirror ({short_path(mirror, state.home)})"


# The Available rows whose `file://` mirror file each disk-watch look stats offline (the first
# ones in the pane's order): a stat each, on the watch's thread every DISK_WATCH_INTERVAL. The
# 125 rows of the embedded catalog's all versions took 0.8 ms to list (their URLs, on the UI
# thread) and 0.2 ms to stat (best of 20, load 0.7).
MAX_WATCHED_MIRROR_ROWS = 200

# A watched row: its key, its file in the mirror, and whether it is dimmed (lacking) now.
MirrorRow = tuple[str, Path, bool]


def mirror_rows(state: AppState, rows: Iterable[AvailableRow]) -> tuple[MirrorRow, ...]:
    """Offline with a `file://` mirror, the rows shown whose dimming follows the mirror (not
    installed, not cached): their dimming was derived when the rows changed, so an archive
    copied into the mirror while the app ran stayed dimmed until a view toggle, though `i`
    installed it. At most MAX_WATCHED_MIRROR_ROWS; () online or with no such mirror."""
    if not state.offline or file_mirror(state.settings) is None:
        return ()
    watched: list[MirrorRow] = []
    for row in rows:
        if row.installed or row.cached:
            continue
        path = disk_file(row.build, state.settings)
        if path is None:
            continue
        watched.append((row.build.key, path, row.unavailable))
        if len(watched) == MAX_WATCHED_MIRROR_ROWS:
            break
    return tuple(watched)


def mirror_changed(watched: tuple[MirrorRow, ...]) -> bool:
    """Whether a watched row is dimmed while its file is in the mirror now, or shown as
    installable while it is gone: one stat a row (the disk watch's thread)."""
    import stat

    for _key, path, dimmed in watched:
        try:
            held = stat.S_ISREG(os.stat(path).st_mode)
        except (OSError, ValueError):
            held = False
        if held == dimmed:
            return True
    return False


# The configuration key of the mirror each implementation downloads through (core/urls.py).
_MIRROR_KEYS = {"cpython": ("python-install-mirror", "mirror"),
                "pypy": ("pypy-install-mirror", "pypy_mirror")}


def mirror_from_file(build: Build, settings: Settings) -> tuple[str, Path] | None:
    """The configuration key and uv's file that set the mirror `build` downloads through
    (Details says it under the URL); None when no file's mirror is in its URL (none set, a flag
    or variable set it, or the build is not one a mirror serves)."""
    key, field = _MIRROR_KEYS.get(build.implementation, (None, None))
    if key is None or field is None:
        return None
    path = settings.source_of(key)
    mirror = getattr(settings, field)
    if path is None or not mirror:
        return None
    try:
        first = download_urls(build, settings)[0]
    except PytuiError:
        return None
    return (key, path) if first.startswith(mirror.rstrip("/")) else None
