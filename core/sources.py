"""Where the catalog comes from: the order of the sources, and the TUI's refresh.

The order (docs/architecture.md#catalog-sources):

1. `settings.downloads_json` (`--downloads-json` / `UV_PYTHON_DOWNLOADS_JSON_URL`: a path,
   `file://` or `http(s)` URL in uv's format) replaces everything, as in uv. An http(s) one is
   kept in the state dir so an offline run can still use the last copy.
2. Otherwise the catalog last fetched from `settings.catalog_url` (kept as
   `<state dir>/catalog.json`, with its ETag and fetch time in `catalog.meta.json`) merged
   over
3. the embedded default from pbs-installer; the fetched copy wins for keys in both.

Every HTTP request goes through `core.http.make_client`, so offline mode opens no socket.
A custom catalog is core/custom_catalog.py's, the kept one and its refresh core/kept_catalog.py's.
"""

from __future__ import annotations

from pytui.core.catalog import Catalog
from pytui.core.errors import PytuiError, describe_error
from pytui.core.gc_pause import gc_paused
from pytui.core.keys import TYPE_CHECKING, _fields

# The custom catalog's module, the kept catalog's (core/kept_catalog.py), urllib.request, httpx
# and the embedded catalog are imported where used: `pytui list --downloads-json FILE` and an
# install from a custom catalog need only the first and must start quickly.

# `refresh_catalog` is core/kept_catalog.py's, offered here beside `load_catalog`.
__all__ = ["FREEZE_AT_BUILDS", "CatalogRefresh", "load_catalog", "refresh_and_reload", "refresh_catalog"]


class CatalogRefresh(tuple):
    """What `refresh_and_reload` gives the TUI: the catalog to show now (None: keep the
    current one), one line saying what happened, whether it worked, and a warning line about
    malformed entries (None if there were none). (A tuple with named fields as core/keys.py
    makes them: `collections.namedtuple` compiles its `__new__` at every start.)"""

    __slots__ = ()
    _fields = ("catalog", "message", "ok", "warning")
    if TYPE_CHECKING:
        catalog: Catalog | None
        message: str
        ok: bool
        warning: str | None

    def __new__(cls, catalog: Catalog | None, message: str, ok: bool,
                warning: str | None = None) -> CatalogRefresh:
        return tuple.__new__(cls, (catalog, message, ok, warning))


_fields(CatalogRefresh, CatalogRefresh._fields)


def refresh_catalog(settings):  # -> kept_catalog.RefreshResult
    """core/kept_catalog.py's `refresh_catalog` (imported when a refresh is asked for)."""
    from pytui.core.kept_catalog import refresh_catalog as refresh

    return refresh(settings)


# From this many builds on, a loaded catalog is frozen out of the collector's generations.
FREEZE_AT_BUILDS = 50_000


def load_catalog(settings, *, refresh: bool = False, lazy: bool = False) -> Catalog:
    """The catalog for this run, from the sources in docs/architecture.md#catalog-sources.

    With `refresh`, the kept copy is refreshed first (see `refresh_catalog`; a failure keeps
    what there is) and the result is left on the returned catalog as `refresh_result`.
    Raises `CatalogError` only for a `--downloads-json` source that cannot be read or parsed.
    With `lazy`, builds read from the parsed-catalog cache are made when first used
    (`Catalog.key_rows`, `builds_at`), and a source found to disagree with its cache entry
    raises there instead (`pytui list`, which shows a few of thousands).
    """
    # Parsing a catalog allocates ~100k objects and no cycles: without the collector's passes
    # over them it loads a fifth faster.
    with gc_paused():
        catalog = _load_catalog(settings, refresh=refresh)
        if not lazy:
            catalog.builds  # noqa: B018 - made now, where a caller expects a CatalogError
    if len(catalog) >= FREEZE_AT_BUILDS:
        import gc

        # A big catalog lives as long as the run: later collections in a long run (the TUI)
        # need not walk it again (at 200,000 builds each walk took 0.4 s). Builds hold no
        # cycles, so freezing them keeps nothing alive that refcounting would free.
        gc.freeze()
    return catalog


def _load_catalog(settings, *, refresh: bool) -> Catalog:
    if settings.downloads_json:
        from pytui.core.custom_catalog import load_custom_catalog

        catalog = load_custom_catalog(settings, refresh=refresh)
        catalog.refresh_result = None  # type: ignore[attr-defined]  # an attribute the refresh adds to this run's catalog
        return catalog
    from pytui.core.embedded import load_embedded_catalog
    from pytui.core.kept_catalog import load_kept_catalog, merge_catalogs

    result = refresh_catalog(settings) if refresh else None
    embedded = load_embedded_catalog(settings.state_dir)
    problems: list[str] = []
    kept = load_kept_catalog(settings.state_dir, problems)
    catalog = merge_catalogs(kept, embedded) if kept is not None else embedded
    catalog.discarded = problems[0] if problems else ""
    catalog.refresh_result = result  # type: ignore[attr-defined]  # an attribute the refresh adds to this run's catalog
    return catalog


def refresh_and_reload(settings) -> CatalogRefresh:
    """Refresh the catalog and read it back, for the TUI's background refresh. Never raises
    an Exception: every failure is the result's one line (`ok` False), so a caller can always
    leave its "refreshing..." state.

    With `--downloads-json`, the custom source is re-read (a URL is re-fetched); otherwise the
    kept catalog is refreshed (`refresh_catalog`) and, when it changed, the merged catalog is
    loaded again (`catalog` None means: keep showing the current one); then the release-cycle
    dates (core/support.py), whose problem, if any, ends the message.
    """
    try:
        if settings.downloads_json:
            custom = load_catalog(settings, refresh=True)
            if custom.stale:
                # The URL could not be fetched and its kept copy stands in: a failed refresh,
                # said once. It read `catalog reloaded from URL (kept copy); refresh failed: …`
                # beside the same cause as a warning, and the header kept the copy's age.
                return CatalogRefresh(custom, custom.stale, False, custom.warning_besides_stale)
            return CatalogRefresh(custom, f"catalog reloaded from {custom.source}", True,
                                  custom.warning)
        result = refresh_catalog(settings)
        catalog = load_catalog(settings) if result.changed else None
        warning = result.warning or (catalog.warning if catalog is not None else None)
        message = result.message
        if result.ok:  # the release-cycle dates are refreshed alongside the catalog, as by `list --refresh`
            from pytui.core.support import refresh as refresh_support

            problem = refresh_support(settings)
            if problem:
                message = f"{message}; {problem}"
        return CatalogRefresh(catalog, message, result.ok, warning)
    except PytuiError as err:
        return CatalogRefresh(None, str(err), False)
    except OSError as err:
        return CatalogRefresh(None, f"could not read the catalog ({err.strerror or err}); "
                                    f"check {settings.state_dir}", False)
    except Exception as err:  # noqa: BLE001 - the TUI's last line of defence: say it, never hang on it
        return CatalogRefresh(None, f"catalog refresh failed ({describe_error(err)})", False)
