"""bench/install.py deletes nothing before its timed runs and waits out its last deletions.

On this VM's ext4 (no journal) the inode allocator skips every inode freed in the last 60 s,
reading its inode-table block each time: a reused work dir whose previous warm cache and tree
were deleted at the start of a run doubled uv's warm install (its system time) while pytui's
hard links, which make no inodes, were untouched (docs/performance.md, 4 Dec). Before this,
the bench `rmtree`d the previous warm cache right before timing and had no wait."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "install.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_install", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_previous_runs_warm_cache_is_moved_into_the_trash_not_deleted(tmp_path: Path) -> None:
    bench = _bench()
    cache = tmp_path / "warm-cache-tar.gz"
    (cache / "trees").mkdir(parents=True)
    kept = cache / "trees" / "file"
    kept.write_text("x")
    inode = kept.stat().st_ino
    bench.set_aside(tmp_path / "trash", cache, tmp_path / "archives-tar.gz")  # the second is absent
    assert not cache.exists()
    [moved] = (tmp_path / "trash").iterdir()
    assert (moved / "trees" / "file").stat().st_ino == inode


def test_a_run_waits_until_its_last_deletions_are_quiet(tmp_path: Path) -> None:
    bench = _bench()
    stamp = tmp_path / "deleted"
    assert bench.quiet_wait(stamp, 1_000_000.0) == 0.0
    (tmp_path / "trash" / "a").mkdir(parents=True)
    bench.delete_trash(tmp_path / "trash", stamp)
    assert not (tmp_path / "trash").exists()
    deleted = stamp.stat().st_mtime
    assert bench.quiet_wait(stamp, deleted + 10) == bench.DELETION_QUIET - 10
    assert bench.quiet_wait(stamp, deleted + bench.DELETION_QUIET + 1) == 0.0
    os.utime(stamp, (deleted + 500, deleted + 500))  # a clock step back: never more than the quiet time
    assert bench.quiet_wait(stamp, deleted) == bench.DELETION_QUIET
