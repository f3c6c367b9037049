"""Where the catalog comes from, and how the kept copy is refreshed.

The order (docs/architecture.md#catalog-sources):

1. `settings.downloads_json` (`--downloads-json` / `UV_PYTHON_DOWNLOADS_JSON_URL`: a path,
   `file://` or `http(s)` URL in uv's format) replaces everything, as in uv. An http(s) one is
   kept in the state dir so an offline run can still use the last copy.
2. Otherwise the catalog last fetched from `settings.catalog_url` (kept as
   `<state dir>/catalog.json`, with its ETag and fetch time in `catalog.meta.json`) merged
   over
3. the embedded default from pbs-installer; the fetched copy wins for keys in both.

Every HTTP request goes through `core.http.make_client`, so offline mode opens no socket.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
from collections import namedtuple
from pathlib import Path

from pytui.core.bounded_read import FileTooLarge, NotRegularFile, read_regular_file
from pytui.core.catalog import (
    MAX_URL_LENGTH,
    Catalog,
    ParsedCatalog,
    parse_catalog,
)
from pytui.core.errors import CatalogError, OfflineError, PytuiError, UsageError
from pytui.core.keys import TYPE_CHECKING
from pytui.core.parsed_cache import cached_parse

# hashlib, tempfile, urllib.request, httpx and the embedded catalog are imported where used:
# `pytui list --downloads-json FILE` needs none of them and must start quickly.

KEPT_CATALOG = "catalog.json"
KEPT_META = "catalog.meta.json"
CUSTOM_DIR = "downloads-json"
# The meta file is a few hundred bytes; anything bigger is not one pytui wrote.
MAX_META_BYTES = 64 * 1024


class RefreshResult(namedtuple("RefreshResult", "ok changed message url builds fetched_at warning",
                               defaults=(None, None, None))):
    """What `refresh_catalog` did, with one line to show the user: `ok`, the kept copy is now
    current (fetched, or the server said 304); `changed`, a new copy replaced the kept one;
    `warning`, one line about malformed entries skipped in the fetched catalog, if any.

    Named tuples, not dataclasses, here: `pytui list` imports this module.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        ok: bool
        changed: bool
        message: str
        url: str
        builds: int | None
        fetched_at: float | None
        warning: str | None


class CatalogRefresh(namedtuple("CatalogRefresh", "catalog message ok warning", defaults=(None,))):
    """What `refresh_and_reload` gives the TUI: the catalog to show now (None: keep the
    current one), one line saying what happened, whether it worked, and a warning line about
    malformed entries (None if there were none)."""

    __slots__ = ()

    if TYPE_CHECKING:
        catalog: Catalog | None
        message: str
        ok: bool
        warning: str | None


# --- small file helpers --------------------------------------------------------------------


def _atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so readers see the old file or the new one, never a part."""
    import tempfile

    created = not path.parent.is_dir()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except BaseException:
        if created:  # a full disk: leave the state dir as it was
            with contextlib.suppress(OSError):
                path.parent.rmdir()
        raise


def _discard(*paths: Path) -> None:
    """Remove state files found bad, so the next run rebuilds them instead of tripping again."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


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
        _discard(path)
        return {}
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        doc = None
    if type(doc) is not dict:
        _discard(path)
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


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _local_path(value: str) -> Path:
    if value.startswith("file://"):
        from urllib.parse import urlsplit
        from urllib.request import url2pathname

        return Path(url2pathname(urlsplit(value).path))
    return Path(value).expanduser()


def _shown(value: str) -> str:
    """A source as an error line names it: long ones cut."""
    return value if len(value) <= 200 else value[:200] + "..."


def _catalog(parsed: ParsedCatalog, source: str, fetched_at: float | None = None) -> Catalog:
    return Catalog(parsed.builds, source=source, skipped=parsed.skipped, invalid=parsed.invalid,
                   problem=parsed.problem, fetched_at=fetched_at, parsed=True)


