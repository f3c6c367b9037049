"""A cache dir copied or restored with `cp -a` (times, modes and hard links kept, inodes not):
every kept tree in the copy differs from its manifest by inode only. The install from the copy
discards the tree, extracts the archive (verified) and keeps a new tree, which the next install
uses; that is right. But the note said "bin/… was changed after the tree was made", pointing at
an edit nobody made. Now it says the file is a copy (same size and time, another inode) of the
one the tree was made with, as after copying or restoring the cache dir; `cache verify` too.
"""

from __future__ import annotations

import subprocess

from cli_harness import Pytui, assert_installed
from pytui.core.tree_store import TreeStore


def test_a_copied_cache_dir_is_said_copied_and_its_trees_made_again(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    pytui.call("uninstall", "3.12")
    copy = pytui.tmp / "copied-cache"
    subprocess.run(["cp", "-a", str(pytui.cache), str(copy)], check=True)

    verified = pytui.run("cache", "verify", UV_PYTHON_CACHE_DIR=str(copy))
    assert verified.returncode == 1, str(verified)
    [line] = [line for line in verified.stderr.splitlines() if line.startswith("changed:")]
    assert "was changed after" not in line and "a copy of the file the tree was made with" in line, line
    assert "copied or restored" in line, line

    subprocess.run(["rm", "-rf", str(copy)], check=True)
    subprocess.run(["cp", "-a", str(pytui.cache), str(copy)], check=True)
    result = pytui.run("install", "3.12", UV_PYTHON_CACHE_DIR=str(copy))
    assert result.returncode == 0, str(result)
    [note] = [line for line in result.stderr.splitlines() if "unpacked tree" in line]
    assert "was changed after" not in note and "copied or restored" in note, note
    assert_installed(pytui, made)
    TreeStore(copy).check(made.build.sha256)  # kept again, as it is in the copy
    pytui.call("uninstall", "3.12")
    again = pytui.run("install", "3.12", UV_PYTHON_CACHE_DIR=str(copy))
    assert again.returncode == 0 and "from the tree kept in the cache" in again.stderr, str(again)
    assert "unpacked tree" not in again.stderr, str(again)
