"""A cache of parsed catalogs in pytui's state dir, so `pytui list` does not re-parse 3 MB of JSON.

Parsing uv's 5530-entry catalog (JSON, then one `Build` per entry) is most of `pytui list`'s
time; reading back the same builds column by column is several times faster, and a hit makes
no build at all until one is used (core/catalog_columns.py): `pytui list` makes the 19 it shows.

The cache is a state file, so it is hostile until checked:

- It never outranks its source (docs/architecture.md#parsed-catalog-cache says why these checks
  and not cheaper ones). An entry is keyed by the source's path, size, mtime, ctime (which no
  user-space call can set back) and a CRC of every byte, and by the parser's own code;
  any change to the source or the parser is a miss. And the entry holds no URL or sha256 at
  all: it records where each one stands in the source (as a JSON string), and a hit reads them
  from the source's current bytes, so they always come from the source.
- It is validated at the boundary: read as a regular file of bounded size, decoded as JSON (a
  decoder that is safe on any input, unlike marshal), every key column checked on load
  (`catalog.valid_key_columns`), and each URL and sha256 when its build is made
  (`catalog.valid_locations`), before anything is given out.
- Its key columns (version numbers, platform codes) are the entry's own: a flipped bit that
  keeps them valid (patch 8 -> 9 is one bit of the digit) would re-key a build, so the entry
  ends in a CRC-32 line (core/sealed.py), which any single flipped bit fails: checked before
  the JSON is decoded.
- A bad entry (corrupt, truncated, wrong types, impossible values, not a regular file, an
  offset that names no URL or sha256) is removed and rebuilt from the source, so no run is
  stuck on it. Nothing here is required: an unreadable or unwritable cache only costs a parse.
"""

from __future__ import annotations

import contextlib
import os
import stat as stat_module
from collections.abc import Callable
from pathlib import Path

from pytui.core import json_codec
from pytui.core.bounded_read import read_regular_file
from pytui.core.catalog import (
    MAX_CATALOG_BYTES,
    MAX_PROBLEM_LENGTH,
    ParsedCatalog,
    valid_key_columns,
)
from pytui.core.catalog_columns import ColumnBuilds
from pytui.core.keys import is_digits
from pytui.core.models import BUILD_FIELDS, Build
from pytui.core.sealed import seal, unseal

CACHE_DIR = "parsed"
# 4: text columns as [distinct values, a code per build] (3 joined them with a separator).
_FORMAT = 4
_INT_COLUMNS = frozenset({1, 2, 3})
# URL and sha256: stored as offsets into the source and read back from it.
_URL_COLUMN = 10
_SOURCE_COLUMNS = frozenset({10, 11})
# Bounds: an entry is read only if at most this big; the directory keeps this many entries.
MAX_ENTRY_BYTES = 2 * MAX_CATALOG_BYTES
MAX_ENTRIES = 16
# ... and only if at most this many bytes per byte of its source, plus ENTRY_FREE_BYTES: an
# entry holds a few numbers and code characters per build, 0.06 of uv's catalog's size and
# 0.2-0.3 of the densest catalogs (a build per 130 bytes). Decoded, an entry costs up to ~6x its
# size (a list of numbers), so a 512 MiB one planted beside uv's 3 MB catalog took ~3 GB
# before its stamp was looked at; now it is discarded unread past 7 MB. Within the bound, an
# entry's first bytes must be its format and stamp (`_head`) before it is decoded.
ENTRY_BYTES_PER_SOURCE_BYTE = 2
ENTRY_FREE_BYTES = 1 << 20


def max_entry_bytes(source_bytes: int) -> int:
    """The largest entry read (or written) for a source of `source_bytes`."""
    return min(MAX_ENTRY_BYTES, ENTRY_BYTES_PER_SOURCE_BYTE * source_bytes + ENTRY_FREE_BYTES)
