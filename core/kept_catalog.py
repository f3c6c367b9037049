"""The kept catalog: the one last fetched from `settings.catalog_url`, kept in the state dir
as `catalog.json` with its ETag and fetch time in `catalog.meta.json`, and its refresh.

Both files are read back as hostile input: a copy that is not a small regular file, no longer
parses or lists no build is discarded (with its meta file), and only known meta fields of the
right types survive. Every write is atomic (core/atomic.py).
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import time
from pathlib import Path

from pytui.core.bounded_read import describe, read_regular_file
from pytui.core.catalog import MAX_URL_LENGTH, Catalog, parse_catalog
from pytui.core.errors import (
    CatalogError,
    OfflineError,
    UsageError,
    describe_network_error,
)
from pytui.core.keys import TYPE_CHECKING, NamedFields, _fields
from pytui.core.parsed_cache import cached_parse
from pytui.core.source_common import catalog_from, discard, fetch

KEPT_CATALOG = "catalog.json"
KEPT_META = "catalog.meta.json"
# The meta file is a few hundred bytes; anything bigger is not one pytui wrote.
MAX_META_BYTES = 64 * 1024


class RefreshResult(NamedFields):
    """What `refresh_catalog` did, with one line to show the user: `ok`, the kept copy is now
    current (fetched, or the server said 304); `changed`, a new copy replaced the kept one;
    `warning`, one line about malformed entries skipped in the fetched catalog, if any.

    A tuple with named fields (core/keys.NamedFields), not a dataclass or a
    `collections.namedtuple`: `pytui list` and every install with the default catalog import
    this module.
    """

    __slots__ = ()
    _fields = ("ok", "changed", "message", "url", "builds", "fetched_at", "warning")
    if TYPE_CHECKING:
        ok: bool
        changed: bool
        message: str
        url: str
        builds: int | None
        fetched_at: float | None
        warning: str | None

    def __new__(cls, ok: bool, changed: bool, message: str, url: str, builds: int | None = None,
                fetched_at: float | None = None, warning: str | None = None) -> RefreshResult:
        return tuple.__new__(cls, (ok, changed, message, url, builds, fetched_at, warning))


def _number(value: object, now: float) -> float | None:
    """A finite time stamp no later than a day from now (a clock may be a little off)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        stamp = float(value)
    except OverflowError:  # an int of hundreds of digits
        return None
    return stamp if math.isfinite(stamp) and 0 <= stamp <= now + 86400 else None


def _read_meta(path: Path) -> dict:
    """The kept catalog's meta file, validated: only known fields of the right types survive.

    A meta file that is not a small regular file of a JSON object is removed (it is rewritten
    by the next refresh); a bad field is dropped.
    """
    from pytui.core.catalog_fetch import valid_etag

    try:
        data = read_regular_file(path, MAX_META_BYTES)
    except FileNotFoundError:
        return {}
    except OSError:
        discard(path)
        return {}
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        doc = None
    if type(doc) is not dict:
        discard(path)
        return {}
    now = time.time()
    meta: dict = {}
    url = doc.get("url")
    if type(url) is str and 0 < len(url) <= MAX_URL_LENGTH and url.isprintable():
        meta["url"] = url
    etag = valid_etag(doc.get("etag"))
    if etag is not None:
        meta["etag"] = etag
    for name in ("fetched_at", "checked_at"):
        stamp = _number(doc.get(name), now)
        if stamp is not None:
            meta[name] = stamp
    for name in ("builds", "skipped", "invalid"):
        count = doc.get(name)
        if type(count) is int and count >= 0:
            meta[name] = count
    return meta


def describe_age(fetched_at: float | None, now: float | None = None) -> str:
    """`just now`, `5 minutes ago`, `3 hours ago`, `2 days ago`; `never` for None."""
    if fetched_at is None:
        return "never"
    seconds = max(0.0, (now or time.time()) - fetched_at)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def kept_catalog_paths(state_dir: Path) -> tuple[Path, Path]:
    return state_dir / KEPT_CATALOG, state_dir / KEPT_META


