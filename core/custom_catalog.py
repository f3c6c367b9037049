"""A custom catalog (`--downloads-json` / `UV_PYTHON_DOWNLOADS_JSON_URL`: a path, `file://`
or `http(s)` URL in uv's format), which replaces every other source, as in uv.

A local file is read (bounded, regular files only) and parsed through the parsed-catalog
cache. A remote one is kept in the state dir (`downloads-json/<hash of the URL>.json`), reused
without a request for ten minutes, and used as it is offline or when a refresh fails, as uv
uses its stale copy.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from pytui.core.bounded_read import FileTooLarge, NotRegularFile
from pytui.core.catalog import Catalog, parse_catalog
from pytui.core.errors import (
    CatalogError,
    OfflineError,
    PytuiError,
    UsageError,
    describe_error,
    describe_network_error,
)
from pytui.core.parsed_cache import cached_parse
from pytui.core.source_common import catalog_from, discard, fetch

CUSTOM_DIR = "downloads-json"


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _local_path(value: str) -> Path:
    if value.startswith("file://"):
        import os
        from urllib.parse import unquote_to_bytes, urlsplit

        # To bytes, as uv decodes a file URL (url2pathname's UTF-8 made `%FF` a `�`).
        parts = urlsplit(value)
        if parts.netloc not in ("", "localhost"):
            # Another machine's file, which was read from this one's path (uv: "Invalid
            # download URL").
            raise CatalogError(f"catalog {_shown(value)} names the host {parts.netloc[:64]!r}: "
                               "pytui reads files of this machine; point --downloads-json / "
                               "UV_PYTHON_DOWNLOADS_JSON_URL at file:///PATH or a path")
        return Path(os.fsdecode(unquote_to_bytes(parts.path)))
    return Path(value)  # `~` not expanded, as uv reads it (core/paths._as_written)


def _shown(value: str) -> str:
    """A source as an error line names it: long ones cut."""
    return value if len(value) <= 200 else value[:200] + "..."


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
        discard(kept)
        return None
    return catalog_from(parsed, f"{_shown(value)} (kept copy)", fetched_at)


def load_custom_catalog(settings, *, refresh: bool) -> Catalog:
    """The catalog `settings.downloads_json` names; `CatalogError` when it cannot be read or
    parsed (or fetched, with no kept copy), `OfflineError` offline with no kept copy."""
    value = settings.downloads_json
    if not _is_url(value):
        path = _local_path(value)
        try:
            parsed = cached_parse(path, "uv-json", settings.state_dir,
                                  lambda data: parse_catalog(data, _shown(value)))
        except OSError as err:
            raise _read_error(value, err) from None
        return catalog_from(parsed, value)
    from pytui.core.url_host import host_fault, parser_fault, port_fault

    # No host (`http://`), one no URL parser takes (`http://[::1/c.json`), a port past 65535:
    # said as such, not as httpx's `missing an 'http://' or 'https://' protocol`, a refused
    # connection or a fetch to check the network for.
    fault = host_fault(value) or port_fault(value) or parser_fault(value)
    if fault is not None:
        raise CatalogError(f"catalog {_shown(value)} is {fault}; fix --downloads-json / "
                           "UV_PYTHON_DOWNLOADS_JSON_URL")
    kept_path = _custom_cache_path(settings.state_dir, value)
    kept = _load_kept_custom(settings, value, kept_path)
    if kept is not None and (settings.offline or not refresh and _fresh(kept_path)):
        # Offline, uv also uses its stale cached copy of a remote downloads JSON.
        kept.reused = not settings.offline
        return kept
    if settings.offline:
        raise OfflineError(f"catalog {_shown(value)} has never been fetched and pytui is "
                           "offline; go online once, or point --downloads-json at a local file")
    try:
        fetched = fetch(settings, value, f"fetching {_shown(value)}")
        if fetched.status != 200:
            if kept is not None:
                return _stale(kept, value, kept_path, f"HTTP {fetched.status}")
            raise CatalogError(f"catalog {_shown(value)} could not be fetched "
                               f"(HTTP {fetched.status}); check the URL")
        parsed = parse_catalog(fetched.data, _shown(value))
    except PytuiError as err:
        # A bad environment value is the user's to fix (exit 2), kept copy or not.
        if kept is None or isinstance(err, UsageError):
            raise
        return _stale(kept, value, kept_path, describe_error(err))
    except Exception as err:  # noqa: BLE001 - httpx (imported lazily) or network failure: keep what we have
        why = describe_network_error(err, value)
        if kept is not None:
            return _stale(kept, value, kept_path, why)
        raise CatalogError(f"catalog {_shown(value)} could not be fetched ({why}); "
                           "check the URL and the network, or use a local file") from None
    if parsed.builds:
        with contextlib.suppress(OSError):  # an unwritable state dir only costs the kept copy
            from pytui.core.atomic import write_atomic  # a remote catalog only

            write_atomic(kept_path, fetched.data, make_parents=True)
    return catalog_from(parsed, value, time.time())


def _stale(kept: Catalog, value: str, kept_path: Path, why: str) -> Catalog:
    """The kept copy standing in for a URL that could not be fetched, saying so: `pytui list`
    and `install` listed it without a word (a `--refresh` too), the TUI's header only its age."""
    kept.source = f"{kept.source}; refresh failed: {why}"
    # Its age in the words the TUI's header gives a catalog's (`5 minutes ago`).
    from pytui.core.kept_catalog import describe_age

    try:
        age = f" {describe_age(kept_path.stat().st_mtime)}"
    except OSError:
        age = ""
    kept.stale = (f"could not fetch the catalog {_shown(value)} ({why}); using the copy kept"
                  f"{age}; check the URL and the network (offline, --offline or o in the TUI, "
                  "it is used without asking)")
    return kept


# How far ahead of this clock a kept copy's time stamp may be and still count as just fetched
# (a file server's clock a little ahead). Further ahead, the clock was stepped back since, or
# the copy came from elsewhere: its age is unknown, so it is fetched again.
CLOCK_SLACK = 60.0


def _fresh(path: Path, max_age: float = 600.0) -> bool:
    """A remote custom catalog fetched in the last ten minutes is reused without a request."""
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return False
    return -CLOCK_SLACK <= age < max_age
