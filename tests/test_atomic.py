"""core/atomic.py: the one atomic small-file write (new, replace, mode, symlink, failure)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytui.core.atomic import write_atomic


def test_writes_new_and_replaces_keeping_the_mode(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    target = tmp_path / "d" / "state.json"
    write_atomic(target, b"one")
    assert target.read_bytes() == b"one" and target.stat().st_mode & 0o777 == 0o644
    target.chmod(0o600)
    write_atomic(target, b"two", fsync=False)
    assert target.read_bytes() == b"two" and target.stat().st_mode & 0o777 == 0o600
    write_atomic(target, b"three", mode=0o640)
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["state.json"]


def test_a_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.write_bytes(b"keep")
    link = tmp_path / "link"
    link.symlink_to(outside)
    write_atomic(link, b"new")
    assert outside.read_bytes() == b"keep"
    assert not link.is_symlink() and link.read_bytes() == b"new"


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    work = tmp_path / "w"
    work.mkdir()
    blocker = work / "file"
    blocker.write_bytes(b"x")
    with pytest.raises(OSError):
        write_atomic(blocker / "child", b"data")
    # The temp name is too long for the file system: the directories made for it go too.
    with pytest.raises(OSError):
        write_atomic(work / "a" / "b" / ("n" * 300), b"data", make_parents=True)
    assert sorted(os.listdir(work)) == ["file"]


def test_make_parents(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "state"
    write_atomic(target, b"x", make_parents=True)
    assert target.read_bytes() == b"x"


@pytest.mark.parametrize("kind", ["device", "world-writable file", "setuid file"])
def test_a_link_replaced_does_not_lend_its_mode(tmp_path: Path, kind: str) -> None:
    # A state file kept as a link to /dev/zero (0o666) became a world-writable file of pytui's;
    # the new file takes the default mode, as for a new one, and what the link named is untouched.
    if kind == "device":
        pointed = Path("/dev/zero")
    else:
        pointed = tmp_path / "elsewhere"
        pointed.write_bytes(b"keep")
        pointed.chmod(0o666 if kind == "world-writable file" else 0o4755)
    before = os.stat(pointed)
    link = tmp_path / "envs-scan.bin"
    link.symlink_to(pointed)
    write_atomic(link, b"new")
    assert not link.is_symlink() and link.read_bytes() == b"new"
    assert link.stat().st_mode & 0o7777 == 0o644
    after = os.stat(pointed)
    assert (after.st_mode, after.st_ino, after.st_mtime_ns) == (before.st_mode, before.st_ino, before.st_mtime_ns)


def test_a_link_loop_at_the_target_is_replaced(tmp_path: Path) -> None:
    loop = tmp_path / "state.json"
    loop.symlink_to(loop)
    write_atomic(loop, b"new")
    assert not loop.is_symlink() and loop.read_bytes() == b"new"
    assert loop.stat().st_mode & 0o777 == 0o644