def load_kept_catalog(state_dir: Path, problems: list[str] | None = None) -> Catalog | None:
    """The last fetched catalog, or None if there is none.

    A kept copy that is not a regular file, is too large, no longer parses or lists no build
    is discarded (with its meta file): the next refresh fetches a whole new copy instead of
    asking the server whether this one is current. Why, one line, goes to `problems`.
    """
    path, meta_path = kept_catalog_paths(state_dir)
    try:
        parsed = cached_parse(path, "uv-json", state_dir,
                              lambda data: parse_catalog(data, str(path)))
    except FileNotFoundError:
        return None
    except (OSError, CatalogError) as err:
        if isinstance(err, OSError) and err.errno in _CANNOT_EXIST:
            return None  # no kept catalog: nothing was discarded
        cause = describe(err) if isinstance(err, OSError) else _parse_cause(str(err), path)
        _discard(path, meta_path, cause, problems)
        return None
    if not parsed.builds:
        _discard(path, meta_path, "it lists no builds pytui understands", problems)
        return None
    meta = _read_meta(meta_path)
    fetched_at = meta.get("fetched_at")
    if fetched_at is None:
        with contextlib.suppress(OSError):
            fetched_at = path.stat().st_mtime
    url = meta.get("url") or "the network"
    return catalog_from(parsed, f"fetched from {url}", fetched_at)


# A state dir under a file, or a name too long: no kept catalog can be there.
_CANNOT_EXIST = frozenset({errno.ENOTDIR, errno.ENAMETOOLONG})


def _parse_cause(message: str, path: Path | str) -> str:
    """`catalog PATH is not valid JSON (…); point --downloads-json at …` -> `it is not valid
    JSON (…)`: the parser's advice is for a file the user named, not for pytui's own copy nor
    for the catalog URL a refresh fetches."""
    head = f"catalog {path} "
    if not message.startswith(head):
        return message
    return "it " + message[len(head):].split("; ", 1)[0]


def _discard(path: Path, meta_path: Path, cause: str, problems: list[str] | None) -> None:
    discard(path, meta_path)
    if problems is not None:
        # The list shown shrinks to the built-in one: said, or it looks like builds vanished.
        problems.append(f"ignored the kept catalog {path}: {cause}; the built-in list is shown "
                        "until a refresh fetches it again (pytui list --refresh, r in the TUI)")


def merge_catalogs(preferred: Catalog, fallback: Catalog) -> Catalog:
    """`preferred`'s builds plus `fallback`'s for keys `preferred` lacks."""
    keys = preferred.keys()
    builds = list(preferred.builds)
    builds.extend(build for build in fallback.builds if build[:9] not in keys)
    age = describe_age(preferred.fetched_at)
    return Catalog(builds, source=f"{preferred.source} ({age}) over {fallback.source}",
                   skipped=preferred.skipped + fallback.skipped,
                   invalid=preferred.invalid + fallback.invalid,
                   problem=preferred.problem or fallback.problem,
                   fetched_at=preferred.fetched_at)


# How a refresh that reached no usable catalog begins (refresh_catalog's lines): the catalog
# shown is the kept or embedded one, and the user can retry, work offline, or name another.
_FETCHED_NOTHING = ("could not refresh the catalog", "refused the catalog")
# What to do then, on the command line (the TUI says it with its keys: app/listing_messages.py).
CLI_NEXT_STEP = ("pytui list --refresh tries again, --offline works from the cache, or "
                 "PYTUI_CATALOG_URL names a reachable catalog")


def fetched_nothing(message: str) -> bool:
    """Whether a refresh's line says it reached no usable catalog (a line that has its own
    next step, such as a state dir that cannot be written, does not)."""
    return message.startswith(_FETCHED_NOTHING)


