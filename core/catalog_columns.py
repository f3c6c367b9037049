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

from pytui.core.catalog import LazyBuilds, ParsedCatalog, valid_locations
from pytui.core.keys import InstallationKey
from pytui.core.models import Build, build_from_row

# The length of a sha256 as its JSON string holds it.
_DIGEST_LENGTH = 64
# How far before and after a URL its entry's object is looked for (an entry is ~0.5 KB), and
# how many `{` before the URL are tried (uv's entries hold a nested `arch` object before it).
_ENTRY_REACH_BYTES = 4096
_ENTRY_BRACES_TRIED = 8


class ColumnBuilds(LazyBuilds):
    """`LazyBuilds` over checked columns and the source's bytes (see the module docstring).

    `columns` are the 11 checked columns (nine key fields, release, flavor) of `count`
    builds; `url_at`, `url_len`, `sha_at` where each build's URL and sha256 stand in `source`
    as JSON strings (the offset of the opening quote; -1: no sha256), checked for type and
    sign by the caller; `reread()` parses the source again and rewrites the entry.
    """

    __slots__ = ("_all", "_columns", "_count", "_reparsed", "_reread", "_sha_at", "_source",
                 "_url_at", "_url_len")

    def __init__(self, columns: list[list], source: bytes, url_at: list[int], url_len: list[int],
                 sha_at: list[int], reread: Callable[[], ParsedCatalog]) -> None:
        self._columns = columns
        self._count = len(url_at)
        self._source = source
        self._url_at, self._url_len, self._sha_at = url_at, url_len, sha_at
        self._reread = reread
        self._all: list[Build] | None = None
        self._reparsed: ParsedCatalog | None = None

    def __len__(self) -> int:
        return self._count if self._all is None else len(self._all)

    def all(self) -> list[Build]:
        builds = self._all
        if builds is None:
            builds = self._make(self._columns, self._url_at, self._url_len, self._sha_at)
            if builds is None:
                builds = self._read_again()
            self._keep(builds)
        return builds

    @property
    def reparsed(self) -> ParsedCatalog | None:
        return self._reparsed

    def _read_again(self) -> list[Build]:
        self._reparsed = self._reread()
        return self._reparsed.builds

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

    def _keep(self, builds: list[Build]) -> None:
        """Every build is made: the columns and the source are no longer needed."""
        self._all = builds
        self._columns = []
        self._source = b""
        self._url_at = self._url_len = self._sha_at = []
        self._reread = _made_already  # (and what the source's reader held is let go)

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
        absent = list(map(operator.not_, present))
        if not all(map(_says_no_sha256, repeat(source), compress(url_at, absent), compress(urls, absent))):
            return None
        by_build = dict(zip(compress(range(count), present), digests, strict=True))
        return urls, list(map(by_build.get, range(count)))
    return urls, digests  # type: ignore[return-value]  # a list of str is a list of str | None


def _says_no_sha256(source: bytes, url_at: int, url: str) -> bool:
    """Whether the object holding the URL string that opens at `url_at` says `"sha256": null`
    (before the URL, as pbs-installer's sorted keys put it, or after it, as uv's catalog does).
    The object is the innermost one from a `{` before the URL that reaches past it, read with
    the JSON scanner; it must hold this URL as its `url`. Anything else says False, and the
    source is parsed again."""
    import json

    decoder = json.JSONDecoder()
    low = max(0, url_at - _ENTRY_REACH_BYTES)
    brace = url_at
    for _ in range(_ENTRY_BRACES_TRIED):
        brace = source.rfind(b"{", low, brace)
        if brace < 0:
            return False
        # Both cuts fall on ASCII bytes (`{` and the URL's quote): the prefix decodes whole.
        url_char = len(source[brace:url_at].decode("utf-8", "replace"))
        text = source[brace:url_at + _ENTRY_REACH_BYTES].decode("utf-8", "replace")
        try:
            entry, end = decoder.raw_decode(text)
        except (ValueError, RecursionError):
            continue  # a `{` inside a string, or an object past the reach
        if end <= url_char:
            continue  # an object before the URL (uv's `arch`)
        return isinstance(entry, dict) and entry.get("url") == url and \
            "sha256" in entry and entry["sha256"] is None
    return False


def _made_already() -> ParsedCatalog:
    """The source's reader once every build is made: nothing asks for it then."""
    raise RuntimeError("the catalog's builds are made: its source is not read again")
