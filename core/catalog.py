"""uv's catalog format (download-metadata.json) parsed into `Build`s, and the `Catalog` of them."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator

from pytui.core.errors import CatalogError
from pytui.core.keys import IMPLEMENTATIONS, VARIANTS, InstallationKey, KeyFields, display_arch
from pytui.core.models import ARCH_DISPLAY, LIBCS, OS_DISPLAY, Build, url_filename

_JSON_OS = {"linux", "darwin", "windows", "emscripten"}
_KEY_OS = frozenset(OS_DISPLAY.values())
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


# A catalog file or response is read only up to this size: uv's 5530-build catalog is 3 MB;
# the scale pytui is measured at (bench/catalog.py) is 200,000 builds, about 100 MB.
MAX_CATALOG_BYTES = 256 * 1024 * 1024
# The one-line description of the first malformed entry stays short.
MAX_PROBLEM_LENGTH = 500

# What one entry may hold (a catalog is hostile until checked). uv reads major/minor/patch as
# u8 and rejects a wrong type; pytui skips and counts such an entry instead of the whole file.
MAX_URL_LENGTH = 4096
_U8 = range(256)
_U8_SET = frozenset(_U8)
_PRERELEASE = re.compile(r"(?:a|b|rc)[0-9]{1,4}")
# PBS release dates (`20250115`) and PyPy/GraalPy versions (`7.3.19`): short, path-safe.
_BUILD = re.compile(r"[A-Za-z0-9._+-]{1,64}")
_FIELD_TYPES = (("name", str), ("os", str), ("libc", str), ("url", str), ("arch", dict))


class InvalidEntry(ValueError):
    """A catalog entry whose fields have the wrong type or an impossible value."""


def build_from_entry(entry: dict) -> Build | None:
    """One catalog entry as a `Build`, or None when uv would skip it (unknown os/arch/libc/variant).

    Raises `InvalidEntry` (its text names the field and the value) when a field has the wrong
    type or an impossible value: a missing field, `"sha256": 123`, `"major": "3"`, a URL that
    is not http(s)/file, a sha256 that is not 64 hex digits.
    """
    name, os_name, libc, url, family, arch_variant, major, minor, patch = _required_fields(entry)
    prerelease, sha256, build, json_variant = _optional_fields(entry)
    variant = _VARIANT.get(json_variant)
    if variant is None or name not in _JSON_IMPL or os_name not in _JSON_OS or libc not in LIBCS:
        return None  # well-formed, but not a build uv knows: skipped as uv skips it
    arch_name = _arch_name(family, arch_variant)
    if arch_name is None:
        return None
    implementation = "pyodide" if (name == "cpython" and os_name == "emscripten") else name
    # Repeated values as one shared string each (the decoder makes a new one per entry): at
    # 200,000 entries that is about a million strings fewer.
    intern = sys.intern
    return Build(
        intern(implementation), major, minor, patch, intern(prerelease), variant,
        OS_DISPLAY[os_name], arch_name, intern(libc), intern(build), url,
        sha256.lower() if sha256 else None, _flavor(url),
    )


# core/filenames.flavor_from_url, imported when the first entry is parsed (an import statement
# per entry cost 2 µs each): `pytui list` on a cached parse never needs the archive-name grammar.
_FLAVOR_FROM_URL: list = []


def _flavor(url: str) -> str:
    if not _FLAVOR_FROM_URL:
        from pytui.core.filenames import flavor_from_url

        _FLAVOR_FROM_URL.append(flavor_from_url)
    return _FLAVOR_FROM_URL[0](url)


def _required_fields(entry: object) -> tuple:
    """(name, os, libc, url, arch family, arch variant, major, minor, patch), type-checked."""
    if not isinstance(entry, dict):
        raise InvalidEntry(f"the entry is a {type(entry).__name__}, not an object")
    try:
        major, minor, patch = entry["major"], entry["minor"], entry["patch"]
        for field, kind in _FIELD_TYPES:
            if type(entry[field]) is not kind:
                raise InvalidEntry(_wrong(field, entry[field]))
    except KeyError as err:
        raise InvalidEntry(f"it has no {err.args[0]!r}") from None
    for field, value in (("major", major), ("minor", minor), ("patch", patch)):
        if type(value) is not int or value not in _U8:
            raise InvalidEntry(_wrong(field, value, "a whole number 0-255"))
    arch = entry["arch"]
    family, arch_variant = arch.get("family"), arch.get("variant")
    if type(family) is not str:
        raise InvalidEntry(_wrong("arch.family", family))
    if arch_variant is not None and type(arch_variant) is not str:
        raise InvalidEntry(_wrong("arch.variant", arch_variant))
    url = entry["url"]
    if not _url_ok(url) or url_filename(url) in {"", ".", ".."}:
        raise InvalidEntry(_wrong("url", url, "an http(s) or file URL of an archive"))
    return (entry["name"], entry["os"], entry["libc"], url, family, arch_variant, major, minor,
            patch)


def _optional_fields(entry: dict) -> tuple[str, str | None, str, str | None]:
    """(prerelease, sha256, build, variant), type-checked; absent or null ones as uv reads them."""
    prerelease = _optional_text(entry, "prerelease", _PRERELEASE, "a1, b2, rc3 or empty")
    sha256 = entry.get("sha256")
    if sha256 is not None and (type(sha256) is not str or len(sha256) != 64
                               or not _hex_ok(sha256.lower())):
        raise InvalidEntry(_wrong("sha256", sha256, "64 hex digits"))
    build = _optional_text(entry, "build", _BUILD, "a release like 20250115")
    variant = entry.get("variant")
    if variant is not None and type(variant) is not str:
        raise InvalidEntry(_wrong("variant", variant))
    return prerelease, sha256, build, variant


def _optional_text(entry: dict, field: str, pattern: re.Pattern[str], expected: str) -> str:
    """A string field that may be absent or null (then ''), else must match `pattern`."""
    value = entry.get(field)
    if value is None:
        return ""
    if type(value) is not str or (value and not pattern.fullmatch(value)):
        raise InvalidEntry(_wrong(field, value, expected))
    return value


def _wrong(field: str, value: object, expected: str = "") -> str:
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:40] + "..."
    kind = type(value).__name__
    expected = expected or {"arch": "an object"}.get(field, "a string")
    return f"{field} is {shown} ({kind}), expected {expected}"


_URL_SCHEMES = ("http://", "https://", "file://")
# Bytes a URL may hold: printable ASCII but space and backslash (anything else is percent-encoded).
_URL_BYTES = bytes(byte for byte in range(0x21, 0x7f) if byte != 0x5C)
_HEX_BYTES = b"0123456789abcdef"


def _url_ok(url: str) -> bool:
    """An http(s) or file URL of bounded length, printable ASCII with no space or backslash
    (the rule for one entry; `valid_builds` applies it to all URLs joined)."""
    return (len(url) <= MAX_URL_LENGTH and url.startswith(_URL_SCHEMES) and url.isascii()
            and not url.encode("ascii").translate(None, _URL_BYTES))


def _hex_ok(text: str) -> bool:
    """Lowercase hex digits only (one sha256, or several joined)."""
    return text.isascii() and not text.encode("ascii").translate(None, _HEX_BYTES)


def valid_builds(builds: list) -> bool:
    """Whether builds read back from a state file hold only what the parsers produce:
    `Build`s of 13 fields whose columns pass `valid_columns`."""
    if not builds:
        return True
    if {type(build) for build in builds} != {Build} or set(map(len, builds)) != {13}:
        return False
    return valid_columns(list(zip(*builds, strict=True)))


def valid_columns(columns: list) -> bool:
    """Whether 13 columns of build fields (core/parsed_cache) hold only what the parsers
    produce: the right types and values (vocabulary, version parts 0-255, pre-release and
    release spelling, http(s)/file URLs, sha256 of 64 hex digits or None).

    Checked column by column: a catalog has thousands of builds but a few hundred distinct
    versions, platforms and releases, so each distinct value is checked once; URLs and
    sha256s are checked joined, with byte-level scans.
    """
    if len(columns) != 13 or len({len(column) for column in columns}) != 1:
        return False
    return valid_key_columns([*columns[:10], columns[12]]) and \
        valid_locations(columns[10], columns[11])


def valid_key_columns(columns: list) -> bool:
    """Whether the 11 columns of build fields that are not the URL and sha256 (the nine key
    fields, the release, the flavor; equal lengths, checked by the caller) hold only what the
    parsers produce."""
    if len(columns) != 11:
        return False
    if not columns[0]:
        return True
    (implementations, majors, minors, patches, prereleases, variants, oses, arches, libcs,
     releases, flavors) = map(set, columns)
    text_columns = (implementations, prereleases, variants, oses, arches, libcs, releases, flavors)
    if any({type(value) for value in column} != {str} for column in text_columns):
        return False
    numbers = majors | minors | patches
    if {type(number) for number in numbers} != {int} or not numbers <= _U8_SET:
        return False
    if not (implementations <= IMPLEMENTATIONS and variants <= VARIANTS and oses <= _KEY_OS
            and libcs <= LIBCS):
        return False
    return not (any(display_arch(arch) != arch for arch in arches) or
                any(pre and not _PRERELEASE.fullmatch(pre) for pre in prereleases) or
                any(rel and not _BUILD.fullmatch(rel) for rel in releases) or
                any(len(flavor) > 200 for flavor in flavors))


def valid_locations(urls: list, digests: list) -> bool:
    """Whether URLs are http(s)/file URLs of printable ASCII (no space, no backslash, bounded)
    and sha256s 64 lower-case hex digits or None; both checked joined, at C speed."""
    if not urls:
        return True
    if set(map(type, urls)) != {str} or max(map(len, urls)) > MAX_URL_LENGTH:
        return False
    joined = "\n" + "\n".join(urls)
    # Every line starts with a scheme, and the rest is URL bytes (no newline inside a URL).
    if sum(joined.count("\n" + scheme) for scheme in _URL_SCHEMES) != len(urls) or \
            not joined.isascii() or \
            joined.encode("ascii").translate(None, _URL_BYTES).strip(b"\n"):
        return False
    present = [digest for digest in digests if digest is not None]
    if not present:
        return True
    return set(map(type, present)) == {str} and set(map(len, present)) == {64} and \
        _hex_ok("".join(present))


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


def _entries(count: int, every: bool = False) -> str:
    """`1 entry`, `3 entries`; with `every`: `its 1 entry is`, `all 3 entries are`."""
    if every:
        return "its 1 entry is" if count == 1 else f"all {count} entries are"
    return f"{count} {'entry' if count == 1 else 'entries'}"


class Catalog:
    """All known builds, keyed by uv's display key, from one described source.

    `skipped` counts entries uv also skips; `invalid` entries skipped for wrong types or
    impossible values, and `problem` says what was wrong with the first. `fetched_at` is when
    the source was fetched (seconds since the epoch, for "age" display; None = shipped). The
    indexes are made on first use: `pytui list` never needs the key index of every build.
    """

    def __init__(self, builds: list[Build] | LazyBuilds, source: str = "empty", skipped: int = 0,
                 invalid: int = 0, problem: str = "", fetched_at: float | None = None,
                 *, parsed: bool = False) -> None:
        # One of the two is set: the builds, or a store that makes them on demand (`pytui list`
        # makes only the builds it shows).
        self._builds: list[Build] | None = None if isinstance(builds, LazyBuilds) else builds
        self._lazy: LazyBuilds | None = builds if isinstance(builds, LazyBuilds) else None
        # Read from a catalog file or response (not an empty stand-in): one with no usable
        # build is worth a line (`warning`).
        self.parsed = parsed
        self.source = source
        self.skipped = skipped
        self.invalid = invalid
        self.problem = problem
        self.fetched_at = fetched_at
        self._by_key: dict[str, Build] | None = None
        self._by_sha: dict[str, Build] | None = None
        self._by_fields: dict[tuple, Build] | None = None
        self._by_cache_filename: dict[str, Build] | None = None

    @property
    def builds(self) -> list[Build]:
        """Every build, in the source's order (made now if they were kept as columns)."""
        if self._builds is None:
            assert self._lazy is not None
            self._builds = self._lazy.all()
            self._lazy = None
        return self._builds

    @builds.setter
    def builds(self, builds: list[Build]) -> None:
        self._builds, self._lazy = builds, None
        self._by_key = self._by_sha = self._by_fields = self._by_cache_filename = None

    def key_rows(self, os: str | None = None,
                 libc: str | None = None) -> tuple[list[int], list[KeyFields]]:
        """(places, key fields) of the builds on `os` with `libc` (None: any), in order,
        without making builds that are still columns; `builds_at(places)` makes them."""
        if self._lazy is not None:
            places, rows = self._lazy.key_rows(os, libc)
            return places, rows  # type: ignore[return-value]  # InstallationKeys are KeyFields
        builds = self.builds
        if os is None and libc is None:
            return list(range(len(builds))), builds  # type: ignore[return-value]  # Builds are KeyFields
        places = [place for place, build in enumerate(builds)
                  if (os is None or build[6] == os) and (libc is None or build[8] == libc)]
        return places, [builds[place] for place in places]

    def builds_at(self, places: list[int]) -> list[Build] | None:
        """The builds at `places` (from `key_rows`); None when the kept columns turned out
        stale and were re-read from the source: the places must be found again."""
        if self._lazy is not None:
            taken = self._lazy.take(places)
            if taken is not None:
                return taken
            self.builds  # noqa: B018 - the store re-read its source: keep what it read
            return None
        builds = self.builds
        return [builds[place] for place in places]

    def __repr__(self) -> str:
        return f"Catalog({len(self)} builds from {self.source})"

    @property
    def by_key(self) -> dict[str, Build]:
        """Builds by key (the first of a key wins)."""
        if self._by_key is None:
            index: dict[str, Build] = {}
            for build in self.builds:
                index.setdefault(build.key, build)
            self._by_key = index
        return self._by_key

    @property
    def by_sha(self) -> dict[str, Build]:
        """Builds by archive sha256 (the first of a digest wins)."""
        if self._by_sha is None:
            index: dict[str, Build] = {}
            for build in self.builds:
                if build.sha256:
                    index.setdefault(build.sha256, build)
            self._by_sha = index
        return self._by_sha

    def keys(self) -> set[tuple]:
        """Every build's key fields (`build[:9]`): key membership without formatting keys."""
        return set(self._fields_index())

    def _fields_index(self) -> dict[tuple, Build]:
        if self._by_fields is None:
            index: dict[tuple, Build] = {}
            for build in reversed(self.builds):  # the first of a key wins
                index[build[:9]] = build
            self._by_fields = index
        return self._by_fields

    def __len__(self) -> int:
        return len(self._lazy) if self._lazy is not None else len(self.builds)

    def __iter__(self) -> Iterator[Build]:
        return iter(self.builds)

    def get(self, key: str) -> Build | None:
        """The build of `key` (any spelling `InstallationKey.parse` accepts), or None."""
        if self._by_key is not None:
            return self._by_key.get(key)
        fields = InstallationKey.parse(key)
        if fields is None:  # not a canonical key: only the formatted index can tell
            return self.by_key.get(key)
        if self._lazy is not None and self._by_fields is None:
            # One build wanted (`pytui list` with installs): find its place, make only it.
            places, rows = self._lazy.key_rows(None, None)
            place = dict(zip(reversed(rows), reversed(places), strict=True)).get(fields)
            if place is None:
                return None
            taken = self.builds_at([place])
            if taken is not None:
                return taken[0]
        return self._fields_index().get(tuple(fields))

    @property
    def warning(self) -> str | None:
        """One line about entries skipped for wrong types, or about a catalog read from a
        source that gave no usable build at all (for stderr or a notification)."""
        if self.parsed and not len(self):
            return self._no_usable_builds()
        if not self.invalid:
            return None
        entries = "entry" if self.invalid == 1 else "entries"
        return (f"catalog {self.source}: skipped {self.invalid} malformed {entries} "
                f"(first: {self.problem}); the other builds are listed")

    @property
    def empty_reason(self) -> str | None:
        """Why a parsed catalog lists nothing, short (the TUI's Available pane says it once the
        warning has faded); None when it has builds."""
        if len(self) or not self.parsed:
            return None
        return f"no usable builds in {self.source}: {self._empty_cause()}"

    def _no_usable_builds(self) -> str:
        return (f"catalog {self.source} has no usable builds: {self._empty_cause()}; point "
                "--downloads-json (or UV_PYTHON_DOWNLOADS_JSON_URL) at a uv "
                "download-metadata.json, or unset it to use the built-in list")

    def _empty_cause(self) -> str:
        if self.invalid and self.skipped:
            cause = (f"{_entries(self.invalid)} malformed (first: {self.problem}) and "
                     f"{_entries(self.skipped)} for platforms or variants uv does not know")
        elif self.invalid:
            cause = f"{_entries(self.invalid, every=True)} malformed (first: {self.problem})"
        elif self.skipped:
            cause = f"{_entries(self.skipped, every=True)} for platforms or variants uv does not know"
        else:
            cause = "it holds no entries"
        return cause

    def by_cache_filename(self) -> dict[str, Build]:
        """Map of uv cache file names to builds, for matching archives on disk.

        Built once per catalog: the cache pane re-lists the disk after every job.
        """
        if self._by_cache_filename is None:
            self._by_cache_filename = {b.cache_filename: b for b in self.builds}
        return self._by_cache_filename
