"""Each thing the manifest records of a tree's file catches an edit made through an install
(issue 10: "record what each pristine file was (size, mtime, inode) and check it before each
use"). test_tree_store's edit appends (the size changes); here an edit in place that keeps the
size (its mtime changes), a `touch` (the mtime alone) and a `chmod` (the mode alone), each
through the installed file that shares the tree's inode, are caught before the next install:
the tree is discarded, the archive extracted again, and the install and the new tree are as
the archive has them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_harness import Pytui
from pytui.core.tree_store import TREE_NAME, TreeCorrupt, TreeStore


def _edit(path: Path, how: str) -> None:
    if how == "same size":
        data = path.read_bytes()
        with open(path, "r+b") as f:  # in place: the shared inode, its size unchanged
            f.write(bytes([data[0] ^ 0x20]) if data else b"")
    elif how == "mtime":
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    else:
        os.chmod(path, path.stat().st_mode ^ 0o100)


@pytest.mark.parametrize("how", ["same size", "mtime", "mode"])
def test_an_edit_that_changes_one_recorded_field_is_caught_before_the_next_use(pytui: Pytui, how: str) -> None:
    made = pytui.add("3.12.8")
    key = made.build.key
    pytui.call("install", key)
    pytui.call("install", "--reinstall", key)  # now linked from the tree
    tree = pytui.cache / "trees" / made.build.sha256 / TREE_NAME
    prefix = pytui.root / key
    victim = next(p for p in sorted(prefix.rglob("*")) if p.is_file() and not p.is_symlink()
                  and p.stat().st_size > 0
                  and (tree / p.relative_to(prefix)).is_file()
                  and p.stat().st_ino == (tree / p.relative_to(prefix)).stat().st_ino)
    rel = victim.relative_to(prefix)
    original, mode = victim.read_bytes(), victim.stat().st_mode
    _edit(victim, how)
    with pytest.raises(TreeCorrupt):
        TreeStore(pytui.cache).check(made.build.sha256)

    result = pytui.run("install", "--reinstall", key)
    assert result.returncode == 0, str(result)
    assert (f"the unpacked tree kept for {key} changed ({rel} was changed after the tree was made); "
            "removed, extracting the archive again") in result.stderr, str(result)
    assert pytui.requests(made) == 1  # from the cached archive
    assert (prefix / rel).read_bytes() == original and (prefix / rel).stat().st_mode == mode
    assert pytui.trees() == [made.build.sha256]
    TreeStore(pytui.cache).check(made.build.sha256)
    assert (tree / rel).read_bytes() == original
