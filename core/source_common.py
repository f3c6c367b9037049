"""What both catalog sources do alike: the kept catalog (core/kept_catalog.py) and a
`--downloads-json` (core/custom_catalog.py) fetch through the settings' HTTP client, make a
Catalog of a parsed document, and drop a state file found bad."""

from __future__ import annotations

import contextlib
from pathlib import Path

from pytui.core.catalog import Catalog, ParsedCatalog


def fetch(settings, url: str, what: str, headers: dict[str, str] | None = None):
    """`catalog_fetch.fetch_catalog` through `core.http.make_client` (OfflineError offline),
    under the archives' speed floor."""
    from pytui.core.catalog_fetch import fetch_catalog
    from pytui.core.http import TransferLimits, make_client

    with make_client(offline=settings.offline, what=what, env=settings.env) as client:
        return fetch_catalog(client, url, headers=headers, limits=TransferLimits.from_env(settings.env))


def catalog_from(parsed: ParsedCatalog, source: str, fetched_at: float | None = None) -> Catalog:
    return Catalog(parsed.source_builds, source=source, skipped=parsed.skipped, invalid=parsed.invalid,
                   problem=parsed.problem, fetched_at=fetched_at, parsed=True)


def discard(*paths: Path) -> None:
    """Remove state files found bad, so the next run rebuilds them instead of tripping again."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()
