"""A cache of parsed catalogs in pytui's state dir, so `pytui list` does not re-parse 3 MB of JSON.

Parsing uv's 5530-entry catalog (JSON, then one `Build` per entry) is most of `pytui list`'s
time; reading back the same builds as marshalled tuples is several times faster. An entry is
keyed by the source file's path, size and mtime and by the parser's own code (the mtimes of the
modules that turn entries into builds, and `Build`'s fields), so any change to either makes a
miss. Nothing here is required: an unreadable, corrupt or unwritable cache is simply ignored.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from collections.abc import Callable
from pathlib import Path

from pytui.core.models import BUILD_FIELDS, Build, build_from_row

CACHE_DIR = "parsed"
_FORMAT = 1
_BUILD_FIELDS = BUILD_FIELDS


def _code_stamp() -> str:
    """Changes whenever the code that produces builds changes (so a stale cache never loads)."""
    from pytui.core import catalog, embedded, filenames, models

    parts = [str(_FORMAT), ",".join(_BUILD_FIELDS)]
    for module in (catalog, embedded, filenames, models):
        try:
            stat = os.stat(module.__file__ or "")
            parts.append(f"{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append("?")
    return "|".join(parts)


def _entry_name(source: Path, kind: str, stat: os.stat_result) -> tuple[str, str, str]:
    """(name prefix for the source, name suffix for its state, the full stamp stored inside).

    crc32 keeps names short and needs no hashlib import; the full stamp inside the entry is
    compared on load, so a name collision can only cost a miss.
    """
    import zlib

    stamp = f"{kind}|{source}|{stat.st_size}|{stat.st_mtime_ns}|{_code_stamp()}"
    where = f"{zlib.crc32(f'{kind}|{source}'.encode()):08x}"
    what = f"{zlib.crc32(stamp.encode()):08x}"
    return where, what, stamp


def cached_parse(source: Path, kind: str, state_dir: Path | None,
                 parse: Callable[[bytes], tuple[list[Build], int]]) -> tuple[list[Build], int]:
    """`parse(source bytes)`, or the same result from the cache when the file is unchanged.

    `kind` names the parser ("uv-json", "pbs-installer"); `state_dir` None disables caching.
    Raises only what `parse` or reading `source` raise.
    """
    source = Path(source)
    if state_dir is None:
        return parse(source.read_bytes())
    try:
        stat = source.stat()
    except OSError:
        return parse(source.read_bytes())  # raises the caller's read error
    where, what, stamp = _entry_name(source.absolute(), kind, stat)
    directory = Path(state_dir) / CACHE_DIR
    entry = directory / f"{where}-{what}.marshal"
    loaded = _load(entry, stamp)
    if loaded is not None:
        return loaded
    builds, skipped = parse(source.read_bytes())
    _store(directory, where, entry, stamp, builds, skipped)
    return builds, skipped


def _load(entry: Path, stamp: str) -> tuple[list[Build], int] | None:
    try:
        data = entry.read_bytes()
    except OSError:
        return None
    try:
        version, stored_stamp, skipped, rows = marshal.loads(data)
        if version != _FORMAT or stored_stamp != stamp or not isinstance(skipped, int) \
                or not isinstance(rows, list):
            return None
        width = len(_BUILD_FIELDS)
        if any(type(row) is not tuple or len(row) != width for row in rows):
            return None
        return [build_from_row(Build, row) for row in rows], skipped
    except (ValueError, EOFError, TypeError):
        return None


def _store(directory: Path, where: str, entry: Path, stamp: str, builds: list[Build],
           skipped: int) -> None:
    rows = [tuple(build) for build in builds]
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        temp.write_bytes(marshal.dumps((_FORMAT, stamp, skipped, rows)))
        os.replace(temp, entry)
        # Older entries for the same source are dead once a newer one exists.
        for old in directory.glob(f"{where}-*.marshal"):
            if old != entry:
                with contextlib.suppress(OSError):
                    old.unlink()
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            temp.unlink()
