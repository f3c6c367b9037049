"""`pytui cache import` into a cache dir on a full filesystem. The copy's last bytes wait in a
write buffer: the flush that failed was made again as the copy was closed, and that second
error replaced the import's own line with the last-resort one, naming no path ("error: no space
left on the device; check that path …"). Now the line names the cache dir, and what was cached
before stays as it was."""

from __future__ import annotations

import os

import pytest
from cli_harness import Pytui, assert_clean_failure, snapshot
from fixtures_fs import mounted


@pytest.mark.parametrize("cached_before", [False, True])
def test_an_import_into_a_full_cache_dir_says_the_cache_dir_is_full(pytui: Pytui, cached_before) -> None:
    made = pytui.add("3.12.8")
    other = pytui.make("3.11.9")
    with mounted() as mounts:
        cache = mounts.tmpfs(pytui.cache, size="256k")
        if cached_before:
            pytui.call("cache", "import", str(made.path))
        mounts.fill(cache)
        before = snapshot(cache)
        for archive in (made, other):
            if cached_before and archive is made:
                # Held already: nothing to copy, so nothing to fail (it failed for want of room).
                done = pytui.run("cache", "import", str(archive.path))
                assert done.returncode == 0 and "is already cached as" in done.stdout, str(done)
                assert snapshot(cache) == before
                continue
            line = assert_clean_failure(pytui.run("cache", "import", str(archive.path)))
            assert str(cache) in line and "no space left" in line, line
            assert "check that path" not in line, line
            assert snapshot(cache) == before
        assert not [name for name in os.listdir(cache) if name.startswith(".import.")]
