"""What an archive's cache file name says about it, with no catalog.

uv names a cached archive `{sha256[:9]}-{release file name}` (`none-...` when the catalog had no
sha256), turning `%2B` (an encoded `+`) into `-`. So the name alone gives the hash prefix to
check the bytes against and, for python-build-standalone and PyPy archives, the build: version,
build date, platform and variant. The cache's states and purge rules are worked out from the
name only, so they are the same whichever catalog is loaded (the embedded one, uv's, a mirror's);
a catalog adds the full sha256 and a key for the few archives whose names do not carry one
(GraalPy, Pyodide).
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Iterable
from functools import lru_cache

from pytui.core.filenames import ArchiveName, parse_archive_name, split_extension
from pytui.core.keys import TYPE_CHECKING, format_key, is_digits
from pytui.core.models import Build, CachedArchive

PART_SUFFIX = ".part"
_CACHE_NAME = re.compile(r"^([0-9a-f]{9}|none)-(.+)$")
# `cpython-3.12.8+20250115-...` became `cpython-3.12.8-20250115-...` in uv's cache name.
_MODERN_DASHED = re.compile(r"^(cpython-[0-9]+\.[0-9]+\.[0-9]+(?:(?:a|b|rc)[0-9]+)?)-([0-9]{8})-(.+)$")
# Bounds every name handled here (a file name is at most 255 bytes on common filesystems).
MAX_NAME = 1024


# collections' namedtuple, not typing's: `typing` costs an install from a tree more than this module.
if TYPE_CHECKING:
    from typing import Any, NamedTuple

    class _CacheNameFields(NamedTuple):
        # `{sha256[:9]}` of the bytes, or None for uv's `none-` (no hash known when it was cached).
        sha_prefix: str | None
        # The release file name as it appears in the cache (`+` turned into `-`).
        release_name: str
        # What the release name says, when it is a PBS or PyPy archive name (else None).
        archive: ArchiveName | None
else:
    _CacheNameFields = namedtuple("CacheName", "sha_prefix release_name archive")


class CacheName(_CacheNameFields):
    """A uv cache file name, split: the hash prefix and the release name, parsed when known."""

    __slots__ = ()

    @property
    def key(self) -> str | None:
        """The uv install key, when the name carries the full version (PyPy names do not)."""
        archive = self.archive
        if archive is None or archive.patch < 0:
            return None
        return format_key(archive.implementation, archive.version, archive.variant, archive.platform)

    @property
    def lineage(self) -> tuple[str, str, str, str] | None:
        """What successive builds of one interpreter share: implementation, version (as far as
        the name gives it), variant and platform. Builds with one lineage differ by build only."""
        archive = self.archive
        if archive is None:
            return None
        return (archive.implementation, archive.version, archive.variant, archive.platform)

    @property
    def build_rank(self) -> tuple[tuple[int, int | str], ...]:
        """The build, ordered: PBS release dates `YYYYMMDD`, PyPy versions `7.3.23` (empty
        when the name says no build; such names have no lineage either)."""
        if self.archive is None:
            return ()
        return tuple((0, int(part)) if is_digits(part) else (1, part)
                     for part in self.archive.build.split("."))


# The Cached pane lists every archive on each job progress update and parses each name twice
# (its key and its short label): parsed once, kept. A CacheName is an immutable tuple; the bound
# covers a cache dir of thousands of archives.
@lru_cache(maxsize=8192)
def parse_cache_name(name: str) -> CacheName | None:
    """Split a cache file name (`.part` allowed); None when it is not uv's shape for an archive.
    Pure: each name is parsed once (kept in a bounded cache)."""
    if len(name) > MAX_NAME:
        return None
    match = _CACHE_NAME.match(name.removesuffix(PART_SUFFIX))
    if not match or not split_extension(match[2])[1]:
        return None
    prefix, release = match[1], match[2]
    restored = release
    modern = _MODERN_DASHED.match(release)
    if modern:
        restored = f"{modern[1]}+{modern[2]}-{modern[3]}"
    archive = parse_archive_name(restored)
    if archive is not None and archive.implementation == "cpython":
        # `+`-joined options (`freethreaded+debug-full`) were dashed too: read the variant from
        # every token.
        tokens = set(split_extension(restored)[0].replace("+", "-").split("-"))
        variant = ("freethreaded+debug" if {"freethreaded", "debug"} <= tokens else "debug"
                   if "debug" in tokens else "freethreaded" if "freethreaded" in tokens else "default")
        archive = archive._replace(variant=variant)
    return CacheName(None if prefix == "none" else prefix, release, archive)


def key_from_cache_name(name: str) -> str | None:
    """The uv key an archive's cache file name implies (None when the name does not carry one)."""
    parsed = parse_cache_name(name)
    return parsed.key if parsed is not None else None