def refresh_catalog(settings) -> RefreshResult:
    """Fetch `settings.catalog_url` (If-None-Match with the kept ETag when the kept copy is
    valid), validate it by parsing, and replace the kept copy atomically.

    Never raises for network, server, data or state-dir trouble: on any failure the kept copy
    stays and the result's one-line message says so. (A bad environment value is a
    `UsageError`, raised as for every command.)
    """
    url = settings.catalog_url
    state_dir = Path(settings.state_dir)
    path, meta_path = kept_catalog_paths(state_dir)
    old = load_kept_catalog(state_dir)  # validated: a bad copy is discarded, never revalidated
    meta = _read_meta(meta_path) if old is not None else {}
    kept_age = describe_age(old.fetched_at if old is not None else None)
    kept_from = meta.get("url")
    elsewhere = f" from {kept_from}" if kept_from and kept_from != url else ""
    kept = (f"kept the catalog fetched {kept_age}{elsewhere}" if old is not None
            else "kept the embedded catalog")
    headers = {}
    if old is not None and meta.get("etag") and meta.get("url") == url:
        headers["If-None-Match"] = meta["etag"]
    try:
        fetched = fetch(settings, url, "refreshing the catalog", headers)
    except OfflineError:
        return RefreshResult(False, False, f"offline: did not refresh the catalog; {kept}", url)
    except UsageError:
        raise
    except Exception as err:  # noqa: BLE001 - any httpx (imported lazily)/network failure, a body too large or too slow
        return RefreshResult(False, False,
                             f"could not refresh the catalog from {url} "
                             f"({describe_network_error(err, url)}); {kept}",
                             url)
    from pytui.core.atomic import write_atomic  # a refresh writes; loading the kept copy does not

    now = time.time()
    if fetched.status == 304 and old is not None:
        meta.update(checked_at=now)
        with contextlib.suppress(OSError):
            write_atomic(meta_path, json.dumps(meta).encode("utf-8"), make_parents=True)
        return RefreshResult(True, False,
                             f"catalog is up to date (fetched {kept_age} from {url})", url,
                             fetched_at=meta.get("fetched_at"))
    if fetched.status != 200:
        return RefreshResult(False, False, f"could not refresh the catalog from {url} "
                                           f"(HTTP {fetched.status}); {kept}", url)
    try:
        parsed = parse_catalog(fetched.data, url)
    except CatalogError as err:
        return RefreshResult(False, False, f"refused the catalog from {url}: {_parse_cause(str(err), url)}; "
                                           f"{kept}", url)
    if not parsed.builds:
        return RefreshResult(False, False, f"refused the catalog from {url}: it lists no builds "
                                           f"pytui understands; {kept}", url)
    try:
        write_atomic(path, fetched.data, make_parents=True)
        write_atomic(meta_path, json.dumps({
            "url": url, "etag": fetched.etag, "fetched_at": now, "checked_at": now,
            "builds": len(parsed.builds), "skipped": parsed.skipped, "invalid": parsed.invalid,
        }).encode("utf-8"), make_parents=True)
    except OSError as err:
        discard(meta_path)  # never an old ETag beside a new copy, or the reverse
        from pytui.core.fs_errors import reason, remedy

        return RefreshResult(False, False, f"fetched the catalog from {url} but could not keep it "
                                           f"in the state dir {state_dir}: {reason(err, state_dir)}; "
                                           f"{remedy(err, 'set PYTUI_STATE_DIR to another directory', state_dir)}; "
                                           f"{kept}", url)
    builds = parsed.builds
    previous = set(old.by_key) if old is not None else set()
    new = len({build.key for build in builds} - previous) if previous else len(builds)
    detail = f"{new} new" if previous else "first fetch"
    warning = catalog_from(parsed, f"from {url}").warning
    return RefreshResult(True, True,
                         f"catalog refreshed from {url}: {len(builds)} "
                         f"build{'' if len(builds) == 1 else 's'} ({detail})", url,
                         builds=len(builds), fetched_at=now, warning=warning)


_fields(RefreshResult, RefreshResult._fields)
