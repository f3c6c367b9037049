"""What the header shows (no Textual): the catalog, its age or trouble, the root and cache dir,
and the cache's size with each download in flight counted at the bytes it has now (the Cached
subtitle splits the same measure)."""

from __future__ import annotations

from pytui.app.job_record import Job
from pytui.app.state import REFRESH_FAILED, AppState
from pytui.core.catalog import Catalog
from pytui.core.url_secrets import without_secrets
from pytui.widgets.format import human_age, short_path
from pytui.widgets.rows import HeaderInfo


def header_info(state: AppState) -> HeaderInfo:
    """The header: the catalog, its age or trouble, the root and cache dir, the cache size."""
    settings, catalog = state.settings, state.catalog
    note = state.catalog_note
    # A failed refresh leaves the catalog read before shown: the header says the failure, which
    # catalog it shows and its age, and `r` (ONLINE beside a bare `refresh failed` read as a
    # contradiction to a newcomer with the network down).
    refresh_failed = note == REFRESH_FAILED and catalog is not None
    if refresh_failed:
        note = ""
    if catalog is None:
        source = "…"
    else:
        source = catalog_label(state, catalog)
        if not note and catalog.fetched_at is not None:
            note = human_age(max(0.0, state.clock() - catalog.fetched_at))
    return HeaderInfo(
        offline=state.offline,
        catalog_source=source,
        catalog_note=note,
        install_root=short_path(settings.install_root, state.home),
        cache_dir=short_path(settings.cache_dir, state.home),
        cache_size=cache_total(state),
        cache_trees=any(archive.tree for archive in state.archives),
        # Keys, not entries (a key listed twice is one build), as Available counts them.
        builds=catalog.key_count() if catalog is not None else 0,
        catalog_problem=state.catalog_problem and not refresh_failed,
        refresh_failed=refresh_failed,
    )


def cache_total(state: AppState) -> int | None:
    """The cache dir's bytes for the header: as measured after the last listing, with each
    download in flight counted at the bytes it has now (its job's progress, as its Cached
    row and Details say) instead of its `.part` as measured; None until measured. It follows
    the download as often as the job's progress is reported (core/progress.Throttle)."""
    settled = settled_cache_usage(state)
    if settled is None:
        return None
    return settled + sum(job.done for job in downloading_jobs(state))


def settled_cache_usage(state: AppState) -> int | None:
    """The measured bytes less the `.part` of each download in flight, as measured: what the
    archives, trees and other files take (the Cached subtitle splits it)."""
    if not state.disk_listed or state.cache_usage is None:
        return None
    parts = sum(state.cache_parts.get(job.build.cache_filename, 0)
                for job in downloading_jobs(state) if job.build is not None)
    return max(0, state.cache_usage - parts)


def downloading_jobs(state: AppState) -> list[Job]:
    """The jobs downloading now (their bytes are in the cache as their `.part`)."""
    return [job for job in state.running_jobs() if job.build is not None and job.phase == "download"]


def catalog_label(state: AppState, catalog: Catalog) -> str:
    settings = state.settings
    if settings.downloads_json:
        # A token in the URL is masked as in every other line (core/url_secrets.py).
        return without_secrets(short_path(settings.downloads_json, state.home))
    source = catalog.source
    if catalog.fetched_at is not None:
        # "fetched from <url> (age) over embedded (…)": the URL's file name is enough here.
        embedded = source.split(" over ", 1)[1] if " over " in source else ""
        name = settings.catalog_url.rstrip("/").rsplit("/", 1)[-1]
        return f"{name} (fetched)" + (f" + {embedded}" if embedded else "")
    return source
