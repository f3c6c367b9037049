"""A whole catalog document parsed (in one piece, or entry by entry when large) into a
`ParsedCatalog` (core/catalog.py)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator

from pytui.core.catalog import ParsedCatalog
from pytui.core.catalog_entry import (
    MAX_CATALOG_ENTRIES,
    MAX_PROBLEM_LENGTH,
    InvalidEntry,
    build_from_entry,
    json_kind,
)
from pytui.core.errors import CatalogError
from pytui.core.json_bounds import (
    MAX_FLOATS,
    MIN_BYTES_PER_CONTAINER,
    TooManyFloats,
    float_counter,
    too_many_containers,
)
from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import Build

# From this size on, a catalog is decoded entry by entry: the whole document as Python objects
# takes about three times the file's size (at 200,000 entries, ~300 MB for a 93 MB file), and
# that was the first run's peak. Below it, one `json.loads` is the faster way.
STREAM_FROM_BYTES = 16 * 1024 * 1024
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")
# What one top-level value of a streamed document may span, from the space before it through the
# character after it: uv's entries are under 1 KiB. A longer one (a 200 MB string in a field,
# an object of a million names) is refused before it is decoded, not decoded to be checked:
# decoding one held its text, its window and its value at once (a 200 MB string: 740 MB).
MAX_ENTRY_CHARS = 64 * 1024
# Malformed entries a catalog may hold before it is refused whole: each is kept (its name and
# error) until the catalog is read, and 3 million of 7 bytes each (`"k":0,`, 32 MB) took 47 s
# and 1 GB (at the 256 MiB size bound, some 10 GB). uv's catalog holds 5530 entries.
MAX_MALFORMED_ENTRIES = 10_000
# JSON's white space, compiled when a large catalog is first streamed (not on every install).
_JSON_SPACE: re.Pattern[str] | None = None


def _skip_space(data: str, pos: int) -> int:
    global _JSON_SPACE
    if _JSON_SPACE is None:
        _JSON_SPACE = re.compile(r"[ \t\n\r]*")
    return _JSON_SPACE.match(data, pos).end()  # type: ignore[union-attr]  # `*` always matches


class EntryTooLong(ValueError):
    """A top-level value of a streamed document spans more than MAX_ENTRY_CHARS; `args[0]`
    is where it starts. Never the whole-document fallback: that would decode it."""


class TooManyMalformed(Exception):
    """More than MAX_MALFORMED_ENTRIES malformed entries; `args[0]` is the first one's problem.
    Not a ValueError: the whole-document fallback would read them all again."""


def _problem(name: str, err: InvalidEntry) -> str:
    return f"entry {name[:80]!r}: {err}"[:MAX_PROBLEM_LENGTH]


class TooManyEntries(Exception):
    """More than MAX_CATALOG_ENTRIES entries. Not a ValueError: the whole-document fallback
    would read them all again."""


def _url_keys(data: bytes | str) -> int:
    """How many times `"url"` is spelt in the text: every entry that is not malformed has one
    (an upper bound on the builds, counted at C speed before anything is decoded; a key spelt
    with escapes is counted while the entries are read)."""
    return data.count(b'"url"') if isinstance(data, bytes) else data.count('"url"')


class _NotStreamable(Exception):
    """The document is not a plain object of entries (or not valid JSON): decode it whole,
    which gives the same builds or the error line `json.loads` words."""


def _decoded(data: bytes | str) -> str:
    """The text the standard decoder's scanner reads (as `json.loads` decodes bytes); a BOM
    is not streamed (`json.loads` words its error)."""
    if isinstance(data, bytes):
        data = data.decode(json.detect_encoding(data), "surrogatepass")
    if data.startswith("\ufeff"):
        raise _NotStreamable
    return data


# Characters decoded at a time from a streamed document that is ASCII (uv's catalog and
# pbs-installer's file are): byte offsets are then character offsets, and the document's text
# never exists whole beside its bytes (at 200,000 builds that was 93 MB, or 149 MB).
WINDOW_CHARS = 1 << 20


# Characters before a window's end where a cut value may be said to fail: a keyword or number
# cut there (`nu` of `null`, `-Infin` of `-Infinity`) is worded from its start.
_EDGE_CHARS = 16


def _cut_at_edge(err: Exception, window: int) -> bool:
    """Whether a scan failed where the window ends (so a larger window may read it), not at a
    syntax error inside it: the scanner stops at the window's end, except in a string, which
    it words from the string's start, and in a keyword or number, from theirs."""
    edge = window - _EDGE_CHARS
    if isinstance(err, StopIteration):
        return not isinstance(err.value, int) or err.value >= edge
    if isinstance(err, json.JSONDecodeError):
        return err.msg.startswith("Unterminated string") or err.pos >= edge
    return True


