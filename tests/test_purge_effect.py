"""`pytui cache purge --dry-run`, the real purge and the TUI's purge preview say the same bytes,
and those are what `du -sb` of the cache loses: an archive's kept tree goes with it (its files
no install shares). Real installs from the loopback server."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from cli_harness import Pytui
from pytui.app.progress_board import human_bytes
from pytui.app.purge_plan import archive_plan
from pytui.core.cache import ArchiveCache
from pytui.core.cache_purge import purge_effect


def du(*paths: Path) -> int:
    """Bytes `du -sbc` counts under `paths` together (a hard-linked file once)."""
    out = subprocess.run(["du", "-sbc", *map(str, paths)], capture_output=True, text=True,
                         check=True).stdout
    return int(out.splitlines()[-1].split()[0])


@pytest.mark.parametrize("installed", [False, True], ids=["tree-unshared", "tree-shared"])
def test_dry_run_preview_and_real_purge_agree_with_du(pytui: Pytui, installed: bool) -> None:
    made = pytui.add("3.12.8", payload=True)
    pytui.call("install", "3.12.8")
    if not installed:
        pytui.call("uninstall", "3.12.8", "--force")
    cache = ArchiveCache(pytui.cache)
    archives = cache.list()
    assert len(archives) == 1 and archives[0].tree
    effect = purge_effect(cache, archives)
    plan = archive_plan("all", effect)
    tree = dict(plan.tree_freed)[made.build.cache_filename]
    if installed:  # the install holds the tree's files: only the tree's own entries go
        assert 0 < tree < 100_000
    else:
        assert tree > 200_000  # the payload alone
    dry = pytui.run("cache", "purge", "3.12.8", "--dry-run")
    assert dry.returncode == 0, str(dry)
    assert f"+ its kept tree {human_bytes(tree)})" in dry.stdout
    assert f"would free {human_bytes(plan.freed)} (1 file, 1 kept tree)" in dry.stdout
    before = du(pytui.cache, pytui.root)
    real = pytui.run("cache", "purge", "3.12.8")
    assert real.returncode == 0, str(real)
    assert f"freed {human_bytes(plan.freed)} (1 file, 1 kept tree)" in real.stdout
    # What left the disk: the cache and the root measured together, shared files once.
    gone = before - du(pytui.cache, pytui.root)
    assert gone == plan.freed == effect.total, (gone, plan.freed)
    assert re.search(r"removed \S+ \(cpython-3\.12\.8-\S+, [\d.]+ \w+ \+ its kept tree", real.stdout)
    assert pytui.trees() == []


def test_leftovers_are_sized_as_du_counts_them_and_the_walk_is_bounded(tmp_path: Path) -> None:
    from pytui.core.cache_purge import find_leftovers

    cache = ArchiveCache(tmp_path / "cache")
    left = cache.trees.path / ".old-0123abcd"
    (left / "lib").mkdir(parents=True)
    for i in range(5):
        (left / "lib" / f"m{i}.py").write_bytes(b"x" * 1000)
    (left / "lib" / "again.py").hardlink_to(left / "lib" / "m0.py")
    found = find_leftovers(cache)
    assert [name for name, _, _ in found.found] == [f"trees/{left.name}"] and not found.capped
    assert found.size == du(left)  # nothing outside shares its files: all of it is freed
    capped = find_leftovers(cache, limit=3)
    assert capped.capped and 0 < capped.size < found.size
    assert left.is_dir()  # a preview removes nothing


def test_a_preview_keeps_the_names_it_prints_and_counts_and_sizes_the_rest(tmp_path: Path) -> None:
    """A preview built the list of every leftover (a million in a hostile cache dir) where the
    CLI prints MAX_LEFTOVERS_NAMED and the TUI none: it keeps `named`, counts the rest."""
    from pytui.core.cache_import import TEMP_PREFIX, TEMP_SUFFIX
    from pytui.core.cache_purge import find_leftovers

    cache = ArchiveCache(tmp_path / "cache")
    cache.trees.path.mkdir(parents=True)
    for i in range(30):
        (cache.trees.path / f".tmp-{i:064x}-1-0").mkdir()
        # An import's copy whose writer (no such process) was killed.
        (cache.root / f"{TEMP_PREFIX}{2**22 + i}.feed{TEMP_SUFFIX}").write_bytes(b"x" * 10)
    everything = find_leftovers(cache)
    assert everything.count == len(everything.found) == 60
    few = find_leftovers(cache, named=3)
    assert len(few.found) == 3 and few.found == everything.found[:3]
    assert (few.count, few.size) == (everything.count, everything.size) and few.size >= 300
    none = find_leftovers(cache, named=0)
    assert none.found == () and (none.count, none.size) == (60, everything.size)
    assert archive_plan("all", purge_effect(cache, []), none).leftovers == 60


def test_a_purge_keeps_the_names_it_prints_and_lists_a_batch_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real purge (not the preview) kept the name of every leftover it removed, and listed
    every name before removing one: 100 000 in a hostile cache dir were two lists of 100 000.
    It keeps `named`, counts and sizes the rest, and lists a batch at a time; one a live run
    holds (its lock) stays, and is not listed again."""
    import fcntl
    import os

    from pytui.core import batched_listing
    from pytui.core.cache_import import TEMP_PREFIX, TEMP_SUFFIX
    from pytui.core.cache_purge import find_leftovers, remove_leftovers

    monkeypatch.setattr(batched_listing, "BATCH", 4)
    listed: list[int] = []
    real_scandir = os.scandir

    def counted_scandir(path):  # type: ignore[no-untyped-def]
        listed.append(1)
        return real_scandir(path)

    cache = ArchiveCache(tmp_path / "cache")
    cache.trees.path.mkdir(parents=True)
    for i in range(11):
        (cache.trees.path / f".tmp-{i:064x}-1-0").mkdir()
        (cache.root / f"{TEMP_PREFIX}{2**22 + i}.feed{TEMP_SUFFIX}").write_bytes(b"x" * 10)
    # A running import's copy, its lock held (its pid is of another namespace: none here).
    live = cache.root / f"{TEMP_PREFIX}{2**22 + 99}.live{TEMP_SUFFIX}"
    live.write_bytes(b"y" * 7)
    held = os.open(live, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        before = find_leftovers(cache)
        monkeypatch.setattr(batched_listing.os, "scandir", counted_scandir)
        removed = remove_leftovers(cache, named=3)
    finally:
        os.close(held)
    assert len(removed.found) == 3 and removed.found == before.found[:3]
    assert (removed.count, removed.size) == (22, before.size) == (before.count, before.size)
    assert live.exists() and sorted(os.listdir(cache.trees.path)) == []
    assert [p.name for p in cache.root.iterdir() if p.name.startswith(TEMP_PREFIX)] == [live.name]
    assert len(listed) > 2  # a batch of 4 names at a time: each of the two kinds listed again
