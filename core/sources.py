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
import os
import time
from dataclasses import dataclass
from pathlib import Path

from pytui.core.catalog import Catalog, parse_uv_json
from pytui.core.errors import CatalogError, OfflineError
from pytui.core.http import make_client
from pytui.core.parsed_cache import cached_parse

# hashlib, tempfile, urllib.request and the embedded catalog are imported where used:
# `pytui list --downloads-json FILE` needs none of them and must start quickly.

KEPT_CATALOG = "catalog.json"
KEPT_META = "catalog.meta.json"
CUSTOM_DIR = "downloads-json"


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """What `refresh_catalog` did, with one line to show the user."""

    ok: bool  # the kept copy is now current (fetched, or the server said 304)
    changed: bool  # a new copy replaced the kept one
    message: str
    url: str
    builds: int | None = None
    fetched_at: float | None = None


# --- small file helpers --------------------------------------------------------------------


def _atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so readers see the old file or the new one, never a part."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
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


def _read_meta(path: Path) -> dict:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


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


# --- the kept catalog ----------------------------------------------------------------------


def kept_catalog_paths(state_dir: Path) -> tuple[Path, Path]:
    return state_dir / KEPT_CATALOG, state_dir / KEPT_META


def load_kept_catalog(state_dir: Path) -> Catalog | None:
    """The last fetched catalog, or None if there is none (or it no longer parses)."""
    path, meta_path = kept_catalog_paths(state_dir)
    try:
        builds, skipped = cached_parse(path, "uv-json", state_dir,
                                       lambda data: parse_uv_json(data, str(path)))
    except (OSError, CatalogError):
        return None
    meta = _read_meta(meta_path)
    fetched_at = meta.get("fetched_at")
    if not isinstance(fetched_at, (int, float)):
        fetched_at = path.stat().st_mtime
    url = meta.get("url") or "the network"
    return Catalog(builds, source=f"fetched from {url}", skipped=skipped,
                   fetched_at=float(fetched_at))


def merge_catalogs(preferred: Catalog, fallback: Catalog) -> Catalog:
    """`preferred`'s builds plus `fallback`'s for keys `preferred` lacks."""
    keys = preferred.by_key
    builds = list(preferred.builds)
    builds.extend(build for build in fallback.builds if build.key not in keys)
    age = describe_age(preferred.fetched_at)
    return Catalog(builds, source=f"{preferred.source} ({age}) over {fallback.source}",
                   skipped=preferred.skipped + fallback.skipped,
                   fetched_at=preferred.fetched_at)


# --- a custom catalog (--downloads-json) ---------------------------------------------------


def _custom_cache_path(state_dir: Path, url: str) -> Path:
    import hashlib

    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return state_dir / CUSTOM_DIR / f"{digest}.json"


def _load_custom(settings, *, refresh: bool) -> Catalog:
    value = settings.downloads_json
    if not _is_url(value):
        path = _local_path(value)
        try:
            builds, skipped = cached_parse(path, "uv-json", settings.state_dir,
                                           lambda data: parse_uv_json(data, value))
        except OSError as err:
            raise CatalogError(
                f"catalog {value} could not be read ({err.strerror or err}); "
                "check --downloads-json / UV_PYTHON_DOWNLOADS_JSON_URL") from None
        return Catalog(builds, source=value, skipped=skipped)
    cached = _custom_cache_path(settings.state_dir, value)
    if settings.offline or not refresh and _fresh(cached):
        # Offline, uv also uses its stale cached copy of a remote downloads JSON.
        if cached.is_file():
            builds, skipped = parse_uv_json(cached.read_bytes(), value)
            return Catalog(builds, source=f"{value} (kept copy)", skipped=skipped,
                           fetched_at=cached.stat().st_mtime)
        if settings.offline:
            raise OfflineError(f"catalog {value} has never been fetched and pytui is offline; "
                               "go online once, or point --downloads-json at a local file")
    try:
        with make_client(offline=settings.offline, what=f"fetching {value}",
                         env=settings.env) as client:
            response = client.get(value)
    except OfflineError:
        raise
    except Exception as err:  # httpx errors: keep what we have
        if cached.is_file():
            builds, skipped = parse_uv_json(cached.read_bytes(), value)
            return Catalog(builds, source=f"{value} (kept copy; refresh failed: {_brief(err)})",
                           skipped=skipped, fetched_at=cached.stat().st_mtime)
        raise CatalogError(f"catalog {value} could not be fetched ({_brief(err)}); "
                           "check the URL and the network, or use a local file") from None
    if response.status_code != 200:
        raise CatalogError(f"catalog {value} could not be fetched (HTTP {response.status_code}); "
                           "check the URL")
    builds, skipped = parse_uv_json(response.content, value)
    _atomic_write(cached, response.content)
    return Catalog(builds, source=value, skipped=skipped, fetched_at=time.time())


