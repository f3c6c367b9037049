"""`pytui cache purge` in another process while `pytui install` is between finding its archive
(downloaded a moment ago, or already cached) and opening it to extract. The install failed:
"cannot extract …: cannot read it: No such file or directory" (no next step), or, for a cached
archive, "cannot read … in the cache: no such file or directory; pass another directory with
--cache-dir", blaming a cache dir that is fine. The purge did what it was asked; the install
now fetches the archive once more, as after a cached archive found corrupt, and installs.
Offline, it says uv's line for a build missing from the cache.

The install is a real pytui stopped at `extract_archive` (or at opening the cached archive) by
tests/step_hook.py; the purge runs while it waits, so the interleaving is an event's.
"""

from __future__ import annotations

import pytest
from cli_harness import Pytui, Result, assert_clean_failure, assert_installed, cache_name, key_of
from pytui.core.job_archive import vanished_line
from step_hook import paused_at, resume

EXTRACTING = "pytui.core.extract.extract_archive"
OPENING_CACHED = "pytui.core.cache.ArchiveCache/open_verified"


@pytest.mark.parametrize("cached", [False, True], ids=["downloaded", "cached"])
def test_an_archive_purged_before_its_extraction_is_fetched_again(pytui: Pytui, cached: bool) -> None:
    made = pytui.add("3.12.8")
    if cached:
        pytui.call("cache", "import", str(made.path))
    proc = paused_at(pytui, OPENING_CACHED if cached else EXTRACTING, "install", "3.12")
    purged = pytui.run("cache", "purge", "--all")
    assert purged.returncode == 0 and cache_name(made) in purged.stdout, str(purged)
    code, _, err = resume(proc)
    assert code == 0 and "Traceback" not in err, err
    # Said, not a second download with no word why.
    assert f"warning: {vanished_line(key_of('3.12.8'), cache_name(made))}" in err, err
    assert_installed(pytui, made)
    assert pytui.requests(made) == (1 if cached else 2)
    assert pytui.cached() == [cache_name(made)] and pytui.temp_left() == []


def test_offline_an_archive_purged_before_its_extraction_is_missing_as_uv_says(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    proc = paused_at(pytui, OPENING_CACHED, "--offline", "install", "3.12")
    assert pytui.run("cache", "purge", "--all").returncode == 0
    code, out, err = resume(proc)
    line = assert_clean_failure(Result(["--offline", "install", "3.12"], code, out, err))
    assert "downloading it again" not in err, err
    assert f"{key_of('3.12.8')} (from " in line and f"is missing in {pytui.cache}" in line, line
    assert "--cache-dir" not in line and pytui.temp_left() == []