# A store's temp file, `.<entry>.<pid>.tmp`, outlives its writer only when that was killed
# between open and rename; a later store removes it once the pid is gone (or it is old enough
# that the pid may be another process's: writer_pids.left_by_killed_writer), at most this many
# per store.
_TEMP_SUFFIX = ".tmp"
_MAX_TEMPS_REMOVED = 64


def _code_stamp() -> str:
    """Changes whenever the code that produces builds changes (so a stale cache never loads).
    The modules are stat'ed by path, not imported: `pytui list --downloads-json` needs none
    of the embedded catalog's imports."""
    here = os.path.dirname(os.path.abspath(__file__))
    parts = [str(_FORMAT), ",".join(BUILD_FIELDS)]
    for module in ("catalog", "catalog_columns", "catalog_entry", "catalog_parse", "embedded",
                   "filenames", "models", "keys"):
        try:
            info = os.stat(os.path.join(here, f"{module}.py"))
            parts.append(f"{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append("?")
    return "|".join(parts)


def _entry_name(source: Path, kind: str, info: os.stat_result, data: bytes) -> tuple[str, str, str]:
    """(name prefix for the source, name suffix for its state, the full stamp stored inside).

    crc32 keeps names short and needs no hashlib import; the full stamp inside the entry is
    compared on load, so a name collision can only cost a miss.
    """
    import zlib

    stamp = (f"{kind}|{source}|{info.st_size}|{info.st_mtime_ns}|{info.st_ctime_ns}|"
             f"{zlib.crc32(data):08x}|{_code_stamp()}")
    # (surrogateescape: a path holding a byte that is not UTF-8 is a name Linux allows; it
    # raised UnicodeEncodeError, a traceback out of every command reading that catalog.)
    where = f"{zlib.crc32(f'{kind}|{source}'.encode('utf-8', 'surrogateescape')):08x}"
    what = f"{zlib.crc32(stamp.encode('utf-8', 'surrogateescape')):08x}"
    return where, what, stamp


def cached_parse(source: Path, kind: str, state_dir: Path | None,
                 parse: Callable[[bytes], ParsedCatalog], *,
                 max_bytes: int | None = None) -> ParsedCatalog:
    """`parse(source bytes)`, or the same result from the cache when the file is unchanged.

    `kind` names the parser ("uv-json", "pbs-installer"); `state_dir` None disables caching.
    The source is read with `read_regular_file(source, max_bytes)` (default
    `MAX_CATALOG_BYTES`). Raises only what `parse`
    or reading `source` raise (OSError, including `NotRegularFile` and `FileTooLarge`).
    """
    source = Path(source)
    data = read_regular_file(source, MAX_CATALOG_BYTES if max_bytes is None else max_bytes)
    if state_dir is None:
        return parse(data)
    try:
        info = source.stat()
    except OSError:
        return parse(data)
    where, what, stamp = _entry_name(source.absolute(), kind, info, data)
    directory = Path(state_dir) / CACHE_DIR
    entry = directory / f"{where}-{what}.json"

    def reread() -> ParsedCatalog:
        # The entry held an offset that names no URL or sha256 of the source: not pytui's.
        _discard(entry)
        parsed = parse(data)
        _store(directory, where, entry, stamp, parsed, data)
        return parsed

    loaded = _load(entry, stamp, data, reread)
    if loaded is not None:
        return loaded
    parsed = parse(data)
    _store(directory, where, entry, stamp, parsed, data)
    return parsed


def _load(entry: Path, stamp: str, source: bytes,
          reread: Callable[[], ParsedCatalog]) -> ParsedCatalog | None:
    """The entry's catalog, or None on a miss. An entry that exists but is bad is removed."""
    try:
        data = read_regular_file(entry, max_entry_bytes(len(source)))
    except FileNotFoundError:
        return None
    except OSError:
        _discard(entry)
        return None
    body = unseal(data)
    try:
        parsed = None if body is None else _decode(body, stamp, source, reread)
    except UnicodeEncodeError:
        parsed = None
    if parsed is None:
        _discard(entry)
    return parsed


def _decode(data: bytes, stamp: str, source: bytes,
            reread: Callable[[], ParsedCatalog]) -> ParsedCatalog | None:
    """The entry as a catalog whose builds are made on demand (core/catalog_columns.py): the
    key columns are checked here, each URL and sha256 when its build is made."""
    if not data.startswith(_head(stamp)) or _too_dense(data):
        # Another stamp (a stale or planted entry under this name): a miss found in the first
        # bytes, not by decoding the whole entry at ~8x its size to read its second key.
        return None
    try:
        doc = json_codec.loads(data)
    except (ValueError, RecursionError):
        return None
    if type(doc) is not dict or doc.get("format") != _FORMAT or doc.get("stamp") != stamp:
        return None
    count, skipped, invalid = doc.get("count"), doc.get("skipped"), doc.get("invalid")
    problem, stored = doc.get("problem"), doc.get("columns")
    if not (isinstance(count, int) and isinstance(skipped, int) and isinstance(invalid, int)
            and isinstance(problem, str)) or not _counts_ok(count, skipped, invalid, problem, len(source)) \
            or type(stored) is not list or len(stored) != len(BUILD_FIELDS):
        return None
    if count == 0:
        return ParsedCatalog([], skipped, invalid, problem)
    offsets = _offsets(count, doc.get("url_at"), doc.get("url_len"), doc.get("sha_at"))
    if offsets is None:
        return None
    columns: list[list] = []
    for index, column in enumerate(stored):
        if index in _SOURCE_COLUMNS:
            if column != "":  # never a value here: this entry was not written by pytui
                return None
            continue
        if index in _INT_COLUMNS:
            if type(column) is not list:
                return None
        else:
            column = _expand(column, count)
            if column is None:
                return None
        if len(column) != count:
            return None
        columns.append(column)
    if not valid_key_columns(columns):
        return None
    return ParsedCatalog(ColumnBuilds(columns, source, *offsets, reread), skipped, invalid,
                         problem)


def _counts_ok(count: int, skipped: int, invalid: int, problem: str, source_bytes: int) -> bool:
    """Whether the entry's counts and first problem are what a parse of the source can give:
    numbers of entries (not bools), together no more than the source has bytes (a forged
    4,001-digit count made the catalog's warning line), and a problem of bounded length there
    exactly when some entry was malformed."""
    if bool in {type(count), type(skipped), type(invalid)} or type(problem) is not str:
        return False
    if min(count, skipped, invalid) < 0 or count + skipped + invalid > source_bytes:
        return False
    return len(problem) <= MAX_PROBLEM_LENGTH and (problem != "") == (invalid > 0)


def _too_dense(data: bytes) -> bool:
    """Whether `data`, past ENTRY_FREE_BYTES, holds more strings, arrays and objects than one per
    json_bounds.MIN_BYTES_PER_CONTAINER bytes. An entry is a few of each per column (uv's
    catalog's: 281 in 193 KB) around lists of numbers and code strings; one planted under its
    right name and stamp (anyone who reads the source can compute both) as 7 MB of `"ab",`
    beside uv's 3.1 MB catalog took `pytui list` to 141 MB / 0.95 s (17.9 MB / 0.31 s with the
    real one), decoded before any column was checked. Counted in C before decoding; numbers,
    what a real entry is made of, stay bounded by the entry's size (~8x decoded at worst)."""
    if len(data) <= ENTRY_FREE_BYTES:
        return False
    from pytui.core.json_bounds import MIN_BYTES_PER_CONTAINER

    values = data.count(b'"') // 2 + data.count(b"[") + data.count(b"{")
    return values > len(data) // MIN_BYTES_PER_CONTAINER


def _head(stamp: str) -> bytes:
    """The bytes every entry `_encode` writes for `stamp` starts with: its format and stamp,
    the first two keys, as compact ASCII JSON."""
    # A dict, not the string alone: json_codec encodes containers without importing json.
    head = json_codec.dumps({"format": _FORMAT, "stamp": stamp}, ensure_ascii=True, separators=(",", ":"))
    return head[:-1].encode("ascii") + b","


def _offsets(count: int, url_at: object, url_len: object,
             sha_at: object) -> tuple[list[int], list[int], list[int]] | None:
    """Where each URL and sha256 stands in the source (offsets of the opening quotes, -1 for
    no sha256) and each URL's length, when they are lists of `count` whole numbers of the
    right sign; what they point at is checked when a build is made."""
    if not (type(url_at) is list and type(url_len) is list and type(sha_at) is list
            and len(url_at) == len(url_len) == len(sha_at) == count):
        return None
    if set(map(type, url_at)) | set(map(type, url_len)) | set(map(type, sha_at)) != {int}:
        return None
    if min(url_at) < 0 or min(url_len) < 1 or min(sha_at) < -1:
        return None
    return url_at, url_len, sha_at


# A text column is stored as [distinct values, one character per build]: the character's code
# names the value (`_code`), skipping the quote and the backslash so the JSON string needs no
# escapes for the first 220 values. Each distinct string is then one object shared by every
# build that has it (at 200,000 builds that spares about two million strings), and decoding a
# column is one C-level map. A column with more distinct values than codes below the
# surrogates is not cached.
_FIRST_CODE = 35  # after '"' (34)
_BACKSLASH = 92
MAX_DISTINCT = 0xD800 - _FIRST_CODE - 1


def _code(number: int) -> int:
    code = number + _FIRST_CODE
    return code if code < _BACKSLASH else code + 1


def _compact(column: tuple) -> list | None:
    """A text column as [distinct values, code string]; None past `MAX_DISTINCT` values."""
    distinct = dict.fromkeys(column)
    if len(distinct) > MAX_DISTINCT:
        return None
    letter = {value: chr(_code(number)) for number, value in enumerate(distinct)}
    return [list(distinct), "".join(map(letter.__getitem__, column))]


def _expand(column: object, count: int) -> list | None:
    """A stored text column back as one value per build; None when its shape is wrong (a code
    no value has maps to None, which `valid_columns` refuses)."""
    if type(column) is not list or len(column) != 2:
        return None
    values, codes = column
    if type(values) is not list or type(codes) is not str or len(codes) != count \
            or len(values) > MAX_DISTINCT or not set(map(type, values)) <= {str}:
        return None
    table: list[str | None] = [None] * (_code(len(values)) + 1)
    for number, value in enumerate(values):
        table[_code(number)] = value
    try:
        numbers = codes.encode("latin-1")  # ints without a Python loop (most catalogs)
    except UnicodeEncodeError:
        numbers = map(ord, codes)  # type: ignore[assignment]  # an iterable of ints either way
    try:
        return list(map(table.__getitem__, numbers))
    except IndexError:
        return None


def _token_at(find: Callable[..., int], value: str, after: int) -> int:
    """Where `"value"` stands in the source: searched from `after` (builds come in entry
    order), from the start for one found out of order; -1 when it is not there verbatim."""
    token = b'"%s"' % value.encode("ascii")
    found = find(token, after)
    return found if found >= 0 else find(token)


def _source_offsets(source: bytes, builds: list[Build]) -> tuple[list[int], list[int]] | None:
    """Where each build's URL and sha256 stand in the source as JSON strings (the offset of
    the opening quote); None when one is not there verbatim (an escaped URL, an upper-case
    sha256): then nothing is cached."""
    url_at, sha_at = [], []
    url_pos = sha_pos = 0
    find = source.find
    for build in builds:
        url_pos = _token_at(find, build.url, url_pos)
        if url_pos < 0:
            return None
        url_at.append(url_pos)
        if build.sha256 is None:
            sha_at.append(-1)
            continue
        sha_pos = _token_at(find, build.sha256, sha_pos)
        if sha_pos < 0:
            return None
        sha_at.append(sha_pos)
    return url_at, sha_at


def _encode(stamp: str, parsed: ParsedCatalog, source: bytes) -> bytes | None:
    """The entry's bytes; None when a URL or sha256 is not in the source verbatim (then it is
    not cached). URLs and sha256s are stored as offsets into
    the source, never as values."""
    builds = parsed.builds
    offsets = _source_offsets(source, builds)
    if offsets is None:
        return None
    columns: list[object] = []
    for index, column in enumerate(zip(*builds, strict=True) if builds else ()):
        if index in _SOURCE_COLUMNS:
            columns.append("")
        elif index in _INT_COLUMNS:
            columns.append(list(column))
        else:
            compact = _compact(column)
            if compact is None:
                return None
            columns.append(compact)
    if not builds:
        columns = [[[], ""]] * len(BUILD_FIELDS)
    doc = {"format": _FORMAT, "stamp": stamp, "count": len(builds), "skipped": parsed.skipped,
           "invalid": parsed.invalid, "problem": parsed.problem, "columns": columns,
           "url_at": offsets[0], "url_len": [len(build.url) for build in builds],
           "sha_at": offsets[1]}
    return json_codec.dumps(doc, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _store(directory: Path, where: str, entry: Path, stamp: str, parsed: ParsedCatalog,
           source: bytes) -> None:
    try:
        data = _encode(stamp, parsed, source)
    except UnicodeEncodeError:  # a non-ASCII URL (the embedded file is not checked by _url_ok)
        return
    if data is None or len(data) > max_entry_bytes(len(source)):
        return
    temp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
    created = False
    try:
        # Inside the try: a state dir that cannot be used only costs the entry (the catalog is
        # the source's).
        created = not os.path.isdir(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with open(temp, "xb") as handle:
            handle.write(seal(data))
        os.replace(temp, entry)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
        if created:  # a full disk: leave the state dir as it was
            with contextlib.suppress(OSError):
                directory.rmdir()
        return
    _prune(directory, where, entry)


def _prune(directory: Path, where: str, keep: Path) -> None:
    """Older entries for the same source are dead once a newer one exists; beyond
    `MAX_ENTRIES` (many --downloads-json files), the least recently written go."""
    try:
        with os.scandir(directory) as scan:
            items = list(scan)
    except OSError:
        return
    entries = [item for item in items if item.name.endswith((".json", ".marshal"))]
    _remove_dead_temps([item for item in items if item.name.startswith(".")
                        and item.name.endswith(_TEMP_SUFFIX)][:_MAX_TEMPS_REMOVED])
    survivors = []
    for item in entries:
        if item.path == str(keep):
            continue
        if item.name.startswith(f"{where}-") or item.name.endswith(".marshal"):
            _discard(Path(item.path))
        else:
            with contextlib.suppress(OSError):
                survivors.append((item.stat(follow_symlinks=False).st_mtime_ns, item.path))
    survivors.sort()
    for _, path in survivors[:max(0, len(survivors) + 1 - MAX_ENTRIES)]:
        _discard(Path(path))


def _remove_dead_temps(temps: list[os.DirEntry[str]]) -> None:
    """Remove store temps whose writer is gone (killed between its open and its rename)."""
    import time

    from pytui.core.writer_pids import left_by_killed_writer

    now = time.time_ns()
    for item in temps:
        pid = item.name[: -len(_TEMP_SUFFIX)].rpartition(".")[2]
        try:
            # ASCII digits: int() refuses the `²` isdigit() takes (a traceback on every list).
            if is_digits(pid) and int(pid) != os.getpid() and not left_by_killed_writer(
                    int(pid), item.stat(follow_symlinks=False).st_mtime_ns, now):
                continue
        except OSError:
            continue
        _discard(Path(item.path))




def _discard(path: Path) -> None:
    """Remove a bad or dead entry (whatever it is: a file, a link, a FIFO; a directory in its
    place is left, and simply never loads)."""
    with contextlib.suppress(OSError):
        if not stat_module.S_ISDIR(path.lstat().st_mode):
            path.unlink()