class _Text:
    """A document's text for the scanner, read through `read`: all of it, or for ASCII
    bytes a window that moves forward. Positions are the document's."""

    __slots__ = ("base", "data", "end", "text")

    def __init__(self, data: bytes | str) -> None:
        self.base = 0
        self.data: bytes | None = None
        if isinstance(data, bytes) and data.isascii():
            self.data, self.text = data, ""
        else:
            self.text = _decoded(data)
        self.end = len(data) if self.data is not None else len(self.text)

    def read(self, pos: int, scan: Callable[[str, int], tuple[object, int]],
             value: bool = True) -> tuple[object, int]:
        """(what `scan` reads after the space at `pos`, where the next non-space character
        stands): the window is moved to `pos` and grown until that character is inside it
        and, for a value, is one that can follow a value (`,:]}`: a number cut at the edge,
        `0.` of `0.5`, reads as a number followed by more), so nothing cut at the edge is
        taken for whole. `_NotStreamable` when nothing reads."""
        size = 0
        while True:
            if self.data is not None and (size or not self.base <= pos <= self.base + len(self.text)):
                size = size or WINDOW_CHARS
                self.base, self.text = pos, self.data[pos:pos + size].decode("ascii")
            at_end = self.base + len(self.text) >= self.end
            local = _skip_space(self.text, pos - self.base)
            try:
                found, stop = scan(self.text, local)
            except (StopIteration, ValueError) as err:
                if at_end or not _cut_at_edge(err, len(self.text)):
                    # At the end, or wrong before the window's edge (a syntax error, not a
                    # value longer than the window): the whole-document decode words it.
                    raise _NotStreamable from None
            else:
                after = _skip_space(self.text, stop)
                if after - (pos - self.base) > MAX_ENTRY_CHARS:
                    raise EntryTooLong(pos)
                if at_end or (after < len(self.text) and (not value or self.text[after] in ",:]}")):
                    return found, self.base + after
            if size > MAX_ENTRY_CHARS:
                # The window from `pos` holds more than the bound and no whole value: its text
                # is not decoded again in a window twice as large.
                raise EntryTooLong(pos)
            size = max(WINDOW_CHARS, 2 * size)

    def char(self, pos: int) -> str:
        """The character at `pos` (one `read` returned), '' at the end."""
        local = pos - self.base
        return self.text[local:local + 1]


def _expect(char: str) -> Callable[[str, int], tuple[object, int]]:
    def scan(text: str, pos: int) -> tuple[object, int]:
        if text[pos:pos + 1] != char:
            raise StopIteration
        return None, pos + 1
    return scan


def _scan_name(text: str, pos: int) -> tuple[object, int]:
    if text[pos:pos + 1] != '"':
        raise StopIteration
    return json.decoder.scanstring(text, pos + 1, True)  # type: ignore[attr-defined]  # public since 2.6, untyped


def _streamed(data: bytes | str, opening: str, closing: str,
              named: bool) -> Iterator[tuple[object, object]]:
    """(name, value) for each member of the top-level JSON object (`named`) or (None, item)
    for each item of the top-level array, one decoded at a time with the standard decoder's
    own scanner, so each reads exactly as `json.loads` reads it. Raises `_NotStreamable` for
    anything else, a `"version"` name included."""
    scan_once = json.JSONDecoder(parse_float=float_counter()).scan_once  # type: ignore[attr-defined]  # set in __init__, untyped
    text = _Text(data)
    _, pos = text.read(0, _expect(opening), value=False)
    if text.char(pos) != closing:
        while True:
            name = None
            if named:
                name, pos = text.read(pos, _scan_name)
                if text.char(pos) != ":" or name == "version":
                    raise _NotStreamable
                pos += 1
            value, pos = text.read(pos, scan_once)
            yield name, value
            separator = text.char(pos)
            if separator == closing:
                break
            if separator != ",":
                raise _NotStreamable
            pos += 1
    _, pos = text.read(pos, _expect(closing), value=False)
    if pos != text.end:
        raise _NotStreamable


