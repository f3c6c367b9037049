"""The TUI looks for kept trees no archive uses at every measure of the cache (after each
listing: a job's end, another process's download growing, every 2 s while it grows). Finding
them read every kept tree's manifest whole each time (7-14 ms a tree of 2,600 files, where
the measure itself takes ~1 ms); a manifest is read once per version of the file now, and what
the trees are is the same."""

from __future__ import annotations

import os

import pytest
from cli_harness import Pytui, cache_name
from pytui.core.atomic import write_atomic
from pytui.core.cache import ArchiveCache
from pytui.core.cache_kinds import ARCHIVE_GONE, MANIFEST_UNREADABLE
from pytui.core.loose_trees import measured_loose_trees
from pytui.core.tree_store import MANIFEST_NAME, TreeStore


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The trees whose manifest is read from now on."""
    read: list[str] = []
    original = TreeStore._read_manifest

    def counting(self: TreeStore, sha256: str, **kwargs: bool) -> bytes:
        read.append(sha256)
        return original(self, sha256, **kwargs)

    monkeypatch.setattr(TreeStore, "_read_manifest", counting)
    return read


def test_each_manifest_is_read_once_per_version_of_the_file(pytui: Pytui,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    gone, kept = pytui.add("3.12.8"), pytui.add("3.13.1")
    for made in (gone, kept):
        pytui.call("cache", "import", str(made.path))
        pytui.call("--offline", "install", made.build.key)
    os.unlink(pytui.cache / cache_name(gone))
    assert sorted(pytui.trees()) == sorted([gone.sha256, kept.sha256])
    cache = ArchiveCache(pytui.cache)
    reads = _reads(monkeypatch)

    first = measured_loose_trees(cache)
    assert [(tree.sha256, tree.why) for tree in first] == [(gone.sha256, ARCHIVE_GONE)]
    assert sorted(reads) == sorted([gone.sha256, kept.sha256])

    reads.clear()
    assert measured_loose_trees(cache) == first
    assert reads == []  # each manifest was read again at every measure

    # Whether the archive is there is looked at each time: its tree is loose at once.
    os.unlink(pytui.cache / cache_name(kept))
    assert {(tree.sha256, tree.why) for tree in measured_loose_trees(cache)} == {
        (gone.sha256, ARCHIVE_GONE), (kept.sha256, ARCHIVE_GONE)}
    assert reads == []

    # A manifest replaced (a tree is never rewritten in place) is read again.
    write_atomic(cache.trees.path / kept.sha256 / MANIFEST_NAME, b"not json")
    assert {(tree.sha256, tree.why) for tree in measured_loose_trees(cache)} == {
        (gone.sha256, ARCHIVE_GONE), (kept.sha256, MANIFEST_UNREADABLE)}
    assert reads == [kept.sha256]
