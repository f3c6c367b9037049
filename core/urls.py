"""The ordered URLs to download a build from, as uv orders them.

See docs/uv-compat.md#download-urls-and-mirrors.

CPython with no user mirror: Astral's mirror first, then GitHub. `UV_ASTRAL_MIRROR_URL`
(`settings.astral_mirror`) replaces `https://releases.astral.sh` and is then used alone.
A user mirror (`--mirror` / `UV_PYTHON_INSTALL_MIRROR`) is used alone, no fallback.
PyPy: `UV_PYPY_INSTALL_MIRROR` replaces `https://downloads.python.org/pypy/`.
Everything else: the catalog URL as is.
"""

from __future__ import annotations

from pytui.core.errors import DownloadError
from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:  # typing is not imported at run time: `pytui list` loads this module
    from typing import Protocol

    from pytui.core.models import Build

    class MirrorSettings(Protocol):
        mirror: str | None
        astral_mirror: str | None

CPYTHON_DOWNLOADS_URL_PREFIX = "https://github.com/astral-sh/python-build-standalone/releases/download/"
ASTRAL_MIRROR_BASE_URL = "https://releases.astral.sh"
CPYTHON_MIRROR_SUFFIX = "/github/python-build-standalone/releases/download/"
PYPY_DOWNLOADS_URL_PREFIX = "https://downloads.python.org/pypy/"


def _join(base: str, suffix: str) -> str:
    return f"{base.rstrip('/')}/{suffix}"


def download_urls(build: Build, settings: MirrorSettings) -> list[str]:
    """Every URL to try for `build`, first choice first; `list --show-urls` shows the first.

    Raises `DownloadError` when a user mirror is set but the build's URL is not a
    python-build-standalone (or PyPy) release URL the mirror could stand in for.
    """
    if build.implementation == "cpython":
        suffix = build.url[len(CPYTHON_DOWNLOADS_URL_PREFIX):] \
            if build.url.startswith(CPYTHON_DOWNLOADS_URL_PREFIX) else None
        if settings.mirror:
            if suffix is None:
                # The next step apart: an install's line puts what it kept before it.
                raise DownloadError(
                    f"{build.key}: its URL {build.url} is not a python-build-standalone release URL, "
                    "so the mirror (--mirror / UV_PYTHON_INSTALL_MIRROR) cannot serve it",
                    next_step="unset the mirror or use a catalog with GitHub release URLs")
            return [_join(settings.mirror, suffix)]
        if suffix is not None:
            astral = settings.astral_mirror or None
            base = (astral or ASTRAL_MIRROR_BASE_URL).rstrip("/") + CPYTHON_MIRROR_SUFFIX
            mirror_url = _join(base, suffix)
            # A custom Astral mirror is used alone, as uv does; the default one falls back to GitHub.
            return [mirror_url] if astral else [mirror_url, build.url]
    elif build.implementation == "pypy":
        env = getattr(settings, "env", None) or {}
        pypy_mirror = getattr(settings, "pypy_mirror", None) or env.get("UV_PYPY_INSTALL_MIRROR")
        if pypy_mirror:
            if not build.url.startswith(PYPY_DOWNLOADS_URL_PREFIX):
                raise DownloadError(
                    f"{build.key}: its URL {build.url} is not under {PYPY_DOWNLOADS_URL_PREFIX}, "
                    "so UV_PYPY_INSTALL_MIRROR cannot serve it", next_step="unset that mirror")
            return [_join(pypy_mirror, build.url[len(PYPY_DOWNLOADS_URL_PREFIX):])]
    return [build.url]