def _streamed_entries(data: bytes | str) -> Iterator[tuple[str, object]]:
    """The top-level (name, entry) pairs of a JSON object (`_streamed`)."""
    return _streamed(data, "{", "}", True)  # type: ignore[return-value]  # names are str


def _streamed_items(data: bytes | str) -> Iterator[object]:
    """The items of a top-level JSON array (`_streamed`)."""
    return (item for _, item in _streamed(data, "[", "]", False))


def parse_streamed_array(data: bytes | str, parse: Callable[[Iterator[object]], T]) -> T | None:
    """`parse` of a top-level JSON array's items, decoded one at a time so the whole document
    is never in memory as Python objects (pbs-installer's versions.json when large); None when
    the text is not a plain JSON array: decode it whole then, for the same result or error."""
    try:
        return parse(_streamed_items(data))
    except EntryTooLong:
        raise
    except (_NotStreamable, ValueError, RecursionError):
        return None


def _parse_streamed(data: bytes | str) -> ParsedCatalog | None:
    """`parse_catalog`'s result without the whole document in memory; None when the text is
    not a plain object of entries (the caller then decodes it whole)."""
    # A name given twice keeps its first place and its last entry, as a dict does.
    results: dict[str, object] = {}
    malformed = 0  # the InvalidEntry values in `results` now
    read = 0
    try:
        for name, entry in _streamed_entries(data):
            read += 1
            if read > MAX_CATALOG_ENTRIES:
                raise TooManyEntries
            if type(results.get(name)) is InvalidEntry:
                malformed -= 1
            try:
                results[name] = build_from_entry(entry)  # type: ignore[arg-type]  # any JSON value: it checks
            except InvalidEntry as err:
                # Without its traceback: that holds this frame (so `results`, a cycle only the
                # collector frees, and it is paused) and the checker's (the decoded entry): 200,000
                # malformed entries held 790 MB where as many builds hold 260.
                results[name] = err.with_traceback(None)
                malformed += 1
                if malformed > MAX_MALFORMED_ENTRIES:
                    first = next((key, value) for key, value in results.items()
                                 if type(value) is InvalidEntry)
                    raise TooManyMalformed(_problem(*first)) from None
    except (EntryTooLong, TooManyMalformed, TooManyEntries):
        raise
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
                problem = _problem(name, result)
        else:
            builds.append(result)  # type: ignore[arg-type]  # a Build: the other two are ruled out
    return ParsedCatalog(builds, skipped, invalid, problem)


_PLAIN_OBJECT = object()


def _probed(data: bytes | str) -> object:
    """What a large document that did not stream is, decoded without keeping its objects: its
    error (raised as `json.loads` raises it), a `{"version": …}` (a dict of that one name), the
    value at its top level when that is no object, or _PLAIN_OBJECT (decode it whole then). A
    document of well-formed entries cut short at its end was decoded whole for the error line
    only: ~6.7x its size (60 MB: 400 MB, at 256 MiB ~1.8 GB), on every run."""
    last: list = [None]  # the pairs of the last object closed: the top level's, if it is one

    def pairs_hook(pairs: list) -> None:
        last[0] = pairs
        return None

    top = json.loads(data, parse_float=float_counter(), object_pairs_hook=pairs_hook)
    if top is not None or last[0] is None:
        return top  # no object at the top level (`null` too: no object closed at all)
    if any(name == "version" for name, _ in last[0]):
        return {"version": None}
    return _PLAIN_OBJECT


def _json_problem(err: ValueError) -> str:
    """What the decoder said, without the Python remedy it gives for a number too long for
    int() (`use sys.set_int_max_str_digits()`): no version or size has thousands of digits."""
    text = str(err)
    if "integer string conversion" in text:
        return f"a number of more than {sys.get_int_max_str_digits()} digits"
    return text


