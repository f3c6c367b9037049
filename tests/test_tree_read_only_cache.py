"""A kept tree that changed, in a cache dir the disk will not let pytui write (a read-only
mount): the install and `cache verify` said the tree was "removed" when it was still there
(`cache list` kept showing `+ tree`, and every install said it again). Now each says it could
not be removed, why and what to do; the install still extracts the archive, and nothing in the
cache changes. Real parts: a tmpfs mounted on the cache dir and remounted read-only.
"""

from __future__ import annotations

import shutil

import pytest
from cli_harness import Pytui, assert_installed, snapshot
from fixtures_archives import MadeArchive
from fixtures_fs import Mounts


@pytest.fixture
def changed(pytui: Pytui, mounts: Mounts) -> MadeArchive:
    """3.12.8 cached with its kept tree, one tree file edited in place, the cache read-only."""
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    pytui.call("uninstall", "3.12")
    saved = pytui.tmp / "saved"
    shutil.copytree(pytui.cache, saved, symlinks=True)  # (the tree is kept again below: new inodes)
    shutil.rmtree(pytui.cache)
    mounts.tmpfs(pytui.cache)
    shutil.copytree(saved, pytui.cache, symlinks=True, dirs_exist_ok=True)
    shutil.rmtree(pytui.cache / "trees")
    pytui.call("install", "3.12")  # keeps the tree on the tmpfs
    pytui.call("uninstall", "3.12")
    [sha] = pytui.trees()
    with open(pytui.cache / "trees" / sha / "tree" / "lib" / "python3.12" / "site.py", "a") as f:
        f.write("# edited in place\n")
    mounts.remount(pytui.cache, "ro")
    return made


def test_an_install_says_the_changed_tree_could_not_be_removed(pytui: Pytui, changed: MadeArchive) -> None:
    before = snapshot(pytui.cache)
    result = pytui.run("install", "3.12")
    assert result.returncode == 0, str(result)
    assert_installed(pytui, changed)
    [warning] = [line for line in result.stderr.splitlines() if "unpacked tree" in line]
    assert "site.py was changed" in warning and "removed," not in warning, warning
    assert "could not be removed (read-only file system)" in warning, warning
    assert "each install extracts the archive until you make the cache dir writable" in warning, warning
    assert snapshot(pytui.cache) == before


def test_cache_verify_says_the_changed_tree_could_not_be_removed(pytui: Pytui, changed: MadeArchive) -> None:
    before = snapshot(pytui.cache)
    result = pytui.run("cache", "verify")
    assert result.returncode == 1 and "Traceback" not in result.stderr, str(result)
    [line] = [line for line in result.stderr.splitlines() if line.startswith("changed:")]
    assert "site.py was changed" in line and "; removed" not in line, line
    assert "could not be removed: read-only file system; make the cache dir writable" in line, line
    assert "1 changed tree not removed" in result.stdout and "changed tree removed" not in result.stdout, \
        str(result)
    assert snapshot(pytui.cache) == before


def test_verbose_says_why_no_tree_was_kept(pytui: Pytui, mounts: Mounts) -> None:
    """A cached archive in a read-only cache dir installs (extracted), but no tree can be kept
    beside it: every install extracts again. `-v` said only what unpacked it; now also why
    there is no tree for the next install."""
    made = pytui.add("3.12.8")
    mounts.tmpfs(pytui.cache)
    pytui.call("cache", "import", str(made.path))
    mounts.remount(pytui.cache, "ro")
    result = pytui.run("install", "-v", "3.12")
    assert result.returncode == 0, str(result)
    assert_installed(pytui, made)
    [line] = [line for line in result.stderr.splitlines() if "unpacked by" in line]
    assert "its tree could not be kept in the cache (read-only file system)" in line, line
    assert pytui.trees() == []

