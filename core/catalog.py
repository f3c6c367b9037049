"""uv's catalog format (download-metadata.json) parsed into `Build`s, and the `Catalog` of them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from pytui.core.errors import CatalogError
from pytui.core.filenames import flavor_from_url
from pytui.core.models import ARCH_DISPLAY, LIBCS, OS_DISPLAY, Build

_JSON_OS = {"linux", "darwin", "windows", "emscripten"}
_JSON_IMPL = {"cpython", "pypy", "graalpy"}
_ARCH_VARIANTS = {"v2", "v3", "v4"}
_VARIANT = {None: "default", "freethreaded": "freethreaded", "debug": "debug",
            "freethreaded+debug": "freethreaded+debug"}


# Display arch per JSON (family, variant): uv's fixups, computed once per pair rather than per
# entry (a catalog has 5530 entries and `pytui list` parses them all on every run).
_ARCH_NAMES: dict[tuple[str, str | None], str | None] = {}


def _arch_name(family: str, arch_variant: str | None) -> str | None:
    try:
        return _ARCH_NAMES[(family, arch_variant)]
    except KeyError:
        pass
    name = None
    # uv accepts a level (v2/v3/v4) on x86_64 only (`Error::UnsupportedVariant` otherwise).
    if family in ARCH_DISPLAY and (arch_variant is None or (arch_variant in _ARCH_VARIANTS
                                                            and family == "x86_64")):
        name = ARCH_DISPLAY[family] + (f"_{arch_variant}" if arch_variant else "")
    _ARCH_NAMES[(family, arch_variant)] = name
    return name


def build_from_entry(entry: dict) -> Build | None:
    """One catalog entry as a `Build`, or None when uv would skip it (unknown os/arch/libc/variant)."""
    try:
        name = entry["name"]
        os_name = entry["os"]
        arch = entry["arch"]
        family, arch_variant = arch["family"], arch.get("variant")
        libc = entry["libc"]
        major, minor, patch = int(entry["major"]), int(entry["minor"]), int(entry["patch"])
        prerelease = entry.get("prerelease") or ""
        variant = _VARIANT[entry.get("variant")]
        url = entry["url"]
        sha256 = entry.get("sha256")
        build = str(entry.get("build") or "")
        if name not in _JSON_IMPL or os_name not in _JSON_OS or libc not in LIBCS:
            return None
        arch_name = _arch_name(family, arch_variant)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if arch_name is None:
        return None
    implementation = "pyodide" if (name == "cpython" and os_name == "emscripten") else name
    return Build(
        implementation, major, minor, patch, prerelease, variant, OS_DISPLAY[os_name], arch_name,
        libc, build, url, sha256.lower() if sha256 else None, flavor_from_url(url),
    )


def parse_uv_json(data: bytes | str, source: str) -> tuple[list[Build], int]:
    """Parse uv's format; return the builds and how many entries were skipped.

    Refuses (one line naming the source) invalid JSON, a non-object top level,
    and a top-level `"version"` key (uv's hook for a future format).
    """
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as err:
        raise CatalogError(f"catalog {source} is not valid JSON ({err}); "
                           "point --downloads-json at a uv download-metadata.json") from None
    if not isinstance(doc, dict):
        raise CatalogError(f"catalog {source} is not a JSON object of builds "
                           f"(top level is {type(doc).__name__}); expected uv's download-metadata.json format")
    if "version" in doc:
        raise CatalogError(f"catalog {source} declares a format version pytui does not know; "
                           "upgrade pytui or use an older catalog")
    builds: list[Build] = []
    skipped = 0
    for entry in doc.values():
        build = build_from_entry(entry) if isinstance(entry, dict) else None
        if build is None:
            skipped += 1
        else:
            builds.append(build)
    return builds, skipped


@dataclass
class Catalog:
    """All known builds, keyed by uv's display key, from one described source."""

    builds: list[Build]
    source: str = "empty"
    skipped: int = 0
    # Seconds since the epoch when the source was fetched, for "age" display; None = shipped.
    fetched_at: float | None = None

    def __post_init__(self) -> None:
        self.by_key: dict[str, Build] = {}
        self.by_sha: dict[str, Build] = {}
        for build in self.builds:
            self.by_key.setdefault(build.key, build)
            if build.sha256:
                self.by_sha.setdefault(build.sha256, build)
        self._by_cache_filename: dict[str, Build] | None = None

    def __len__(self) -> int:
        return len(self.builds)

    def __iter__(self) -> Iterator[Build]:
        return iter(self.builds)

    def get(self, key: str) -> Build | None:
        return self.by_key.get(key)

    def by_cache_filename(self) -> dict[str, Build]:
        """Map of uv cache file names to builds, for matching archives on disk.

        Built once per catalog: the cache pane re-lists the disk after every job.
        """
        if self._by_cache_filename is None:
            self._by_cache_filename = {b.cache_filename: b for b in self.builds}
        return self._by_cache_filename