def _fresh(path: Path, max_age: float = 600.0) -> bool:
    """A remote custom catalog fetched in the last ten minutes is reused without a request."""
    try:
        return time.time() - path.stat().st_mtime < max_age
    except OSError:
        return False


def _brief(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


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


def load_catalog(settings, *, refresh: bool = False) -> Catalog:
    """The catalog for this run, from the sources in docs/architecture.md#catalog-sources.

    With `refresh`, the kept copy is refreshed first (see `refresh_catalog`; a failure keeps
    what there is) and the result is left on the returned catalog as `refresh_result`.
    Raises `CatalogError` only for a `--downloads-json` source that cannot be read or parsed.
    """
    with _gc_paused():
        return _load_catalog(settings, refresh=refresh)


def _load_catalog(settings, *, refresh: bool) -> Catalog:
    if settings.downloads_json:
        catalog = _load_custom(settings, refresh=refresh)
        catalog.refresh_result = None  # type: ignore[attr-defined]
        return catalog
    from pytui.core.embedded import load_embedded_catalog

    result = refresh_catalog(settings) if refresh else None
    embedded = load_embedded_catalog(settings.state_dir)
    kept = load_kept_catalog(settings.state_dir)
    catalog = merge_catalogs(kept, embedded) if kept is not None else embedded
    catalog.refresh_result = result  # type: ignore[attr-defined]
    return catalog


def refresh_catalog(settings) -> RefreshResult:
    """Fetch `settings.catalog_url` (If-None-Match with the kept ETag), validate it by parsing,
    and replace the kept copy atomically. Never raises for network trouble: on any failure the
    kept copy stays and the result's one-line message says so."""
    url = settings.catalog_url
    state_dir = Path(settings.state_dir)
    path, meta_path = kept_catalog_paths(state_dir)
    meta = _read_meta(meta_path)
    have_copy = path.is_file()
    kept_age = describe_age(meta.get("fetched_at") if have_copy else None)
    kept = f"kept the catalog fetched {kept_age}" if have_copy else "kept the embedded catalog"
    headers = {}
    if have_copy and meta.get("etag") and meta.get("url") == url:
        headers["If-None-Match"] = meta["etag"]
    try:
        with make_client(offline=settings.offline, what="refreshing the catalog",
                         env=settings.env) as client:
            response = client.get(url, headers=headers)
    except OfflineError:
        return RefreshResult(False, False, f"offline: did not refresh the catalog; {kept}", url)
    except Exception as err:  # any httpx/network failure
        return RefreshResult(False, False,
                             f"could not refresh the catalog from {url} ({_brief(err)}); {kept}",
                             url)
    now = time.time()
    if response.status_code == 304 and have_copy:
        meta.update(checked_at=now)
        _atomic_write(meta_path, json.dumps(meta).encode("utf-8"))
        return RefreshResult(True, False,
                             f"catalog is up to date (fetched {kept_age} from {url})", url,
                             fetched_at=meta.get("fetched_at"))
    if response.status_code != 200:
        return RefreshResult(False, False, f"could not refresh the catalog from {url} "
                                           f"(HTTP {response.status_code}); {kept}", url)
    data = response.content
    try:
        builds, skipped = parse_uv_json(data, url)
    except CatalogError as err:
        return RefreshResult(False, False, f"refused the catalog from {url}: {err}; {kept}", url)
    if not builds:
        return RefreshResult(False, False, f"refused the catalog from {url}: it lists no builds "
                                           f"pytui understands; {kept}", url)
    previous = set()
    if have_copy:
        old = load_kept_catalog(state_dir)
        previous = set(old.by_key) if old is not None else set()
    _atomic_write(path, data)
    _atomic_write(meta_path, json.dumps({
        "url": url, "etag": response.headers.get("ETag"), "fetched_at": now, "checked_at": now,
        "builds": len(builds), "skipped": skipped,
    }).encode("utf-8"))
    new = len({build.key for build in builds} - previous) if previous else len(builds)
    detail = f"{new} new" if previous else "first fetch"
    return RefreshResult(True, True,
                         f"catalog refreshed from {url}: {len(builds)} builds ({detail})", url,
                         builds=len(builds), fetched_at=now)
