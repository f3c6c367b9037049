"""Builds kept as columns, made on demand: what the parsed-catalog cache (core/parsed_cache.py)
hands to `Catalog`, so `pytui list` makes only the builds it shows.

The nine key fields, the release and the flavor come checked from the cache entry (every
distinct value, `catalog.valid_key_columns`). URLs and sha256s are never in the entry: the
store holds the source's bytes and where each value stands in them, and slices and checks a
value only when its build is made (a quote on each side, none inside, then
`catalog.valid_locations`). A value that fails means the entry is not what pytui wrote: the
store re-reads everything from the source (`reread`, which also rewrites the entry) and
serves that from then on.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from itertools import compress, repeat

from pytui.core.catalog import LazyBuilds, valid_locations
from pytui.core.keys import InstallationKey
from pytui.core.models import Build, build_from_row

# The length of a sha256 as its JSON string holds it.
_DIGEST_LENGTH = 64
# How far past a URL the rest of its entry is read to find `"sha256": null`.
_ENTRY_REST_BYTES = 64 * 1024


class ColumnBuilds(LazyBuilds):
    """`LazyBuilds` over checked columns and the source's bytes (see the module docstring).

    `columns` are the 11 checked columns (nine key fields, release, flavor) of `count`
    builds; `url_at`, `url_len`, `sha_at` where each build's URL and sha256 stand in `source`
    as JSON strings (the offset of the opening quote; -1: no sha256), checked for type and
    sign by the caller; `reread()` parses the source again and rewrites the entry.
    """

    __slots__ = ("_all", "_columns", "_count", "_reread", "_sha_at", "_source", "_url_at",
                 "_url_len")

    def __init__(self, columns: list[list], source: bytes, url_at: list[int], url_len: list[int],
                 sha_at: list[int], reread: Callable[[], list[Build]]) -> None:
        self._columns = columns
        self._count = len(url_at)
        self._source = source
        self._url_at, self._url_len, self._sha_at = url_at, url_len, sha_at
        self._reread: Callable[[], list[Build]] | None = reread
        self._all: list[Build] | None = None

    def __len__(self) -> int:
        return self._count if self._all is None else len(self._all)

    def all(self) -> list[Build]:
        if self._all is None:
            builds = self._make(self._columns, self._url_at, self._url_len, self._sha_at)
            self._keep(builds if builds is not None else self._read_again())
        assert self._all is not None
        return self._all

    def key_rows(self, os: str | None, libc: str | None, arch: str | None = None,
                 variant: str | None = None) -> tuple[list[int], list[InstallationKey]]:
        # Field places: variant 5, os 6, arch 7, libc 8.
        wanted = [(at, value) for at, value in ((5, variant), (6, os), (7, arch), (8, libc))
                  if value is not None]
        if self._all is not None:
            places = [place for place, build in enumerate(self._all)
                      if all(build[at] == value for at, value in wanted)]
            return places, [build.installation_key for build in map(self._all.__getitem__, places)]
        columns = self._columns[:9]
        if not wanted:
            places = list(range(self._count))
        else:
            # C-level maps, no Python loop per build (the columns hold checked strings): the
            # wanted fields of each build as one tuple, compared with the wanted values.
            target = tuple(value for _, value in wanted)
            keep = map(target.__eq__, zip(*(columns[at] for at, _ in wanted), strict=True))
            places = list(compress(range(self._count), keep))
            columns = [list(map(column.__getitem__, places)) for column in columns]
        return places, list(map(tuple.__new__, repeat(InstallationKey), zip(*columns, strict=True)))

    def key_count(self) -> int:
        if self._all is not None:
            return len({build[:9] for build in self._all})
        # One C-level pass over the nine key columns: no key or build made.
        return len(set(zip(*self._columns[:9], strict=True)))

    def take(self, places: list[int]) -> list[Build] | None:
        if self._all is not None:
            return list(map(self._all.__getitem__, places))
        if not places:
            return []
        if min(places) < 0 or max(places) >= self._count:
            raise IndexError("a place past the catalog's builds")
        pick = [list(map(column.__getitem__, places)) for column in self._columns]
        builds = self._make(pick, *(list(map(offsets.__getitem__, places))
                                    for offsets in (self._url_at, self._url_len, self._sha_at)))
        if builds is not None:
            return builds
        self._keep(self._read_again())
        return None

    def _read_again(self) -> list[Build]:
        assert self._reread is not None
        return self._reread()

    def _keep(self, builds: list[Build]) -> None:
        """Every build is made: the columns and the source are no longer needed."""
        self._all = builds
        self._columns = []
        self._source = b""
        self._url_at = self._url_len = self._sha_at = []
        self._reread = None

    def _make(self, columns: list[list], url_at: list[int], url_len: list[int],
              sha_at: list[int]) -> list[Build] | None:
        """Builds of the given column values and source offsets; None when a URL or sha256
        is not where the entry says (or is not a valid value)."""
        found = source_values(self._source, url_at, url_len, sha_at)
        if found is None or not valid_locations(*found):
            return None
        urls, digests = found
        # Build's field order: nine key fields, release, URL, sha256, flavor.
        return list(map(build_from_row, repeat(Build),
                        zip(*columns[:10], urls, digests, columns[10], strict=True)))


def source_values(source: bytes, url_at: list[int], url_len: list[int],
                  sha_at: list[int]) -> tuple[list[str], list[str | None]] | None:
    """The URLs and sha256s at these offsets of the source, each a whole JSON string there: a
    quote just before and just after, and no quote, backslash or byte past ASCII inside (so
    the value is the bytes as they stand). None when one is not. C-level maps throughout: no
    Python loop per build."""
    count = len(url_at)
    present = list(map((-1).__ne__, sha_at))
    sha_offsets = sha_at if all(present) else list(compress(sha_at, present))
    opening = url_at + sha_offsets
    if not opening or min(opening) < 0 or min(url_len) < 1:
        return None
    starts = list(map(operator.add, opening, repeat(1)))
    ends = list(map(operator.add, starts, url_len + [_DIGEST_LENGTH] * len(sha_offsets)))
    if max(ends) >= len(source):
        return None
    at = source.__getitem__
    if bytes(map(at, opening)).strip(b'"') or bytes(map(at, ends)).strip(b'"'):
        return None
    pieces = list(map(at, map(slice, starts, ends)))
    inside = b"\n".join(pieces)
    if b'"' in inside or b"\\" in inside or not inside.isascii():
        return None
    values = inside.decode("ascii").split("\n")
    if len(values) != len(pieces):  # a newline inside a value
        return None
    urls, digests = values[:count], values[count:]
    if len(digests) != count:  # null sha256s: None in their places
        # An entry is no proof that a build has none: -1 put in place of an offset would
        # install an archive unchecked. Its own object in the source must say so.
        if not all(map(_says_no_sha256, repeat(source), compress(ends, map(operator.not_, present)))):
            return None
        by_build = dict(zip(compress(range(count), present), digests, strict=True))
        return urls, list(map(by_build.get, range(count)))
    return urls, digests  # type: ignore[return-value]  # a list of str is a list of str | None


def _says_no_sha256(source: bytes, url_end: int) -> bool:
    """Whether the members that follow a URL string (whose closing quote is at `url_end`) in
    its entry's object include `"sha256": null`: read with the JSON scanner up to the object's
    `}`. A file that puts the sha256 before the URL says False, and is parsed again (uv's
    catalog and pytui's writers put it after)."""
    import json

    text = source[url_end + 1:url_end + 1 + _ENTRY_REST_BYTES].decode("utf-8", "replace")
    decoder = json.JSONDecoder()
    at = 0
    while True:
        at = len(text) - len(text[at:].lstrip())
        if text[at:at + 1] != ",":
            return False  # the object's end (or no JSON) before a null sha256
        try:
            key, at = decoder.raw_decode(text, len(text) - len(text[at + 1:].lstrip()))
            at = len(text) - len(text[at:].lstrip())
            if text[at:at + 1] != ":":
                return False
            value, at = decoder.raw_decode(text, len(text) - len(text[at + 1:].lstrip()))
        except (ValueError, RecursionError):
            return False
        if key == "sha256":
            return value is None
