"""The header's cache total follows a running download (no app): the bytes a download has
so far take the place of its `.part` as the cache was last measured, as its Cached row does;
and the cache's `.part` sizes are measured with the total (core/cache.part_sizes)."""

from __future__ import annotations

import os

from pytui.app.header_view import header_info
from pytui.app.view_model import ViewModel
from pytui.core.cache import ArchiveCache
from view_state import NEW, OLD, a_cached_archive, a_download, a_state


def test_the_header_total_follows_a_running_download(tmp_path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    a_cached_archive(state, builds[OLD], 1000)
    build = builds[NEW]
    # Measured while the download had written 300 bytes: 1000 + 300 + 50 of other files.
    state.cache_usage = 1350
    state.cache_parts = {build.cache_filename: 300}
    job = a_download(state, build, done=300, total=4000)
    assert header_info(state).cache_size == 1350
    state.progress(job.job_id, "download", 2500, 4000)
    # The Cached row and the header say the same bytes of the download.
    row = next(r for r in ViewModel().cache_rows(state) if r.state == "downloading")
    assert row.size == 2500
    assert header_info(state).cache_size == 1000 + 2500 + 50
    # A download the measure did not see yet (no `.part` then) is added whole.
    other = a_download(state, builds[OLD], done=70, total=100)
    assert header_info(state).cache_size == 1000 + 2500 + 50 + 70
    # Past the download, the measured total stands until it is measured again.
    state.progress(job.job_id, "extract", 1, 10)
    state.end_job(other.job_id, "cancelled")
    assert header_info(state).cache_size == 1350
    state.cache_usage = None
    assert header_info(state).cache_size is None


def test_part_sizes_are_the_regular_part_files(tmp_path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "a.tar.gz.part").write_bytes(bytes(12))
    (cache / "a.tar.gz").write_bytes(bytes(5))
    (cache / "b.tar.gz.part.json").write_text("{}")
    (cache / "c.tar.gz.part").mkdir()
    os.symlink(cache / "a.tar.gz.part", cache / "d.tar.gz.part")
    assert ArchiveCache(cache).part_sizes() == {"a.tar.gz": 12}
    assert ArchiveCache(tmp_path / "missing").part_sizes() == {}
    (tmp_path / "file").write_text("x")
    assert ArchiveCache(tmp_path / "file").part_sizes() == {}


def test_the_cached_subtitle_leads_with_the_headers_total_and_splits_the_rest(tmp_path, builds) -> None:
    # With a tree kept: `<total>: 1 archive <A> + 1 tree <T> · 1 downloading`. T was the
    # measured total less the archives, the download's `.part` as measured in it.
    from pytui.widgets.format import human_size

    state = a_state(tmp_path, *builds.values())
    kept = a_cached_archive(state, builds[OLD], 1000)
    kept.tree = True
    build = builds[NEW]
    tree = 3 * 1024 * 1024
    state.cache_usage = 1000 + tree + 2 * 1024 * 1024  # the `.part` at 2 MiB when measured
    state.cache_parts = {build.cache_filename: 2 * 1024 * 1024}
    a_download(state, build, done=5 * 1024 * 1024, total=9 * 1024 * 1024)
    total = header_info(state).cache_size
    assert total == 1000 + tree + 5 * 1024 * 1024
    assert ViewModel().cached_subtitles(state)[0] == (
        f"{human_size(total)}: 1 archive 1000 B + 1 tree 3.0 MiB · 1 downloading")
