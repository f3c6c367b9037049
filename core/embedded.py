"""The embedded default catalog: the build list shipped inside the `pbs_installer` package.

`pbs_installer/versions.json` is a list of `{python_version: {...}, files: [{filename, url,
sha256, platform, arch, install_only}]}`. Each file name is parsed (core/filenames) into the
same key uv's catalog uses, and one archive is kept per (version, platform, variant) by uv's
generator preference (docs/uv-compat.md#flavor-preference), so a build present in both
sources gets the same key, URL and sha256.

The package itself is never imported (its `__init__` parses the whole file into its own
index); only the file is located and read.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterable
from pathlib import Path

from pytui.core.catalog import MAX_PROBLEM_LENGTH, Catalog, ParsedCatalog, valid_builds
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import Build
from pytui.core.parsed_cache import cached_parse

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytui.core.filenames import ArchiveName

# musl builds before this PBS release were static; uv's generator drops them.
CPYTHON_MUSL_STATIC_RELEASE_END = "20250311"
# uv 0.12 dropped .tar.bz2 extraction; its generator drops every PyPy version that has one.
_UNSUPPORTED_EXTENSIONS = (".tar.bz2",)


def versions_json_path() -> Path | None:
    """Where the installed `pbs_installer` keeps `versions.json`, without importing it."""
    try:
        spec = importlib.util.find_spec("pbs_installer")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "versions.json"
        if os.path.isfile(path):
            return path
    return None


def _build(name: ArchiveName, url: str, sha256: str | None, patch: int) -> Build:
    return Build(
        implementation=name.implementation, major=name.major, minor=name.minor, patch=patch,
        prerelease=name.prerelease, variant=name.variant, os=name.os, arch=name.arch,
        libc=name.libc, build=name.build, url=url, sha256=sha256.lower() if sha256 else None,
        flavor=name.label,
    )


def builds_from_versions(payload: list) -> tuple[list[Build], int]:
    """Turn pbs_installer's payload into `Build`s; return them and how many files were skipped
    (see `parse_versions`, which also counts malformed entries apart)."""
    parsed = parse_versions(payload)
    return parsed.builds, parsed.skipped + parsed.invalid


def parse_versions(payload: Iterable) -> ParsedCatalog:
    """pbs_installer's payload as builds, skipped (as uv's generator skips them) and malformed.

    Skipped: names that do not parse, static builds, versions below 3.8, pre-2025-03-11 musl
    builds and PyPy versions with a `.tar.bz2` file. Malformed: a version or file that is not
    an object of the expected types, or a build whose fields fail `valid_builds`.
    """
    # The archive-name grammar (with urllib.parse and its patterns, ~15 M instructions) is
    # imported to parse the file: a hit in the parsed cache makes builds without it.
    from pytui.core.filenames import parse_archive_name

    chosen: dict[str, tuple[tuple[int, int], Build]] = {}
    skipped = invalid = 0
    problem = ""
    for version in payload:
        try:
            python_version = version["python_version"]
            files = version["files"]
            if type(python_version) is not dict or type(files) is not list:
                raise TypeError("python_version is not an object or files is not a list")
            is_pypy = python_version.get("implementation") == "pypy"
            if is_pypy and any(str(f.get("filename", "")).endswith(_UNSUPPORTED_EXTENSIONS)
                               for f in files):
                skipped += len(files)
                continue
            micro = python_version.get("micro", 0)
        except (KeyError, TypeError, AttributeError) as err:
            invalid += 1
            problem = problem or f"a version entry: {err}"
            continue
        for file in files:
            try:
                build, priority = _file_build(file, is_pypy, micro, parse_archive_name)
            except (KeyError, TypeError, AttributeError, ValueError) as err:
                invalid += 1
                problem = problem or f"a file entry: {err}"
                continue
            if build is None:
                skipped += 1
                continue
            existing = chosen.get(build.key)
            # The first (newest) archive wins ties, as in uv's generator. Losers are other
            # flavors of a kept build, not skipped entries, so they are not counted.
            if existing is not None and priority >= existing[0]:
                continue
            chosen[build.key] = (priority, build)
    builds = [build for _, build in chosen.values()]
    if not valid_builds(builds):
        kept = [build for build in builds if valid_builds([build])]
        invalid += len(builds) - len(kept)
        problem = problem or "a build with impossible values"
        builds = kept
    return ParsedCatalog(builds, skipped, invalid, problem[:MAX_PROBLEM_LENGTH])


def _file_build(file: dict, is_pypy: bool, micro: object,
                parse_archive_name: Callable[[str], ArchiveName | None]) -> tuple[Build | None, tuple]:
    """One file entry as (build, generator priority); (None, ()) when uv's generator skips it."""
    url = file.get("url") or ""
    sha256 = file.get("sha256")
    if type(url) is not str or (sha256 is not None and type(sha256) is not str):
        raise TypeError("url or sha256 is not a string")
    filename = url or file.get("filename", "")
    if type(filename) is not str:
        raise TypeError("filename is not a string")
    name = parse_archive_name(filename)
    if name is None or name.static or (name.major, name.minor) < (3, 8):
        return None, ()
    if name.libc == "musl" and name.build < CPYTHON_MUSL_STATIC_RELEASE_END:
        return None, ()
    # PyPy names carry only major.minor; the payload has the CPython-level patch.
    if is_pypy:
        if type(micro) is not int:
            raise TypeError("micro is not a whole number")
        patch = micro
    else:
        patch = name.patch
    return _build(name, url, sha256, patch), name.priority()


def load_embedded_catalog(state_dir: Path | None = None) -> Catalog:
    """The embedded default; an empty catalog if `pbs_installer` or its file is missing.

    With `state_dir`, the parsed result is cached there (core/parsed_cache) until
    pbs-installer's file or pytui's parser changes.
    """
    path = versions_json_path()
    if path is None:
        return Catalog([], source="embedded (pbs-installer not found)")
    try:
        parsed = cached_parse(path, "pbs-installer", state_dir, _parse_versions)
    except (OSError, ValueError, RecursionError):
        return Catalog([], source=f"embedded ({path} unreadable)")
    return Catalog(parsed.source_builds, source=f"embedded ({_package_label(path)})",
                   skipped=parsed.skipped, invalid=parsed.invalid, problem=parsed.problem)


def _parse_versions(data: bytes) -> ParsedCatalog:
    from pytui.core.catalog_parse import STREAM_FROM_BYTES, parse_streamed_array  # a miss only

    if len(data) >= STREAM_FROM_BYTES:
        # A large file decoded one version at a time: the whole list of dicts would take
        # several times the file's size (at 200,000 builds, the first run's peak).
        parsed = parse_streamed_array(data, parse_versions)
        if parsed is not None:
            return parsed
    payload = json.loads(data)
    if not isinstance(payload, list):
        raise ValueError("versions.json is not a list")
    return parse_versions(payload)


def _package_label(path: Path) -> str:
    """`pbs-installer 2026.10.25`, from the dist-info beside the package (importlib.metadata
    would cost more than the whole catalog load); the file's path when there is none."""
    try:
        with os.scandir(path.parent.parent) as entries:
            for entry in entries:
                if entry.name.startswith("pbs_installer-") and entry.name.endswith(".dist-info"):
                    return "pbs-installer " + entry.name[len("pbs_installer-"):-len(".dist-info")]
    except OSError:
        pass
    return str(path)
