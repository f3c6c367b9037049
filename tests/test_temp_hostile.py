"""The install root's `.temp/` read as hostile input: `clean_temp` and `wait_for_removals` never
follow a link planted there, never block on a FIFO named like a lock, and treat whatever is not
a lock pytui made as a leftover."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, snapshot
from pytui.core.install_root import InstallRoot
from pytui.core.root_tree import wait_for_removals


def test_clean_temp_never_follows_links_and_takes_odd_lock_files_as_leftovers(tmp_path: Path,
                                                                              root: InstallRoot) -> None:
    """`.temp/` is the root's, but what is in it is input: a `.lock` that is a directory, a
    FIFO or a link is a leftover (removed as what it is, never opened through), and a `.temp`
    that is a link to someone's directory is not cleaned at all."""
    root.init()
    temp = root.temp_dir
    keep = tmp_path / "precious"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine")
    (temp / "a.lock").mkdir()                 # a directory named like a lock
    (temp / "a").mkdir()
    os.mkfifo(temp / "b.lock")                 # a FIFO
    (temp / "c.lock").symlink_to(keep / "notes.txt")  # a link to a file of someone's
    (temp / "c").symlink_to(keep)               # a link to a directory of someone's
    assert root.clean_temp() == 5
    assert os.listdir(temp) == []
    assert (keep / "notes.txt").read_text() == "mine"
    wait_for_removals(temp)  # returns (nothing to wait for), even with odd entries gone

    # `.temp` itself swapped for a link to someone's directory: nothing there is touched.
    os.rmdir(temp)
    temp.symlink_to(keep)
    assert root.clean_temp() == 0
    assert sorted(os.listdir(keep)) == ["notes.txt"]


def test_wait_for_removals_does_not_block_on_a_fifo(root: InstallRoot) -> None:
    root.init()
    os.mkfifo(root.temp_dir / "x.lock")
    done = threading.Event()
    threading.Thread(target=lambda: (wait_for_removals(root.temp_dir), done.set()), daemon=True).start()
    assert done.wait(60), "wait_for_removals blocked opening a FIFO named *.lock"


@pytest.mark.parametrize("shape", ["file", "fifo", "loop"])
def test_a_temp_that_is_no_directory_is_named_as_such(pytui: Pytui, shape: str) -> None:
    """`.temp` a file, a FIFO or a symbolic link loop (`.temp -> .temp`): install and uninstall
    said `cannot write to the install root …: already exists; pass another with
    --install-dir`, naming neither `.temp` nor its cure."""
    pytui.add("3.12.8")
    pytui.add("3.11.9")
    pytui.call("install", "3.11")
    temp = pytui.root / ".temp"
    os.rmdir(temp)
    if shape == "file":
        temp.write_text("")
    elif shape == "fifo":
        os.mkfifo(temp)
    else:
        temp.symlink_to(".temp")
    before = snapshot(pytui.root, pytui.bin)

    said = f"{temp} is a symbolic link loop" if shape == "loop" else f"{temp} is not a directory"
    for args in (("install", "3.12"), ("uninstall", "3.11")):
        line = assert_clean_failure(pytui.run(*args))
        assert said in line and "remove it" in line, line
        assert "already exists" not in line, line
    assert snapshot(pytui.root, pytui.bin) == before
