"""Hostile manifests and trees met by the tree linker (core/tree_link.py), on real directories.

The manifest is pytui's own file in the archive cache and still input: a bit flip or an edit
in a directory's recorded mode must not put a world-writable (or set-id) directory into an
install, nor end an install in a traceback; the tree is discarded and extraction takes over.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from pytui.core.tree_store import MANIFEST_NAME, TREE_NAME, TreeStore

SHA = "cd" * 32


def kept(tmp_path: Path) -> TreeStore:
    source = tmp_path / "source"
    for d in range(3):
        folder = source / f"lib{d}"
        folder.mkdir(parents=True)
        for f in range(4):
            (folder / f"m{f}.py").write_text(f"# {d} {f}\n")
    store = TreeStore(tmp_path / "cache")
    assert store.keep(SHA, source, archive="a.tar.gz", key="cpython-3.12.8-linux-x86_64-gnu")
    return store


def dir_modes(top: Path) -> dict[str, int]:
    return {os.path.relpath(p, top): stat.S_IMODE(os.lstat(p).st_mode)
            for p, _dirs, _files in os.walk(top) if p != os.fspath(top)}


@pytest.mark.parametrize("mode", [0o777, 0o2755, 0o757, 2**40, 2**62])
def test_a_directory_mode_the_tree_does_not_have_is_never_applied(tmp_path: Path, mode: int) -> None:
    store = kept(tmp_path)
    manifest = store.path / SHA / MANIFEST_NAME
    doc = json.loads(manifest.read_text())
    index = doc["path"].index("lib1")
    assert doc["kind"][index] == "d"
    doc["mode"][index] = mode
    manifest.write_text(json.dumps(doc))
    tree_before = dir_modes(store.path / SHA / TREE_NAME)
    dest = tmp_path / "stage" / "tree"
    dest.parent.mkdir()
    linked = store.materialize(SHA, dest)
    if linked is not None:
        # Made from the tree: its directories have the tree's modes, not the manifest's.
        assert dir_modes(dest) == tree_before
    else:
        assert not dest.exists()  # the changed tree is discarded: extraction takes over
        assert not store.has(SHA)


def test_verify_removes_a_tree_whose_directory_mode_changed(tmp_path: Path) -> None:
    store = kept(tmp_path)
    (store.path / SHA / TREE_NAME / "lib2").chmod(0o777)
    ok, bad = store.verify()
    assert ok == [] and [why for _info, why in bad] == ["lib2 has another mode than the manifest records"]
    assert not store.has(SHA)
