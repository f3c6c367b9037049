"""Where a build downloads from, as the TUI says it: the first URL the job tries (the mirror,
or Astral's mirror before GitHub, as uv), not the catalog's URL, which it may never use.

Details, the install question, `y` on Available and a job's details all showed or copied
the catalog's GitHub URL while the install question said the download came from the mirror.
"""

from __future__ import annotations

from pathlib import Path

from pytui.core.errors import PytuiError
from pytui.core.models import Build
from pytui.core.settings import Settings
from pytui.core.url_secrets import without_secrets
from pytui.core.urls import download_urls

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


def read_from_disk(build: Build, settings: Settings) -> bool:
    """True when the job reads `build` from a `file://` URL (a local mirror, an export-mirror
    directory): that works offline, as `pytui --offline --mirror file://DIR install` does."""
    try:
        urls = download_urls(build, settings)
    except PytuiError:
        return False
    return any(url.startswith("file:") for url in urls)


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
