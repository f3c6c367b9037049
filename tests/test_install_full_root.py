"""An install root that fills up while an install is unpacked or linked into it: one line that
says so and how much to free, and the root, cache and bin dir as they were (real tmpfs mounts;
root only, skipped with the reason otherwise)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure
from fixtures_archives import MadeArchive, file
from fixtures_fs import Mounts
from pytui.core.install_root import InstallRoot


def _big(version: str = "3.12.8") -> list:
    # Random bytes do not compress: the archive is as large as what it unpacks to.
    return [file(f"lib/python{version[:4]}/big{i}.bin", os.urandom(1 << 20)) for i in range(6)]


def _made_root(path: Path) -> None:
    """`.temp/`, `.gitignore` and `.lock`, as any install run makes them before it stages."""
    with InstallRoot(path).locked():
        pass


def _free_mib(line: str) -> int:
    found = re.search(r"free (?:at least )?(\d+) MiB and retry", line)
    assert found, line
    return int(found.group(1))


def test_extraction_that_fills_the_root_says_how_much_to_free(pytui: Pytui, mounts: Mounts) -> None:
    made: MadeArchive = pytui.add("3.12.8", extra=_big())
    pytui.call("cache", "import", str(made.path))  # the cache is on the real disk; the root is small
    _made_root(mounts.tmpfs(pytui.root, "3m"))
    before = pytui.state()
    result = pytui.run("install", "3.12")
    line = assert_clean_failure(result)
    assert f"no space left on {pytui.root}" in line and made.build.key in line, line
    # ~6 MiB unpacked (the gzip trailer says) on a 3 MiB filesystem: freeing cannot help.
    assert re.search(r"the install needs 6\.\d MiB and [\d.]+ [KM]iB is free there, more than its "
                     r"filesystem holds \(3\.0 MiB\); install into a bigger one with --install-dir", line), line
    assert "nothing was installed" in line, line
    assert pytui.state() == before and pytui.temp_left() == []


def test_a_root_with_too_little_free_says_needed_and_free(pytui: Pytui, mounts: Mounts) -> None:
    made: MadeArchive = pytui.add("3.12.8", extra=_big())
    pytui.call("cache", "import", str(made.path))
    root = mounts.tmpfs(pytui.root, "10m")
    _made_root(root)
    (root / "filler.bin").write_bytes(b"\0" * (6 << 20))  # ~4 MiB left of 10
    before = pytui.state()
    line = assert_clean_failure(pytui.run("install", "3.12"))
    found = re.search(r"the install needs (6\.\d) MiB and ([\d.]+) MiB is free there; free (\d+) MiB "
                      r"and retry", line)
    assert found, line
    needed, free, missing = float(found.group(1)), float(found.group(2)), _free_mib(line)
    # The MiB shown are rounded to one decimal; the MiB to free are rounded up from the bytes.
    assert 3 <= free <= 4.1 and missing - 1 <= needed - free <= missing, line
    assert pytui.state() == before and pytui.temp_left() == []


def test_a_tree_copied_into_a_full_root_says_how_much_to_free(pytui: Pytui, mounts: Mounts) -> None:
    made: MadeArchive = pytui.add("3.12.8", extra=_big())
    pytui.call("install", "3.12")  # keeps the pristine tree in the cache, on the real disk
    assert pytui.trees() == [made.build.sha256]
    pytui.call("uninstall", "3.12")
    # Another filesystem, so the tree is copied (hard links cannot cross it), and too small.
    _made_root(mounts.tmpfs(pytui.root, "3m"))
    before = pytui.state()
    result = pytui.run("install", "3.12")
    line = assert_clean_failure(result)
    assert f"no space left on {pytui.root}" in line and made.build.key in line, line
    # The tree's size is known: at least the 6 MiB of payload, more than the 3 MiB filesystem.
    assert "more than its filesystem holds (3.0 MiB)" in line, line
    assert pytui.state() == before and pytui.temp_left() == []
    assert pytui.trees() == [made.build.sha256]  # a full disk is no reason to drop the tree


@pytest.mark.parametrize("source", ["tree", "archive"])
def test_a_root_out_of_inodes_says_so_not_to_free_bytes(pytui: Pytui, mounts: Mounts, source: str) -> None:
    """A filesystem whose inode table is full fails every mkdir/create with ENOSPC however many
    bytes are free: the line says it is out of inodes (freeing a MiB, as said before, would
    not help), and the root, cache, bin dir and tree are as they were."""
    made = pytui.add("3.12.8", extra=[file(f"lib/python3.12/many/m{i}.py", f"x = {i}\n") for i in range(300)])
    if source == "tree":
        pytui.call("install", "3.12")  # keeps the tree in the cache, on the real disk
        pytui.call("uninstall", "3.12")
    else:
        pytui.call("cache", "import", str(made.path))  # cached, no tree: the install extracts
    # 64 MiB free, 100 inodes: far fewer than the 300 files (copied: another filesystem).
    _made_root(mounts.tmpfs(pytui.root, "64m", inodes=100))
    before = pytui.state()
    result = pytui.run("install", "3.12")
    line = assert_clean_failure(result)
    assert f"no space left on {pytui.root}: its filesystem is out of inodes" in line, line
    assert "install into another filesystem with --install-dir" in line and "MiB and retry" not in line, line
    if source == "tree":
        assert "the install makes up to 331 files and directories" in line, line
    assert pytui.state() == before and pytui.temp_left() == []
    assert pytui.trees() == ([made.build.sha256] if source == "tree" else [])