def _read_error(value: str, err: OSError) -> CatalogError:
    """One line for a local catalog that cannot be read: what it is, why, what to do."""
    shown = _shown(value)
    if isinstance(err, NotRegularFile):
        return CatalogError(f"catalog {shown} is {err.strerror}; point --downloads-json / "
                            "UV_PYTHON_DOWNLOADS_JSON_URL at a regular file")
    if isinstance(err, FileTooLarge):
        return CatalogError(f"catalog {shown} is too large ({err.strerror}); point "
                            "--downloads-json at a uv download-metadata.json")
    return CatalogError(f"catalog {shown} could not be read ({err.strerror or err}); "
                        "check --downloads-json / UV_PYTHON_DOWNLOADS_JSON_URL")


# --- the kept catalog ----------------------------------------------------------------------


def kept_catalog_paths(state_dir: Path) -> tuple[Path, Path]:
    return state_dir / KEPT_CATALOG, state_dir / KEPT_META


def load_kept_catalog(state_dir: Path) -> Catalog | None:
    """The last fetched catalog, or None if there is none.

    A kept copy that is not a regular file, is too large, no longer parses or lists no build
    is discarded (with its meta file): the next refresh fetches a whole new copy instead of
    asking the server whether this one is current.
    """
    path, meta_path = kept_catalog_paths(state_dir)
    try:
        parsed = cached_parse(path, "uv-json", state_dir,
                              lambda data: parse_catalog(data, str(path)))
    except FileNotFoundError:
        return None
    except (OSError, CatalogError):
        _discard(path, meta_path)
        return None
    if not parsed.builds:
        _discard(path, meta_path)
        return None
    meta = _read_meta(meta_path)
    fetched_at = meta.get("fetched_at")
    if fetched_at is None:
        with contextlib.suppress(OSError):
            fetched_at = path.stat().st_mtime
    url = meta.get("url") or "the network"
    return _catalog(parsed, f"fetched from {url}", fetched_at)


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


# --- fetching ------------------------------------------------------------------------------


def _fetch(settings, url: str, what: str, headers: dict[str, str] | None = None):
    """`catalog_fetch.fetch_catalog` through `core.http.make_client` (OfflineError offline)."""
    from pytui.core.catalog_fetch import fetch_catalog
    from pytui.core.http import make_client

    with make_client(offline=settings.offline, what=what, env=settings.env) as client:
        return fetch_catalog(client, url, headers=headers)


def _brief(err: BaseException) -> str:
    if isinstance(err, PytuiError):
        return str(err)
    text = " ".join(str(err).split())[:200]
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


# --- a custom catalog (--downloads-json) ---------------------------------------------------


def _custom_cache_path(state_dir: Path, url: str) -> Path:
    import hashlib

    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return state_dir / CUSTOM_DIR / f"{digest}.json"


def _load_kept_custom(settings, value: str, kept: Path) -> Catalog | None:
    """The kept copy of a remote --downloads-json, or None; a bad copy is discarded."""
    try:
        parsed = cached_parse(kept, "uv-json", settings.state_dir,
                              lambda data: parse_catalog(data, value))
        fetched_at = kept.stat().st_mtime
    except FileNotFoundError:
        return None
    except (OSError, CatalogError):
        _discard(kept)
        return None
    return _catalog(parsed, f"{_shown(value)} (kept copy)", fetched_at)


