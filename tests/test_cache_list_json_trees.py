"""`pytui cache list --json` lists the kept trees no archive uses (their archive gone, or their
manifest unreadable), as the text output does in its total line and a line of their own: it
listed the archives alone, so a script saw nothing of bytes `cache list` counted. Each such tree
is one more entry with every key an archive's entry has (`"kind": "tree"`, where an archive's,
a partial's or an unknown file's is `"file"`), its size what it holds of `cache list`'s total,
a file hard-linked twice counted once."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from cli_harness import Pytui, cache_name

SIZE = re.compile(r"([0-9.]+) KiB")


def _du_bytes(path: Path) -> int:
    done = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[0])


def _archive_gone(pytui: Pytui) -> tuple[str, str]:
    """An install's tree whose archive was then deleted, another archive kept: (the tree's
    sha256, the other archive's file name)."""
    made, other = pytui.tree_whose_archive_is_gone()
    return made.sha256, cache_name(other)


def _listed(pytui: Pytui) -> list[dict[str, object]]:
    listed = pytui.run("cache", "list", "--json")
    assert listed.returncode == 0 and listed.stderr == "", str(listed)
    entries = json.loads(listed.stdout)
    assert len({tuple(entry) for entry in entries}) == 1, entries  # one shape: the same keys, in order
    return entries


def test_a_tree_whose_archive_is_gone_is_listed(pytui: Pytui) -> None:
    sha, other = _archive_gone(pytui)
    archive, tree = _listed(pytui)
    assert archive["kind"] == "file" and archive["file"] == other, archive
    tree_path = pytui.cache / "trees" / sha
    assert tree == {
        "file": f"trees/{sha}", "path": str(tree_path), "size": _du_bytes(tree_path),
        "state": "archive gone", "key": "cpython-3.12.8-linux-x86_64-gnu", "version": "3.12.8",
        "build": "20250115", "in_catalog": False, "sha256": sha, "url": None, "expected_size": None,
        "lock_holder": None,
        "percent": None, "tree": str(tree_path), "kind": "tree"}, tree


def test_with_no_archive_left_the_tree_is_listed(pytui: Pytui) -> None:
    """The text says `no archives in …` and the tree's line; the JSON said `[]`."""
    sha, other = _archive_gone(pytui)
    os.unlink(pytui.cache / other)
    [tree] = _listed(pytui)
    assert tree["kind"] == "tree" and tree["sha256"] == sha and tree["state"] == "archive gone", tree


def test_sizes_count_a_hard_linked_file_once_as_the_text(pytui: Pytui) -> None:
    """A copy of the tree made with hard links under another sha256 (its manifest
    names another archive, so it is unreadable) shares every file with it: the text counts each
    file once, in one kind's share; so does the JSON, and its sizes are the text's."""
    sha, _other = _archive_gone(pytui)
    copy = "cd" * 32
    # (Files linked, links made anew: `cp -al` hard-links the links too, which the manifest's
    # summary counts by size, not by inode.)
    shutil.copytree(pytui.cache / "trees" / sha, pytui.cache / "trees" / copy, symlinks=True, copy_function=os.link)
    text = pytui.run("cache", "list")
    assert text.returncode == 0, str(text)
    shares = [round(float(size) * 1024) for size in SIZE.findall(text.stdout.splitlines()[1])]
    assert "1 unpacked tree whose manifest is unreadable" in text.stdout, str(text)
    _archive, gone, unreadable = _listed(pytui)
    assert (gone["state"], unreadable["state"]) == ("archive gone", "manifest unreadable")
    assert (unreadable["sha256"], unreadable["key"], unreadable["version"]) == (copy, None, None), unreadable
    # Together they hold what `du` counts of the two, a shared file once (the later tree's).
    both = subprocess.run(["du", "-sbc", str(pytui.cache / "trees" / sha), str(pytui.cache / "trees" / copy)],
                          capture_output=True, text=True, check=True).stdout.splitlines()[-1]
    assert gone["size"] + unreadable["size"] == int(both.split()[0]), (both, gone, unreadable)
    assert gone["size"] < _du_bytes(pytui.cache / "trees" / sha), gone  # (alone: the shared files too)
    pairs = zip((gone["size"], unreadable["size"]), shares[1:3], strict=True)
    assert all(abs(size - share) <= 52 for size, share in pairs), (shares, gone, unreadable)  # 0.1 KiB rounding


def test_past_the_bound_the_kinds_shares_stay_the_texts(pytui: Pytui) -> None:
    """Past MAX_TREES_SIZED_APART trees sized one by one (a walk each), the rest of a kind are
    sized together, each by its own `du`: the kinds' shares, which the text says, are the same."""
    from pytui.core.cache import ArchiveCache
    from pytui.core.loose_trees import loose_trees, tree_shares, usage_apart

    sha, _other = _archive_gone(pytui)
    shutil.copytree(pytui.cache / "trees" / sha, pytui.cache / "trees" / ("cd" * 32), symlinks=True)
    cache = ArchiveCache(pytui.cache)
    loose = loose_trees(cache)
    total, shares, each = tree_shares(cache, loose, apart=1)
    assert (total, shares) == usage_apart(cache, loose) == tree_shares(cache, loose)[:2]
    assert [size for _, _, size in each] == [_du_bytes(pytui.cache / "trees" / name) for name in (sha, "cd" * 32)]


def test_the_help_says_the_trees_are_listed(capsys) -> None:
    """`cache list --help` spoke of archives and partial downloads alone."""
    from cli_harness import run_main

    code, out, _err = run_main(capsys, "cache", "list", "--help")
    words = " ".join(out.split())
    assert code == 0 and "Kept unpacked trees no archive uses (archive gone, manifest unreadable) are never used: " \
        "said after the total, and after the files in --json." in words, words
    assert 'the files, then the kept trees no archive uses ("kind": "file" or "tree")' in words, words
