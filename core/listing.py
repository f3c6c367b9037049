"""`pytui list`: uv's `python list` rules (docs/uv-compat.md#listing-rules).

- Downloads are matched against the request filled with the host platform, unless
  `all_platforms` (no platform) or `all_arches` (host os and libc, any arch); pre-releases
  are always included and debug variants hidden.
- Installed rows are the managed installs under the install root that the host can run and
  that match the request (pytui lists managed installs only, never PATH interpreters).
- Rows run newest first in uv's key order (installed before download for one key). Download
  rows are dropped when that patch is installed, and when they are not the newest patch of
  their (os if all_platforms, minor, variant, implementation, arch if all_arches, libc)
  unless `all_versions`.

pytui additions: each row carries its catalog `Build` and cached archive (if any); the
`cached` kind lists downloads whose archive is in the cache (every patch, not only the newest).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from pytui.core.catalog import Catalog
from pytui.core.installed import list_installed
from pytui.core.models import Build, CachedArchive, Installation
from pytui.core.ordering import newest_first
from pytui.core.requests import PythonRequest, _environment_runs
from pytui.core.urls import download_urls

KINDS = ("default", "installed", "downloads", "cached")
_DOWNLOADS_OFF = {"manual", "never", "false", "0", "no", "off"}


@dataclass(frozen=True, slots=True)
class ListRow:
    """One line of `pytui list`: an installed interpreter or an available download."""

    key: str
    kind: str  # "managed" (installed) or "download"
    implementation: str
    major: int
    minor: int
    patch: int
    prerelease: str
    variant: str
    os: str
    arch: str
    libc: str
    build: Build | None = None
    installation: Installation | None = None
    # Installed rows: the interpreter executable (what uv prints), and its link target.
    path: Path | None = None
    symlink: str | None = None
    # Download rows: the first URL pytui (and uv) would download from.
    url: str | None = None
    cached: CachedArchive | None = None

    @property
    def version(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}{self.prerelease}"

    @property
    def build_id(self) -> str | None:
        """The PBS build (release date) or PyPy/GraalPy version, when known."""
        if self.installation is not None and self.installation.build:
            return self.installation.build
        return self.build.build if self.build is not None and self.build.build else None


def executable_path(installation: Installation) -> Path:
    """The interpreter inside an install, where uv's `executable()` puts it.

    See docs/uv-compat.md#installation-keys.
    """
    root = installation.path
    implementation = installation.implementation
    if implementation == "pyodide":
        return root / "python"
    if installation.os == "windows":
        return root / "python.exe"
    major_minor = ".".join(installation.version.split(".")[:2])
    if implementation == "pypy":
        return root / "bin" / f"pypy{major_minor}"
    if implementation == "graalpy":
        return root / "bin" / "graalpy"
    suffix = {"freethreaded": "t", "debug": "d", "freethreaded+debug": "td"}.get(
        installation.variant, "")
    return root / "bin" / f"python{major_minor}{suffix}"


def minor_link_executable(installation: Installation, executable: Path) -> Path:
    """`executable` through `<root>/<minor key>` when that link points at this CPython install
    (uv's `PythonMinorVersionLink::exists`), else `executable` unchanged."""
    if installation.implementation != "cpython":
        return executable
    parts = _key_parts(installation)
    variant = "" if parts.variant == "default" else f"+{parts.variant}"
    link = installation.path.parent / (f"{parts.implementation}-{parts.major}.{parts.minor}{variant}-"
                                       f"{parts.os}-{parts.arch}-{parts.libc}")
    try:
        if Path(os.readlink(link)) != installation.path:
            return executable
    except OSError:
        return executable
    return link / executable.relative_to(installation.path)


def user_display(path: Path, cwd: Path | None = None) -> str:
    """uv's `user_display`: relative to the working directory when under it."""
    cwd = cwd or Path.cwd()
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


def _installed_variant_matches(requested: str, item) -> bool:
    """uv's `PythonVariant::matches_interpreter` for an installed interpreter."""
    freethreaded = item.variant.startswith("freethreaded")
    debug = item.variant.endswith("debug")
    if requested == "default":
        # Free-threaded builds count as default from 3.14 on; debug ones always do.
        return not freethreaded or (item.major, item.minor) >= (3, 14)
    if requested == "debug":
        return debug
    if requested == "freethreaded":
        return freethreaded
    if requested == "freethreaded+debug":
        return freethreaded and debug
    if requested == "gil":
        return not freethreaded
    return not freethreaded and debug  # gil+debug


def installed_matches(request: PythonRequest, item) -> bool:
    """Whether an installed interpreter satisfies `request` (pre-releases allowed)."""
    if request.version is None:
        return request.with_prereleases(True).matches(item)
    loose = request.with_prereleases(True)
    # Match everything but the variant with the key rule, then the variant as uv does for
    # interpreters.
    without_variant = replace(loose, version=replace(loose.version, variant=item.variant))
    return without_variant.matches(item) and _installed_variant_matches(request.version.variant, item)


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
    return {archive.build.key: archive for archive in ArchiveCache(cache_dir).list(catalog)
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


def downloads_enabled(env) -> bool:
    """uv shows downloads by default only when `python-downloads` is automatic."""
    value = (env.get("UV_PYTHON_DOWNLOADS") or "automatic").strip().lower()
    preference = (env.get("UV_PYTHON_PREFERENCE") or "").strip().lower()
    return value not in _DOWNLOADS_OFF and preference != "only-system"


def list_rows(catalog: Catalog, settings, request: PythonRequest | None = None, *,
              host=None, kind: str = "default", all_platforms: bool = False,
              all_arches: bool = False, all_versions: bool = False,
              cwd: Path | None = None) -> list[ListRow]:
    """The rows `pytui list` shows, in order (see the module docstring for the rules)."""
    if kind not in KINDS:
        raise ValueError(f"unknown list kind {kind!r}")
    if host is None:
        from pytui.core.platform_detect import detect_host

        # The x86-64 level is not needed to list (uv filters on the plain arch): skip cpuinfo.
        host = detect_host(settings.env, cpu_level=False)
    base = request or PythonRequest.parse("any")
    host_family = "x86_64" if host.arch.startswith("x86_64") else host.arch
    order = _OrderMemo(host_family)

    # Candidates are (sort key, build or key parts, installation or None); rows are only made
    # for the ones shown, since --all-platforms matches thousands.
    candidates: list[tuple[tuple, object, Installation | None]] = []
    cached = _cached_archives(settings, catalog) if kind != "installed" else {}

    show_downloads = kind in {"downloads", "cached"} or (kind == "default" and
                                                         downloads_enabled(settings.env))
    if show_downloads:
        download_request = base.for_host(host, any_platform=all_platforms,
                                         any_arch=all_arches).with_prereleases(True)
        # Cheap equality tests first: on the host filter they drop most of the catalog before
        # the full (uv-exact) match runs.
        want_os = download_request.os if download_request.os != "emscripten" else None
        want_libc = download_request.libc
        for build in catalog.builds:
            if want_os is not None and build.os != want_os:
                continue
            if want_libc is not None and build.libc != want_libc:
                continue
            if build.variant.endswith("debug") or not download_request.matches(build):
                continue
            if kind == "cached" and build.key not in cached:
                continue
            candidates.append(((order(build), 0), build, None))

    if kind in {"default", "installed"}:
        for installation in list_installed(Path(settings.install_root), host_family):
            if not host_runs(host, installation):
                continue
            parts = _key_parts(installation)
            if installed_matches(base, parts):
                # uv's Kind order puts an installed row before the download of the same key.
                candidates.append(((order(parts), -1), parts, installation))

    candidates.sort(key=lambda candidate: candidate[0])
    # uv's discovery names an install through its minor-version link unless a patch was asked for.
    through_minor_link = base.version is None or base.version.kind not in {"patch", "patch_pre"}
    skip_old_patches = not all_versions and kind != "cached"
    seen_minor: set[tuple] = set()
    seen_patch: set[tuple] = set()
    seen_paths: set[Path] = set()
    rows: list[ListRow] = []
    for _, item, installation in candidates:
        is_download = installation is None
        path = symlink = None
        if installation is not None:
            executable = executable_path(installation)
            if through_minor_link:
                executable = minor_link_executable(installation, executable)
            path = executable if os.path.lexists(executable) else installation.path
            if path in seen_paths:
                continue
            seen_paths.add(path)
            symlink = os.readlink(path) if path.is_symlink() else None
        os_part = item.os if all_platforms else None  # type: ignore[attr-defined]
        arch_part = item.arch if all_arches else None  # type: ignore[attr-defined]
        major, minor, patch = item.major, item.minor, item.patch  # type: ignore[attr-defined]
        variant, implementation, libc = (item.variant, item.implementation,  # type: ignore[attr-defined]
                                         item.libc)  # type: ignore[attr-defined]
        minor_key = (os_part, major, minor, variant, implementation, arch_part, libc)
        if minor_key in seen_minor:
            if is_download and skip_old_patches:
                continue
        else:
            seen_minor.add(minor_key)
        patch_key = (os_part, major, minor, patch, variant, implementation, arch_part, libc)
        if patch_key in seen_patch:
            if is_download:
                continue
        else:
            seen_patch.add(patch_key)
        key = item.key  # type: ignore[attr-defined]
        build = item if is_download else catalog.get(key)
        rows.append(ListRow(
            key=key, kind="download" if is_download else "managed",
            implementation=implementation, major=major, minor=minor, patch=patch,
            prerelease=item.prerelease, variant=variant, os=item.os,  # type: ignore[attr-defined]
            arch=item.arch, libc=libc, build=build,  # type: ignore[attr-defined,arg-type]
            installation=installation, path=path, symlink=symlink,
            # Only shown rows pay for their URL (mirror substitution can raise, as in uv).
            url=download_urls(item, settings)[0] if is_download else None,  # type: ignore[arg-type]
            cached=cached.get(key) if cached else None,
        ))
    return rows


class _OrderMemo:
    """`newest_first` keys, memoised per version and per platform (thousands of builds share
    a few hundred versions and two dozen platforms)."""

    def __init__(self, host_family: str) -> None:
        self.host_family = host_family
        self.versions: dict[tuple, tuple] = {}
        self.platforms: dict[tuple, tuple] = {}

    def __call__(self, item) -> tuple:
        version = (item.implementation, item.major, item.minor, item.patch, item.prerelease)
        head = self.versions.get(version)
        if head is None:
            full = newest_first(item.implementation, item.major, item.minor, item.patch,
                                item.prerelease, "default", "linux", "x86_64", "gnu",
                                self.host_family)
            head = self.versions[version] = full[:2]
        platform = (item.os, item.arch, item.libc, item.variant)
        tail = self.platforms.get(platform)
        if tail is None:
            full = newest_first("cpython", 3, 0, 0, "", item.variant, item.os, item.arch,
                                item.libc, self.host_family)
            tail = self.platforms[platform] = full[2:]
        return head + tail


def _key_parts(installation: Installation):
    from pytui.core.keys import parse_key

    parts = parse_key(installation.key)
    assert parts is not None  # list_installed only returns parseable keys
    return parts


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
        "cached": str(row.cached.path) if row.cached is not None else None,
    }