def _load_custom(settings, *, refresh: bool) -> Catalog:
    value = settings.downloads_json
    if not _is_url(value):
        path = _local_path(value)
        try:
            parsed = cached_parse(path, "uv-json", settings.state_dir,
                                  lambda data: parse_catalog(data, _shown(value)))
        except OSError as err:
            raise _read_error(value, err) from None
        return _catalog(parsed, value)
    kept_path = _custom_cache_path(settings.state_dir, value)
    kept = _load_kept_custom(settings, value, kept_path)
    if kept is not None and (settings.offline or not refresh and _fresh(kept_path)):
        # Offline, uv also uses its stale cached copy of a remote downloads JSON.
        return kept
    if settings.offline:
        raise OfflineError(f"catalog {_shown(value)} has never been fetched and pytui is "
                           "offline; go online once, or point --downloads-json at a local file")
    try:
        fetched = _fetch(settings, value, f"fetching {_shown(value)}")
        if fetched.status != 200:
            raise CatalogError(f"catalog {_shown(value)} could not be fetched "
                               f"(HTTP {fetched.status}); check the URL")
        parsed = parse_catalog(fetched.data, _shown(value))
    except PytuiError as err:
        # A bad environment value is the user's to fix (exit 2), kept copy or not.
        if kept is None or isinstance(err, UsageError):
            raise
        return _with_note(kept, f"refresh failed: {_brief(err)}")
    except Exception as err:  # noqa: BLE001 - httpx (imported lazily) or network failure: keep what we have
        if kept is not None:
            return _with_note(kept, f"refresh failed: {_brief(err)}")
        raise CatalogError(f"catalog {_shown(value)} could not be fetched ({_brief(err)}); "
                           "check the URL and the network, or use a local file") from None
    if parsed.builds:
        with contextlib.suppress(OSError):  # an unwritable state dir only costs the kept copy
            _atomic_write(kept_path, fetched.data)
    return _catalog(parsed, value, time.time())


def _with_note(catalog: Catalog, note: str) -> Catalog:
    catalog.source = f"{catalog.source}; {note}"
    return catalog


def _fresh(path: Path, max_age: float = 600.0) -> bool:
    """A remote custom catalog fetched in the last ten minutes is reused without a request."""
    try:
        return time.time() - path.stat().st_mtime < max_age
    except OSError:
        return False


# --- public API ----------------------------------------------------------------------------


