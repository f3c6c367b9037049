"""`pytui list`: uv's `python list` rules (docs/uv-compat.md#listing-rules).

- Downloads are matched against the request filled with the host platform, unless
  `all_platforms` (no platform) or `all_arches` (host os and libc, any arch); pre-releases
  are always included and debug variants hidden.
- Installed rows are the managed installs under the install root that the host can run and
  that match the request (pytui lists managed installs only, never PATH interpreters), less
  those that lack a file uv's query of the interpreter needs (uv's query fails and its list
  drops them; pytui stats those files instead of running each interpreter).
- Rows run newest first in uv's key order (installed before download for one key). Download
  rows are dropped when that patch is installed, and when they are not the newest patch of
  their (os if all_platforms, minor, variant, implementation, arch if all_arches, libc)
  unless `all_versions`.

pytui additions: each row carries its catalog `Build` and cached archive (if any); the
`cached` kind lists downloads whose archive is in the cache (every patch, not only the newest).
"""

from __future__ import annotations

import os
from pathlib import Path

from pytui.core.catalog import Catalog
from pytui.core.install_damage import missing_part
from pytui.core.installed import list_installed, python_dir
from pytui.core.keys import KEY_FIELDS, TYPE_CHECKING, KeyFields, _fields
from pytui.core.models import Build, CachedArchive, Installation
from pytui.core.ordering import newest_first
from pytui.core.requests import PythonRequest, _environment_runs
from pytui.core.url_secrets import without_secrets
from pytui.core.urls import download_urls

KINDS = ("default", "installed", "downloads", "cached")
LIST_ROW_FIELDS = (*KEY_FIELDS, "kind", "build", "installation", "path", "symlink", "url",
                   "cached")


class ListRow(KeyFields):
    """One line of `pytui list`: an installed interpreter or an available download.

    `kind` is "managed" (installed) or "download"; `build` the catalog build (installed rows:
    the catalog's build of that key, if any). Installed rows carry the interpreter executable
    uv prints (`path`) and its link target (`symlink`); download rows the first URL pytui (and
    uv) would download from, and the cached archive when there is one.
    """

    __slots__ = ()
    _fields = LIST_ROW_FIELDS

    if TYPE_CHECKING:
        kind: str
        build: Build | None
        installation: Installation | None
        path: Path | None
        symlink: str | None
        url: str | None
        cached: CachedArchive | None

    def __new__(cls, key: KeyFields, kind: str, build: Build | None = None,
                installation: Installation | None = None, path: Path | None = None,
                symlink: str | None = None, url: str | None = None,
                cached: CachedArchive | None = None) -> ListRow:
        return tuple.__new__(cls, (*key[:9], kind, build, installation, path, symlink, url,
                                   cached))

    def __getnewargs__(self) -> tuple:
        return (self[:9], *self[9:])

    @property
    def build_id(self) -> str | None:
        """The PBS build (release date) or PyPy/GraalPy version, when known."""
        installation, build = self[11], self[10]
        if installation is not None and installation.build:
            return installation.build
        return build.build if build is not None and build.build else None


_fields(ListRow, LIST_ROW_FIELDS[9:], 9)


def executable_path(installation: Installation) -> Path:
    """The interpreter inside an install, where uv's `executable()` puts it.

    See docs/uv-compat.md#installation-keys.
    """
    return python_dir(installation.path) / installation.executable


def minor_link_executable(installation: Installation, executable: Path) -> Path:
    """`executable` through `<root>/<minor key>` when that link points at this CPython install
    (uv's `PythonMinorVersionLink::exists`), else `executable` unchanged."""
    if installation.implementation != "cpython":
        return executable
    link = installation.path.parent / installation.minor_key
    try:
        if Path(os.readlink(link)) != installation.path:
            return executable
    except OSError:
        return executable
    return link / executable.relative_to(installation.path)


def user_display(path: Path, cwd: Path | None = None) -> str:
    """uv's `user_display`: relative to the working directory when under it."""
    if cwd is None:
        try:
            cwd = Path.cwd()
        except FileNotFoundError:  # removed since: no path is under it
            return str(path)
    if cwd.parent == cwd:
        return str(path)
    try:
        relative = path.relative_to(cwd)
    except ValueError:
        return str(path)
    return str(relative) or "."


def host_runs(host, item) -> bool:
    """uv's `Platform::supports` from the host to an installation's platform."""
    if item.os != host.os and item.os != "emscripten":
        return False
    if item.libc != host.libc and "emscripten" not in {item.os, host.os}:
        return False
    return _environment_runs(item.os, host.arch, item.arch)


def installed_matches(request: PythonRequest, item) -> bool:
    """Whether an installed interpreter satisfies `request` (uv's interpreter rules)."""
    return request.matches_installed(item)


