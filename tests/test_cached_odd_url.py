"""`pytui list` shows a cached archive beside its build when the catalog entry's URL names
another build's file (a mirror's or a custom catalog's entry may: the cache file name then
carries the other build's key). With the catalog's builds kept as columns (the parsed-catalog
cache), 72cd6eb matched each archive by the builds of its name's key alone, for the TUI's first
screen, which lists the disk again once every build is made; `pytui list` has no such second
listing, so it showed that build as `<download available>`, though its archive is cached. Every
build is compared again when the key's builds name none (core/catalog.build_of_cached)."""

from __future__ import annotations

from cli_harness import Pytui
from fixtures_archives import write_uv_catalog
from pytui.core.models import Build


def test_list_shows_a_cached_archive_whose_url_names_another_keys_file(pytui: Pytui) -> None:
    real = pytui.add("3.13.1").build
    other = pytui.add("3.12.8").build
    odd = Build(*real[:10], other.url, real.sha256, real.flavor)
    write_uv_catalog(pytui.catalog, [odd])
    pytui.cache.mkdir(parents=True, exist_ok=True)
    (pytui.cache / odd.cache_filename).write_bytes(b"x")
    assert odd.key not in odd.cache_filename
    for run in ("parsed", "read from its parsed-catalog cache"):
        done = pytui.run("list", "--all-versions")
        assert done.returncode == 0 and done.stderr == "", (run, str(done))
        assert done.stdout.split() == [odd.key, f"cache/{odd.cache_filename}"], (run, done.stdout)
