"""A directory holding an archive's name in the cache (made by hand, or another tool): the
import (and the download) that would rename the archive there said "cannot write to the cache
dir …: is a directory; pass another directory with --cache-dir", blaming a cache dir that is
fine. Now one line names the directory in the way and says to remove it; it and the rest of
the cache are left as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, cache_name, snapshot


def _directory_in_the_way(pytui: Pytui, name: str) -> Path:
    pytui.cache.mkdir(parents=True, exist_ok=True)
    in_the_way = pytui.cache / name
    in_the_way.mkdir()
    (in_the_way / "keep").write_text("keep me\n")
    return in_the_way


def test_an_import_names_the_directory_in_the_way(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    in_the_way = _directory_in_the_way(pytui, cache_name(made))
    before = snapshot(pytui.cache)
    line = assert_clean_failure(pytui.run("cache", "import", str(made.path)))
    assert f"{in_the_way} is a directory" in line and "remove it and retry" in line, line
    assert "--cache-dir" not in line, line
    assert snapshot(pytui.cache) == before


def test_a_download_names_the_directory_in_the_way_and_keeps_its_bytes(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    in_the_way = _directory_in_the_way(pytui, cache_name(made))
    line = assert_clean_failure(pytui.run("install", "3.12"))
    assert f"{in_the_way} is a directory" in line and "remove it and retry" in line, line
    assert "--cache-dir" not in line and made.build.key in line, line
    assert (in_the_way / "keep").read_text() == "keep me\n"
    assert not (pytui.root / made.build.key).exists()
    # The verified download waits as its .part: once the directory is gone, no byte of it is
    # fetched again.
    (in_the_way / "keep").unlink()
    in_the_way.rmdir()
    served = pytui.requests(made)
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    assert pytui.cached() == [cache_name(made)]
    assert sum(r.body_sent for r in pytui.server.requests_for(made.url_path)[served:]) == 0


@pytest.mark.parametrize("kind", ["directory", "FIFO"])
@pytest.mark.parametrize("suffix", [".part", ".part.json"])
def test_a_directory_holding_the_name_of_a_downloads_part_or_its_state_is_named(
        pytui: Pytui, suffix: str, kind: str) -> None:
    """A directory under the name of the `.part` a download writes, or of its resume state:
    the `.part`'s stopped the install as `Is a directory; remove it or check that the cache dir
    is writable`; the state's was passed by (each later `.part` discarded for want of it) and
    stayed after the install. Now the download says either in one line before a byte is
    fetched, as for the archive's own name; list, verify and purge pass it by and leave it.
    A FIFO there is said the same way (a FIFO state was removed, a FIFO .part refused as `not
    a regular file`)."""
    import os
    import stat

    made = pytui.add("3.12.8")
    if kind == "directory":
        in_the_way = _directory_in_the_way(pytui, cache_name(made) + suffix)
    else:
        pytui.cache.mkdir(parents=True, exist_ok=True)
        in_the_way = pytui.cache / (cache_name(made) + suffix)
        os.mkfifo(in_the_way)
    line = assert_clean_failure(pytui.run("install", "3.12"))
    assert f"{in_the_way} is a {kind}, where" in line and line.endswith("remove it and retry; "
                                                                        "nothing was installed"), line
    assert "--cache-dir" not in line and "writable" not in line, line
    assert pytui.requests(made) == 0
    for args in (("cache", "list"), ("cache", "verify"), ("cache", "purge", "--all")):
        done = pytui.run(*args)
        assert done.returncode == 0 and "Traceback" not in done.stderr, str(done)
    if kind == "directory":
        assert (in_the_way / "keep").read_text() == "keep me\n"
        (in_the_way / "keep").unlink()
        in_the_way.rmdir()
    else:
        assert stat.S_ISFIFO(os.lstat(in_the_way).st_mode)
        in_the_way.unlink()
    assert pytui.run("install", "3.12").returncode == 0
    assert sorted(path.name for path in pytui.cache.iterdir() if path.name != "trees") == [cache_name(made)]