def _cached_archives(settings, catalog: Catalog) -> dict[str, CachedArchive]:
    """Complete cached archives by build key. Nothing is imported when the cache is empty."""
    cache_dir = Path(settings.cache_dir)
    try:
        with os.scandir(cache_dir) as entries:
            if not any(not entry.name.startswith(".") for entry in entries):
                return {}
    except OSError:
        return {}
    try:
        from pytui.core.cache import ArchiveCache
    except ImportError:
        return _match_cache_files(cache_dir, catalog)
    return {archive.build.key: archive for archive in ArchiveCache(cache_dir, settings.env).list(catalog)
            if archive.build is not None and archive.state == "ok"}


def _match_cache_files(cache_dir: Path, catalog: Catalog) -> dict[str, CachedArchive]:
    """Fallback matcher: files named `Build.cache_filename` (uv's cache naming)."""
    by_name = catalog.by_cache_filename()
    found: dict[str, CachedArchive] = {}
    for entry in os.scandir(cache_dir):
        build = by_name.get(entry.name)
        if build is not None and entry.is_file(follow_symlinks=False):
            found[build.key] = CachedArchive(Path(entry.path), entry.stat().st_size, build, "ok")
    return found


def downloads_enabled(settings) -> bool:
    """uv shows downloads by default only when `python-downloads` is automatic and the
    preference is not `only-system` (both as `Settings.resolve` parsed them, core/env.py)."""
    values = settings.env_values
    return values.python_downloads == "automatic" and values.python_preference != "only-system"