def archive_key(archive: CachedArchive) -> str | None:
    """The key of a cached archive: from its file name, else from the catalog build with that name."""
    key = key_from_cache_name(archive.name)
    if key is None and archive.build is not None:
        return archive.build.key
    return key


def sort_newest_first(items: list, name: Callable[[Any], str],
                      key: Callable[[Any], str | None]) -> None:
    """Sort cache rows in place as uv lists keys, newest first (the Installed pane's and `pytui
    list`'s order; as text, 3.11.11 came before 3.11.7 and 3.9 after 3.13): by key, a name that
    says no build last; of one key, the newest build first; then by name. Stable sorts, last
    criterion first."""
    from pytui.core.ordering import host_arch_family, key_newest_first

    family = host_arch_family()
    items.sort(key=name)
    items.sort(key=lambda item: _build_rank(name(item)), reverse=True)
    items.sort(key=lambda item: key_newest_first(key(item), family))


def _build_rank(name: str) -> tuple:
    parsed = parse_cache_name(name)
    return parsed.build_rank if parsed is not None else ()


def archive_percent(archive: CachedArchive) -> float | None:
    """How far a partial download got (0-100), when its expected size is known."""
    if archive.state != "partial" or not archive.expected_size:
        return None
    return min(100.0, 100.0 * archive.size / archive.expected_size)


def partial_percent(archive: CachedArchive) -> int | None:
    """`archive_percent` as every view writes it: whole percent, rounded down and 99 at most,
    so a `.part` never reads as done and `pytui cache list` says what the TUI says (it
    rounded: 48% where the TUI said 47%)."""
    done = archive_percent(archive)
    return min(99, int(done)) if done is not None else None


def state_from_name(name: str, size: int) -> str:
    """A cache entry's state from its name and size alone.

    - `partial`: a resumable `<name>.part`;
    - `ok`: a complete archive under uv's name (its hash prefix can be checked by `verify`);
    - `corrupt`: an archive under uv's name with no bytes at all (no archive is empty);
    - `unknown`: an archive file not named as uv names them (nothing says what it holds).
    """
    if name.endswith(PART_SUFFIX):
        return "partial"
    if parse_cache_name(name) is None:
        return "unknown"
    return "ok" if size > 0 else "corrupt"


def superseded(archives: Iterable[CachedArchive], known: Iterable[Build]) -> list[CachedArchive]:
    """The archives for which a newer build of the same lineage (implementation, version,
    variant, platform) is known: from `known` (a catalog's builds) or another complete archive
    in the cache. Archives whose name says no build are never superseded."""
    archives = list(archives)
    newest: dict[tuple[str, str, str, str], tuple[tuple[int, int | str], ...]] = {}
    parsed_archives = [(archive, parse_cache_name(archive.name)) for archive in archives]

    def learn(parsed: CacheName | None) -> None:
        if parsed is None or parsed.lineage is None:
            return
        rank = parsed.build_rank
        if parsed.lineage not in newest or rank > newest[parsed.lineage]:
            newest[parsed.lineage] = rank

    # Only catalog builds that could share a lineage with a cached archive are parsed (a
    # catalog has thousands of builds; a cache a handful).
    near = {(p.archive.implementation, p.archive.major, p.archive.minor, p.archive.platform)
            for _, p in parsed_archives if p is not None and p.archive is not None}
    for build in known:
        if (build.implementation, build.major, build.minor, build.platform) in near:
            learn(parse_cache_name(build.cache_filename))
    for archive, parsed in parsed_archives:
        if archive.state == "ok":
            learn(parsed)
    found = []
    for archive, parsed in parsed_archives:
        if parsed is None or parsed.lineage is None:
            continue
        best = newest.get(parsed.lineage)
        if best is not None and parsed.build_rank < best:
            found.append(archive)
    return found
