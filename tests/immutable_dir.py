"""A directory even root cannot empty: `chattr +i` (ext4 and the like), for the kept trees
another user owns that a purge cannot remove (tests/test_tree_not_ours.py, the TUI's purge)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def immutable(directory: Path, search: Path) -> Iterator[None]:
    """`directory` made immutable for the block (skips where chattr cannot); afterwards every
    immutable directory named like it under `search` (a purge renames its tree aside) is
    made mutable again, so the test's tmp dir can be removed."""
    try:
        done = subprocess.run(["chattr", "+i", str(directory)], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("cannot make a directory immutable here: no chattr (Debian's e2fsprogs)")
    if done.returncode != 0:
        pytest.skip(f"cannot make a directory immutable here: {done.stderr.strip() or 'chattr failed'}")
    try:
        yield
    finally:
        for found in search.rglob(directory.name):
            subprocess.run(["chattr", "-i", str(found)], capture_output=True)