@contextlib.contextmanager
def _gc_paused():
    """Parsing a catalog allocates ~100k objects and no cycles; pausing the cyclic GC meanwhile
    saves a fifth of the load time. The previous state is restored."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# From this many builds on, a loaded catalog is frozen out of the collector's generations.
FREEZE_AT_BUILDS = 50_000


def load_catalog(settings, *, refresh: bool = False) -> Catalog:
    """The catalog for this run, from the sources in docs/architecture.md#catalog-sources.

    With `refresh`, the kept copy is refreshed first (see `refresh_catalog`; a failure keeps
    what there is) and the result is left on the returned catalog as `refresh_result`.
    Raises `CatalogError` only for a `--downloads-json` source that cannot be read or parsed.
    """
    with _gc_paused():
        catalog = _load_catalog(settings, refresh=refresh)
    if len(catalog) >= FREEZE_AT_BUILDS:
        import gc

        # A big catalog lives as long as the run: later collections in a long run (the TUI)
        # need not walk it again (at 200,000 builds each walk took 0.4 s). Builds hold no
        # cycles, so freezing them keeps nothing alive that refcounting would free.
        gc.freeze()
    return catalog


def _load_catalog(settings, *, refresh: bool) -> Catalog:
    if settings.downloads_json:
        catalog = _load_custom(settings, refresh=refresh)
        catalog.refresh_result = None  # type: ignore[attr-defined]  # an attribute the refresh adds to this run's catalog
        return catalog
    from pytui.core.embedded import load_embedded_catalog

    result = refresh_catalog(settings) if refresh else None
    embedded = load_embedded_catalog(settings.state_dir)
    kept = load_kept_catalog(settings.state_dir)
    catalog = merge_catalogs(kept, embedded) if kept is not None else embedded
    catalog.refresh_result = result  # type: ignore[attr-defined]  # an attribute the refresh adds to this run's catalog
    return catalog


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
    kept = f"kept the catalog fetched {kept_age}" if old is not None else "kept the embedded catalog"
    headers = {}
    if old is not None and meta.get("etag") and meta.get("url") == url:
        headers["If-None-Match"] = meta["etag"]
    try:
        fetched = _fetch(settings, url, "refreshing the catalog", headers)
    except OfflineError:
        return RefreshResult(False, False, f"offline: did not refresh the catalog; {kept}", url)
    except UsageError:
        raise
    except Exception as err:  # noqa: BLE001 - any httpx (imported lazily)/network failure, a body too large or too slow
        return RefreshResult(False, False,
                             f"could not refresh the catalog from {url} ({_brief(err)}); {kept}",
                             url)
    now = time.time()
    if fetched.status == 304 and old is not None:
        meta.update(checked_at=now)
        with contextlib.suppress(OSError):
            _atomic_write(meta_path, json.dumps(meta).encode("utf-8"))
        return RefreshResult(True, False,
                             f"catalog is up to date (fetched {kept_age} from {url})", url,
                             fetched_at=meta.get("fetched_at"))
    if fetched.status != 200:
        return RefreshResult(False, False, f"could not refresh the catalog from {url} "
                                           f"(HTTP {fetched.status}); {kept}", url)
    try:
        parsed = parse_catalog(fetched.data, url)
    except CatalogError as err:
        return RefreshResult(False, False, f"refused the catalog from {url}: {err}; {kept}", url)
    if not parsed.builds:
        return RefreshResult(False, False, f"refused the catalog from {url}: it lists no builds "
                                           f"pytui understands; {kept}", url)
    try:
        _atomic_write(path, fetched.data)
        _atomic_write(meta_path, json.dumps({
            "url": url, "etag": fetched.etag, "fetched_at": now, "checked_at": now,
            "builds": len(parsed.builds), "skipped": parsed.skipped, "invalid": parsed.invalid,
        }).encode("utf-8"))
    except OSError as err:
        _discard(meta_path)  # never an old ETag beside a new copy, or the reverse
        from pytui.core.fs_errors import reason, remedy

        return RefreshResult(False, False, f"fetched the catalog from {url} but could not keep it "
                                           f"in the state dir {state_dir}: {reason(err, state_dir)}; "
                                           f"{remedy(err, 'set PYTUI_STATE_DIR to another directory')}; "
                                           f"{kept}", url)
    builds = parsed.builds
    previous = set(old.by_key) if old is not None else set()
    new = len({build.key for build in builds} - previous) if previous else len(builds)
    detail = f"{new} new" if previous else "first fetch"
    warning = _catalog(parsed, f"from {url}").warning
    return RefreshResult(True, True,
                         f"catalog refreshed from {url}: {len(builds)} builds ({detail})", url,
                         builds=len(builds), fetched_at=now, warning=warning)


def refresh_and_reload(settings) -> CatalogRefresh:
    """Refresh the catalog and read it back, for the TUI's background refresh. Never raises
    an Exception: every failure is the result's one line (`ok` False), so a caller can always
    leave its "refreshing..." state.

    With `--downloads-json`, the custom source is re-read (a URL is re-fetched); otherwise the
    kept catalog is refreshed (`refresh_catalog`) and, when it changed, the merged catalog is
    loaded again (`catalog` None means: keep showing the current one).
    """
    try:
        if settings.downloads_json:
            custom = load_catalog(settings, refresh=True)
            return CatalogRefresh(custom, f"catalog reloaded from {custom.source}", True,
                                  custom.warning)
        result = refresh_catalog(settings)
        catalog = load_catalog(settings) if result.changed else None
        warning = result.warning or (catalog.warning if catalog is not None else None)
        return CatalogRefresh(catalog, result.message, result.ok, warning)
    except PytuiError as err:
        return CatalogRefresh(None, str(err), False)
    except OSError as err:
        return CatalogRefresh(None, f"could not read the catalog ({err.strerror or err}); "
                                    f"check {settings.state_dir}", False)
    except Exception as err:  # noqa: BLE001 - the TUI's last line of defence: say it, never hang on it
        return CatalogRefresh(None, f"catalog refresh failed ({_brief(err)})", False)
