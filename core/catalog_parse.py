"""A whole catalog document parsed (in one piece, or entry by entry when large) into a
`ParsedCatalog`; `LazyBuilds` is the form the parsed-catalog cache hands over."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from pytui.core.catalog_entry import MAX_PROBLEM_LENGTH, InvalidEntry, build_from_entry
from pytui.core.errors import CatalogError
from pytui.core.keys import InstallationKey
from pytui.core.models import Build


class LazyBuilds:
    """Builds kept as checked columns and made on demand (core/parsed_cache.py's store).

    `key_rows` gives the nine key fields of some builds without making them; `take` makes the
    builds at given places. Values a store has not checked yet are checked before they are
    given out; when one fails, the store re-reads everything from its source, and `take`
    answers None (the places it was asked about may no longer name the same builds).
    """

    __slots__ = ()

    def __len__(self) -> int:
        raise NotImplementedError

    def all(self) -> list[Build]:
        """Every build, in order (made once, then kept)."""
        raise NotImplementedError

    def key_rows(self, os: str | None, libc: str | None) -> tuple[list[int], list[InstallationKey]]:
        """(places, keys) of the builds on `os` with `libc` (None: any)."""
        raise NotImplementedError

    def take(self, places: list[int]) -> list[Build] | None:
        """The builds at `places`; None when the store was found stale and re-read."""
        raise NotImplementedError


class ParsedCatalog(tuple):
    """What parsing a catalog gave: `builds`; `skipped`, entries uv also skips (unknown os,
    arch, libc, variant); `invalid`, entries with wrong types or impossible values, skipped
    too; `problem`, what was wrong with the first invalid one (one line, '' if none)."""

    __slots__ = ()

    def __new__(cls, builds: list[Build] | LazyBuilds, skipped: int = 0, invalid: int = 0,
                problem: str = "") -> ParsedCatalog:
        return tuple.__new__(cls, (builds, skipped, invalid, problem))

    # The parsed-catalog cache gives `LazyBuilds`: `builds` makes them all, `source_builds`
    # hands them on as they are.
    builds = property(lambda self: self[0].all() if isinstance(self[0], LazyBuilds) else self[0])
    source_builds = property(lambda self: self[0])
    skipped = property(lambda self: self[1])
    invalid = property(lambda self: self[2])
    problem = property(lambda self: self[3])


# From this size on, a catalog is decoded entry by entry: the whole document as Python objects
# takes about three times the file's size (at 200,000 entries, ~300 MB for a 93 MB file), and
# that was the first run's peak. Below it, one `json.loads` is the faster way.
STREAM_FROM_BYTES = 16 * 1024 * 1024
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _skip_space(data: str, pos: int) -> int:
    return _JSON_SPACE.match(data, pos).end()  # type: ignore[union-attr]  # `*` always matches


class _NotStreamable(Exception):
    """The document is not a plain object of entries (or not valid JSON): decode it whole,
    which gives the same builds or the error line `json.loads` words."""


def _streamed_entries(data: bytes | str) -> Iterator[tuple[str, object]]:
    """The top-level (name, entry) pairs of a JSON object, one entry decoded at a time with
    the standard decoder's own scanner (so each entry reads exactly as `json.loads` reads it).
    Raises `_NotStreamable` for anything else, a `"version"` key included."""
    if isinstance(data, bytes):
        data = data.decode(json.detect_encoding(data), "surrogatepass")
    if data.startswith("\ufeff"):
        raise _NotStreamable
    scan_once = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # set in __init__, untyped
    scanstring = json.decoder.scanstring  # type: ignore[attr-defined]  # public since 2.6, untyped
    space = _skip_space
    end = len(data)
    pos = space(data, 0)
    if data[pos:pos + 1] != "{":
        raise _NotStreamable
    pos = space(data, pos + 1)
    if data[pos:pos + 1] != "}":
        while True:
            if data[pos:pos + 1] != '"':
                raise _NotStreamable
            name, pos = scanstring(data, pos + 1, True)
            pos = space(data, pos)
            if data[pos:pos + 1] != ":" or name == "version":
                raise _NotStreamable
            try:
                value, pos = scan_once(data, space(data, pos + 1))
            except StopIteration:
                raise _NotStreamable from None
            yield name, value
            pos = space(data, pos)
            separator = data[pos:pos + 1]
            if separator == "}":
                break
            if separator != ",":
                raise _NotStreamable
            pos = space(data, pos + 1)
    if space(data, pos + 1) != end:
        raise _NotStreamable


def _parse_streamed(data: bytes | str) -> ParsedCatalog | None:
    """`parse_catalog`'s result without the whole document in memory; None when the text is
    not a plain object of entries (the caller then decodes it whole)."""
    # A name given twice keeps its first place and its last entry, as a dict does.
    results: dict[str, object] = {}
    try:
        for name, entry in _streamed_entries(data):
            try:
                results[name] = build_from_entry(entry)  # type: ignore[arg-type]  # any JSON value: it checks
            except InvalidEntry as err:
                results[name] = err
    except (_NotStreamable, ValueError, RecursionError):
        return None
    builds: list[Build] = []
    skipped = invalid = 0
    problem = ""
    for name, result in results.items():
        if result is None:
            skipped += 1
        elif type(result) is InvalidEntry:
            invalid += 1
            if not problem:
                problem = f"entry {name[:80]!r}: {result}"[:MAX_PROBLEM_LENGTH]
        else:
            builds.append(result)  # type: ignore[arg-type]  # a Build: the other two are ruled out
    return ParsedCatalog(builds, skipped, invalid, problem)


def parse_catalog(data: bytes | str, source: str) -> ParsedCatalog:
    """Parse uv's format (docs/uv-compat.md#catalog-format), skipping and counting bad entries.

    Refuses (one line naming the source) invalid JSON, nesting too deep to read, a non-object
    top level, and a top-level `"version"` key (uv's hook for a future format). A large
    catalog (`STREAM_FROM_BYTES`) is decoded entry by entry, with the same result.
    """
    if len(data) >= STREAM_FROM_BYTES:
        streamed = _parse_streamed(data)
        if streamed is not None:
            return streamed
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as err:
        raise CatalogError(f"catalog {source} is not valid JSON ({err}); "
                           "point --downloads-json at a uv download-metadata.json") from None
    except RecursionError:
        raise CatalogError(f"catalog {source} nests JSON too deeply to read; "
                           "point --downloads-json at a uv download-metadata.json") from None
    if not isinstance(doc, dict):
        raise CatalogError(f"catalog {source} is not a JSON object of builds "
                           f"(top level is {type(doc).__name__}); expected uv's download-metadata.json format")
    if "version" in doc:
        raise CatalogError(f"catalog {source} declares a format version pytui does not know; "
                           "upgrade pytui or use an older catalog")
    builds: list[Build] = []
    skipped = invalid = 0
    problem = ""
    for name, entry in doc.items():
        try:
            build = build_from_entry(entry)
        except InvalidEntry as err:
            invalid += 1
            if not problem:
                problem = f"entry {name[:80]!r}: {err}"[:MAX_PROBLEM_LENGTH]
            continue
        if build is None:
            skipped += 1
        else:
            builds.append(build)
    return ParsedCatalog(builds, skipped, invalid, problem)


def parse_uv_json(data: bytes | str, source: str) -> tuple[list[Build], int]:
    """`parse_catalog` as (builds, entries skipped for any reason)."""
    parsed = parse_catalog(data, source)
    return parsed.builds, parsed.skipped + parsed.invalid
