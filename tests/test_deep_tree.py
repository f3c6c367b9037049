"""A tree deeper than Python's recursion limit: an archive's member name of 4 KiB holds 2,000
nested directories. shutil.rmtree (before Python 3.13) recurses a level a call, so removing such
a tree (a kept tree's work dir when keeping it failed, a stage, what a killed run left in
`.temp/`) ended `pytui install` with a RecursionError traceback, and left the stage in `.temp/`,
so every later install failed the same way while cleaning it; `cache purge` of such a kept tree
ended in the same traceback. `remove_tree` now removes what
shutil could not by a loop, one directory open at a time. (An archive is refused past 128
levels now, core/member_policy.MAX_DEPTH; such a tree can still be put in the cache or `.temp/`
by anything else, and these tests plant it there.)"""

from __future__ import annotations

import array
import contextlib
import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui, key_of
from fixtures_fs import make_nested, without_dac_override
from pytui.core.root_tree import remove_tree

# More levels than the recursion limit (1,000 by default), in fewer than 4,096 bytes of name.
DEPTH = 2_000


def test_remove_tree_removes_a_tree_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    assert sys.getrecursionlimit() < DEPTH
    tree = tmp_path / "tree"
    make_nested(tree, DEPTH, file="f.txt", each_level=True)
    (tmp_path / "beside").write_text("kept")

    remove_tree(tree)

    assert not os.path.lexists(tree)
    assert (tmp_path / "beside").read_text() == "kept"


def test_remove_tree_makes_a_deep_trees_locked_directories_removable(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    make_nested(tree, DEPTH, file="f.txt", each_level=True, locked_every=300)

    with without_dac_override():
        remove_tree(tree)

    assert not os.path.lexists(tree)


def _kept_tree_lib(pytui: Pytui) -> Path:
    """A kept tree's `lib` after an install of 3.12.8 (an archive cannot hold a tree this deep
    any more, core/member_policy.MAX_DEPTH: the test plants it in the kept tree)."""
    pytui.add("3.12.8")
    assert pytui.run("install", "3.12", timeout=300).returncode == 0
    (tree,) = pytui.trees()
    return pytui.cache / "trees" / tree / "tree" / "lib"


def test_purge_of_a_kept_tree_deeper_than_the_recursion_limit(pytui: Pytui) -> None:
    levels = sys.getrecursionlimit() + 100
    make_nested(_kept_tree_lib(pytui), levels, file="f.txt")

    try:
        purged = pytui.run("cache", "purge", "--all", timeout=300)

        assert purged.returncode == 0 and "Traceback" not in purged.stderr, str(purged)
        assert pytui.trees() == [] and pytui.cached() == []
        assert (pytui.root / key_of("3.12.8") / "bin" / "python3.12").exists()
        again = pytui.run("install", "--reinstall", "3.12", timeout=300)
        assert again.returncode == 0 and "Traceback" not in again.stderr, str(again)
        assert pytui.temp_left() == []
    finally:
        # Not left for pytest's removal of old temp dirs, which is shutil.rmtree's too.
        subprocess.run(["rm", "-rf", "--", str(pytui.root), str(pytui.cache)], check=False)


def _set_immutable(fd: int, on: bool) -> None:
    """`chattr +i` / `-i` of the open directory `fd` (FS_IOC_GETFLAGS / FS_IOC_SETFLAGS)."""
    flags = array.array("l", [0])
    fcntl.ioctl(fd, 0x80086601, flags, True)
    flags[0] = flags[0] | 0x10 if on else flags[0] & ~0x10
    fcntl.ioctl(fd, 0x40086602, flags, True)


def test_purge_of_a_deep_kept_tree_it_cannot_empty_says_why(pytui: Pytui) -> None:
    """What a purge could not remove of a kept tree is said with the disk's own cause, found by
    one more strict removal: shutil.rmtree's, a RecursionError traceback for a directory left
    deeper than the recursion limit."""
    levels = sys.getrecursionlimit() + 50
    top = _kept_tree_lib(pytui)
    make_nested(top, levels, file="f.txt")
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _level in range(levels):
            child = os.open("a", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
        os.mkdir("imm", dir_fd=fd)
        locked = os.open("imm", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    finally:
        os.close(fd)
    with open(os.open("f.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=locked), "w") as out:
        out.write("x")
    try:
        try:
            _set_immutable(locked, True)  # chattr +i: its path is past PATH_MAX
        except OSError as err:
            pytest.skip(f"cannot make a directory immutable here: {err.strerror}")
        purged = pytui.run("cache", "purge", "--all", timeout=300)

        assert purged.returncode == 1 and "Traceback" not in purged.stderr, str(purged)
        (error,) = purged.errors
        assert "cannot remove the unpacked tree" in error and "operation not permitted" in error, error
    finally:
        with contextlib.suppress(OSError):
            _set_immutable(locked, False)
        os.close(locked)
        subprocess.run(["rm", "-rf", "--", str(pytui.root), str(pytui.cache)], check=False)
