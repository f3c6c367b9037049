"""A tree deeper than Python's recursion limit: an archive's member name of 4 KiB holds 2,000
nested directories. shutil.rmtree (before Python 3.13) recurses a level a call, so removing such
a tree (a kept tree's work dir when keeping it failed, a stage, what a killed run left in
`.temp/`) ended `pytui install` with a RecursionError traceback, and left the stage in `.temp/`,
so every later install failed the same way while cleaning it; `cache purge` of such a kept tree
ended in the same traceback. `remove_tree` now removes what
shutil could not by a loop, one directory open at a time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cli_harness import Pytui, key_of
from fixtures_archives import file
from fixtures_fs import without_dac_override
from pytui.core.root_tree import remove_tree

# More levels than the recursion limit (1,000 by default), in fewer than 4,096 bytes of name.
DEPTH = 2_000


def _make_deep(top: Path, depth: int, *, locked_every: int = 0) -> None:
    """`top/a/a/…/f.txt`, `depth` directories below `top`, made by fds (the path is past
    PATH_MAX); every `locked_every`-th directory is made unreadable and unwritable."""
    top.mkdir()
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    made: list[int] = []
    try:
        for level in range(depth):
            os.mkdir("a", dir_fd=fd)
            child = os.open("a", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            with open(os.open("f.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=child), "w") as out:
                out.write("x")
            os.close(fd)
            fd = child
            if locked_every and level % locked_every == locked_every - 1:
                made.append(os.dup(fd))
        for locked in made:
            os.chmod(locked, 0)
            os.close(locked)
    finally:
        os.close(fd)


def test_remove_tree_removes_a_tree_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    assert sys.getrecursionlimit() < DEPTH
    tree = tmp_path / "tree"
    _make_deep(tree, DEPTH)
    (tmp_path / "beside").write_text("kept")

    remove_tree(tree)

    assert not os.path.lexists(tree)
    assert (tmp_path / "beside").read_text() == "kept"


def test_remove_tree_makes_a_deep_trees_locked_directories_removable(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    _make_deep(tree, DEPTH, locked_every=300)

    with without_dac_override():
        remove_tree(tree)

    assert not os.path.lexists(tree)


def test_purge_of_a_kept_tree_deeper_than_the_recursion_limit(pytui: Pytui) -> None:
    # 1,100 levels: within PATH_MAX under the cache, so the tree is kept (4 KiB of name is not).
    levels = sys.getrecursionlimit() + 100
    pytui.add("3.12.8", extra=[file("lib/" + "a/" * levels + "f.txt", "x")])
    assert pytui.run("install", "3.12", timeout=300).returncode == 0
    assert len(pytui.trees()) == 1

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
