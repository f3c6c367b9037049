"""A kept tree's manifest larger than MAX_MANIFEST_BYTES on disk (a sparse 1 GiB file) is
refused by its size, unread: each `cache list`, install and TUI total read it to the bound,
64 MiB, only for the parser to refuse those bytes. The listing says the tree's manifest is
unreadable; an install extracts the archive instead and keeps a good tree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_harness import MadeArchive, Pytui
from pytui.core.tree_manifest import MAX_MANIFEST_BYTES


def _bytes_read() -> int:
    """What this process has read through read(2) and its kind (`rchar`), sparse holes too."""
    with open("/proc/self/io") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("rchar:"))


@pytest.fixture
def huge_manifest(pytui: Pytui, baseline: MadeArchive) -> Path:
    manifests = list((pytui.cache / "trees").glob("*/manifest.json"))
    assert len(manifests) == 1, manifests
    with open(manifests[0], "r+b") as f:
        f.truncate(1 << 30)
    return manifests[0]


def test_cache_list_does_not_read_a_manifest_past_the_bound(pytui: Pytui, huge_manifest: Path) -> None:
    before = _bytes_read()
    listed = pytui.call("cache", "list")
    read = _bytes_read() - before
    assert "whose manifest is unreadable" in listed.stdout + listed.stderr, str(listed)
    # Everything else it reads (the archives, the catalog file) is a few KiB here.
    assert read < MAX_MANIFEST_BYTES // 8, read


def test_an_install_extracts_instead_and_keeps_a_good_tree(pytui: Pytui, huge_manifest: Path) -> None:
    before = _bytes_read()
    pytui.call("install", "--reinstall", "3.11")
    read = _bytes_read() - before
    assert read < MAX_MANIFEST_BYTES // 8, read
    assert os.path.getsize(huge_manifest) < MAX_MANIFEST_BYTES
    assert "whose manifest is unreadable" not in pytui.call("cache", "list").stdout