def list_rows(catalog: Catalog, settings, request: PythonRequest | None = None, *,
              host=None, kind: str = "default", all_platforms: bool = False,
              all_arches: bool = False, all_versions: bool = False,
              damaged: list[tuple[Installation, str]] | None = None) -> list[ListRow]:
    """The rows `pytui list` shows, in order (see the module docstring for the rules).

    An install that lacks a file uv's query of it needs (core/install_damage.py) is not
    listed, as uv's list drops it; it goes into `damaged` with that file, when given.

    Downloads are chosen by their key fields (`Catalog.key_rows`); only the shown ones are
    made into builds. A catalog found stale when they are made re-reads its source, and the
    rows are chosen again, once (it then holds every build).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown list kind {kind!r}")
    if host is None:
        from pytui.core.platform_detect import detect_host

        # The x86-64 level is not needed to list (uv filters on the plain arch): skip cpuinfo.
        host = detect_host(settings.env, cpu_level=False)
    for _ in range(2):
        rows = _list_rows(catalog, settings, request or PythonRequest.parse("any"), host, kind,
                          all_platforms=all_platforms, all_arches=all_arches,
                          all_versions=all_versions, damaged=damaged)
        if rows is not None:
            return rows
    raise AssertionError("a re-read catalog holds every build")  # pragma: no cover


def _list_rows(catalog: Catalog, settings, base: PythonRequest, host, kind: str, *,
               all_platforms: bool, all_arches: bool, all_versions: bool,
               damaged: list[tuple[Installation, str]] | None) -> list[ListRow] | None:
    host_family = "x86_64" if host.arch.startswith("x86_64") else host.arch
    order = _OrderMemo(host_family)

    # Candidates are (sort key, key fields or installation, the build's place in the catalog);
    # rows are only made for the ones shown, since --all-platforms matches thousands.
    candidates: list[tuple[tuple, KeyFields, int]] = []
    cached = _cached_archives(settings, catalog) if kind != "installed" else {}

    show_downloads = kind in {"downloads", "cached"} or (kind == "default" and
                                                         downloads_enabled(settings))
    if show_downloads:
        candidates.extend(_download_candidates(catalog, base, host, order, kind, cached,
                                               all_platforms=all_platforms,
                                               all_arches=all_arches))

    if kind in {"default", "installed"}:
        # The damaged ones said already (a second pass after a catalog re-read): a set, as a
        # root of thousands of such directories made `in damaged` quadratic (3,000: 11 s).
        said = {(i.path, m) for i, m in damaged} if damaged is not None else set()
        for installation in list_installed(Path(settings.install_root), host_family):
            if host_runs(host, installation) and installed_matches(base, installation):
                missing = missing_part(installation)
                if missing is not None:
                    if damaged is not None and (installation.path, missing) not in said:
                        said.add((installation.path, missing))
                        damaged.append((installation, missing))
                    continue
                # uv's Kind order puts an installed row before the download of the same key.
                candidates.append(((order(installation), -1), installation, -1))

    candidates.sort(key=_first)
    # uv's discovery names an install through its minor-version link unless a patch was asked for.
    through_minor_link = base.version is None or base.version.kind not in {"patch", "patch_pre"}
    skip_old_patches = not all_versions and kind != "cached"
    seen_minor: set[tuple] = set()
    seen_patch: set[tuple] = set()
    seen_paths: set[Path] = set()
    # What each row is: a build's place in the catalog (made below, all at once), or a row.
    shown: list[int | ListRow] = []
    for _, item, place in candidates:
        # uv's grouping: one row per (os if all_platforms, minor, variant, implementation,
        # arch if all_arches, libc) unless all_versions; one per patch always.
        implementation, major, minor, patch, _pre, variant, os_name, arch, libc = item[:9]
        minor_group = (os_name if all_platforms else None, major, minor, variant, implementation,
                       arch if all_arches else None, libc)
        patch_group = (minor_group, patch)
        if place >= 0:
            if (skip_old_patches and minor_group in seen_minor) or patch_group in seen_patch:
                continue
            seen_minor.add(minor_group)
            seen_patch.add(patch_group)
            shown.append(place)
            continue
        installed: Installation = item  # type: ignore[assignment]  # place -1: an installation
        executable = executable_path(installed)
        if through_minor_link:
            executable = minor_link_executable(installed, executable)
        path = executable if os.path.lexists(executable) else installed.path
        if path in seen_paths:
            continue
        seen_paths.add(path)
        seen_minor.add(minor_group)
        seen_patch.add(patch_group)
        shown.append(ListRow(
            installed, "managed", catalog.get(installed.key), installed, path,
            os.readlink(path) if os.path.islink(path) else None,
        ))
    builds = catalog.builds_at([entry for entry in shown if type(entry) is int])
    if builds is None:
        return None
    made = iter(builds)
    rows: list[ListRow] = []
    for entry in shown:
        if type(entry) is not int:
            rows.append(entry)  # type: ignore[arg-type]  # an installed row
            continue
        build = next(made)
        rows.append(ListRow(
            build, "download", build,
            # Only shown rows pay for their URL (mirror substitution can raise, as in uv).
            url=without_secrets(download_urls(build, settings)[0]),
            cached=cached.get(build.key) if cached else None,
        ))
    return rows


def _first(candidate: tuple) -> tuple:
    return candidate[0]


def _download_candidates(catalog: Catalog, base: PythonRequest, host, order: _OrderMemo,
                         kind: str, cached: dict[str, CachedArchive], *, all_platforms: bool,
                         all_arches: bool) -> list[tuple[tuple, KeyFields, int]]:
    """(sort key, key fields, place in the catalog) for every download `uv python list`
    would consider."""
    request = base.for_host(host, any_platform=all_platforms,
                            any_arch=all_arches).with_prereleases(True)
    # Cheap equality tests first: on the host filter they drop most of the catalog before the
    # full (uv-exact) match runs, which a bare `--all-platforms` needs for no build at all.
    want_os = request.os if request.os != "emscripten" else None
    match_all = (request.os is None and request.arch is None and request.libc is None
                 and request.implementation is None and request.version is None
                 and not request.build)
    matches = request.matcher()
    items: list[KeyFields]
    if request.build:  # a pinned release is a build field, not a key field: match whole builds
        places, items = list(range(len(catalog))), [*catalog.builds]
    else:
        places, items = catalog.key_rows(want_os, request.libc)
    found: list[tuple[tuple, KeyFields, int]] = []
    for place, item in zip(places, items, strict=True):
        if item[5].endswith("debug") or not (match_all or matches(item)):
            continue
        if kind == "cached" and item.key not in cached:
            continue
        found.append(((order(item), 0), item, place))
    return found


class _OrderMemo:
    """`newest_first` keys, memoised per version and per platform (thousands of builds share
    a few hundred versions and two dozen platforms)."""

    def __init__(self, host_family: str) -> None:
        self.host_family = host_family
        self.versions: dict[tuple, tuple] = {}
        self.platforms: dict[tuple, tuple] = {}

    def __call__(self, item: KeyFields) -> tuple:
        version = item[:5]
        head = self.versions.get(version)
        if head is None:
            full = newest_first(item[0], item[1], item[2], item[3], item[4], "default", "linux",
                                "x86_64", "gnu", host_family=self.host_family)
            head = self.versions[version] = full[:2]
        platform = item[5:9]
        tail = self.platforms.get(platform)
        if tail is None:
            full = newest_first("cpython", 3, 0, 0, "", item[5], item[6], item[7], item[8],
                                host_family=self.host_family)
            tail = self.platforms[platform] = full[2:]
        return head + tail


def row_json(row: ListRow, cwd: Path | None = None) -> dict:
    """uv's JSON object for a row, fields in uv's order, plus pytui's `build` and `cached`."""
    return {
        "key": row.key,
        "version": row.version,
        "version_parts": {"major": row.major, "minor": row.minor, "patch": row.patch},
        "path": user_display(row.path, cwd) if row.path is not None else None,
        "symlink": row.symlink,
        "url": row.url,
        "os": row.os,
        "variant": row.variant,
        "implementation": row.implementation,
        "arch": row.arch,
        "libc": row.libc,
        "build": row.build_id,
        "cached": user_display(row.cached.path, cwd) if row.cached is not None else None,
    }
