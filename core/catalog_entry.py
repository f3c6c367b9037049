"""One entry of uv's catalog format (download-metadata.json) checked and made into a `Build`,
and the checks the parsed-catalog cache applies to its stored columns."""

from __future__ import annotations

import sys
from collections.abc import Callable

from pytui.core.keys import ARCH_DISPLAY, IMPLEMENTATIONS, LIBCS, OS_DISPLAY, VARIANTS, display_arch
from pytui.core.models import Build, url_filename

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
# And only up to this many entries: uv's catalog holds ~5,500, the scale pytui is measured and
# held to is 200,000 (the aim), and more is refused in one line. Within the byte bound a
# catalog of short entries held 850,000 builds, whose first read took 112 s and 960 MB.
MAX_CATALOG_ENTRIES = 250_000
# The one-line description of the first malformed entry stays short.
MAX_PROBLEM_LENGTH = 500

# What one entry may hold (a catalog is hostile until checked). uv reads major/minor/patch as
# u8 and rejects a wrong type; pytui skips and counts such an entry instead of the whole file.
MAX_URL_LENGTH = 4096
_U8 = range(256)
_U8_SET = frozenset(_U8)
# PBS release dates (`20250115`) and PyPy/GraalPy versions (`7.3.19`): short, path-safe.
_BUILD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-"


# The two shapes below are checked with string methods: what the patterns in their docstrings
# fullmatch (a property test holds them together), without compiling those on every
# install's path (~1.5 ms of its start).
def is_prerelease(text: str) -> bool:
    """`(?:a|b|rc)[0-9]{1,4}`: a1, b2, rc3."""
    number = text[2:] if text[:2] == "rc" else text[1:] if text[:1] in ("a", "b") else ""
    return 0 < len(number) <= 4 and number.isascii() and number.isdigit()


def is_build_name(text: str) -> bool:
    """`[A-Za-z0-9._+-]{1,64}`."""
    return 0 < len(text) <= 64 and not text.strip(_BUILD_CHARS)
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
        raise InvalidEntry(f"the entry is {json_kind(entry)}, not an object")
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
    prerelease = _optional_text(entry, "prerelease", is_prerelease, "a1, b2, rc3 or empty")
    sha256 = entry.get("sha256")
    if sha256 is not None and (type(sha256) is not str or len(sha256) != 64
                               or not _hex_ok(sha256.lower())):
        raise InvalidEntry(_wrong("sha256", sha256, "64 hex digits"))
    build = _optional_text(entry, "build", is_build_name, "a release like 20250115")
    variant = entry.get("variant")
    if variant is not None and type(variant) is not str:
        raise InvalidEntry(_wrong("variant", variant))
    return prerelease, sha256, build, variant


def _optional_text(entry: dict, field: str, shape: Callable[[str], bool], expected: str) -> str:
    """A string field that may be absent or null (then ''), else must have the `shape`."""
    value = entry.get(field)
    if value is None:
        return ""
    if type(value) is not str or (value and not shape(value)):
        raise InvalidEntry(_wrong(field, value, expected))
    return value


def json_kind(value: object) -> str:
    """A parsed JSON value's kind in JSON's words (`a number`, `an array`, `null`): the
    catalog's author wrote JSON, and read `int`, `list` and `NoneType` in these lines."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _wrong(field: str, value: object, expected: str = "") -> str:
    import json

    try:  # as it is written in the catalog (`"3"`, `null`, `true`), not as Python's repr
        shown = json.dumps(value)
    except (TypeError, ValueError):
        shown = repr(value)
    if len(shown) > 40:
        shown = shown[:40] + "..."
    kind = json_kind(value)
    # `null`, `true` say their kind themselves.
    said = "" if value is None or isinstance(value, bool) else f" ({kind})"
    expected = expected or {"arch": "an object"}.get(field, "a string")
    return f"{field} is {shown}{said}, expected {expected}"


_URL_SCHEMES = ("http://", "https://", "file://")
# Bytes a URL may hold: printable ASCII but space and backslash (anything else is percent-encoded).
_URL_BYTES = bytes(byte for byte in range(0x21, 0x7f) if byte != 0x5C)
_HEX_BYTES = b"0123456789abcdef"


def _escapes_a_control_byte(text: str) -> bool:
    """Whether `text` percent-escapes a control byte (%00-%1F, %7F): no archive URL holds one,
    and decoded it puts a NUL or a newline into a path (a file:// mirror, export-mirror)."""
    return "%0" in text or "%1" in text or "%7f" in text or "%7F" in text


def _url_ok(url: str) -> bool:
    """An http(s) or file URL of bounded length, printable ASCII with no space or backslash
    and no percent-escaped control byte (the rule for one entry; `valid_builds` applies it to
    all URLs joined)."""
    return (len(url) <= MAX_URL_LENGTH and url.startswith(_URL_SCHEMES) and url.isascii()
            and not url.encode("ascii").translate(None, _URL_BYTES)
            and not _escapes_a_control_byte(url))


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
    try:
        (implementations, majors, minors, patches, prereleases, variants, oses, arches, libcs,
         releases, flavors) = map(set, columns)
    except TypeError:  # a list or an object among the values (a forged parsed-catalog entry)
        return False
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
                any(pre and not is_prerelease(pre) for pre in prereleases) or
                any(rel and not is_build_name(rel) for rel in releases) or
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
            joined.encode("ascii").translate(None, _URL_BYTES).strip(b"\n") or \
            _escapes_a_control_byte(joined):
        return False
    present = [digest for digest in digests if digest is not None]
    if not present:
        return True
    return set(map(type, present)) == {str} and set(map(len, present)) == {64} and \
        _hex_ok("".join(present))