def parse_catalog(data: bytes | str, source: str) -> ParsedCatalog:
    """Parse uv's format (docs/uv-compat.md#catalog-format), skipping and counting bad entries.

    Refuses (one line naming the source) invalid JSON, nesting too deep to read, a non-object
    top level, and a top-level `"version"` key (uv's hook for a future format). A large
    catalog (`STREAM_FROM_BYTES`) is decoded entry by entry, with the same result, and
    refused at an entry longer than MAX_ENTRY_CHARS. Either is refused past
    MAX_MALFORMED_ENTRIES malformed entries, or past MAX_CATALOG_ENTRIES entries (those
    holding `"url"` counted before anything is decoded).
    """
    if too_many_containers(data):
        raise CatalogError(f"catalog {source} holds more JSON arrays and objects than a uv catalog of "
                           f"its size could (one per {MIN_BYTES_PER_CONTAINER} bytes; decoding them "
                           "would take many times its size in memory); point --downloads-json at a "
                           "uv download-metadata.json")
    try:
        if _url_keys(data) > MAX_CATALOG_ENTRIES:
            raise TooManyEntries
        doc: object = _PLAIN_OBJECT
        if len(data) >= STREAM_FROM_BYTES:
            streamed = _parse_streamed(data)
            if streamed is not None:
                return streamed
            doc = _probed(data)
        if doc is _PLAIN_OBJECT:
            doc = json.loads(data, parse_float=float_counter())
    except EntryTooLong as err:
        raise CatalogError(f"catalog {source} holds an entry longer than {MAX_ENTRY_CHARS // 1024} KiB "
                           f"(at character {err.args[0]:,}; uv's are under 1 KiB, and decoding one that long "
                           "takes many times its size in memory); point --downloads-json at a uv "
                           "download-metadata.json") from None
    except TooManyMalformed as err:
        raise _too_many_malformed(source, err.args[0]) from None
    except TooManyEntries:
        raise _too_many_entries(source) from None
    except TooManyFloats:
        raise CatalogError(f"catalog {source} holds more than {MAX_FLOATS:,} numbers with a fraction or "
                           "an exponent (uv's holds none; decoding them would take many times its size "
                           "in memory); point --downloads-json at a uv download-metadata.json") from None
    except (ValueError, UnicodeDecodeError) as err:
        raise CatalogError(f"catalog {source} is not valid JSON ({_json_problem(err)}); "
                           "point --downloads-json at a uv download-metadata.json") from None
    except RecursionError:
        raise CatalogError(f"catalog {source} nests JSON too deeply to read; "
                           "point --downloads-json at a uv download-metadata.json") from None
    if not isinstance(doc, dict):
        raise CatalogError(f"catalog {source} is not a JSON object of builds "
                           f"(its top level is {json_kind(doc)}); expected uv's download-metadata.json format")
    if "version" in doc:
        raise CatalogError(f"catalog {source} declares a format version pytui does not know; "
                           "upgrade pytui or use an older catalog")
    if len(doc) > MAX_CATALOG_ENTRIES:
        raise _too_many_entries(source)
    return _parsed_entries(doc, source)


def _parsed_entries(doc: dict, source: str) -> ParsedCatalog:
    """A decoded document's entries checked into builds, counted or refused (CatalogError)."""
    builds: list[Build] = []
    skipped = invalid = 0
    problem = ""
    for name, entry in doc.items():
        try:
            build = build_from_entry(entry)
        except InvalidEntry as err:
            invalid += 1
            if not problem:
                problem = _problem(name, err)
            if invalid > MAX_MALFORMED_ENTRIES:
                raise _too_many_malformed(source, problem) from None
            continue
        if build is None:
            skipped += 1
        else:
            builds.append(build)
    return ParsedCatalog(builds, skipped, invalid, problem)


def _too_many_entries(source: str) -> CatalogError:
    return CatalogError(f"catalog {source} holds more than {MAX_CATALOG_ENTRIES:,} entries (uv's holds "
                        "about 5,500; pytui reads up to the scale it is measured at, 200,000 builds, "
                        "with room to spare); point --downloads-json at a uv download-metadata.json")


def _too_many_malformed(source: str, problem: str) -> CatalogError:
    return CatalogError(f"catalog {source} holds more than {MAX_MALFORMED_ENTRIES:,} malformed entries "
                        f"(first: {problem}); point --downloads-json at a uv download-metadata.json")


def parse_uv_json(data: bytes | str, source: str) -> tuple[list[Build], int]:
    """`parse_catalog` as (builds, entries skipped for any reason)."""
    parsed = parse_catalog(data, source)
    return parsed.builds, parsed.skipped + parsed.invalid
