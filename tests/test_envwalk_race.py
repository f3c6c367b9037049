"""The warm walk re-lists a changed directory by opening it below the root: every component is
opened without following a link, so a parent swapped for a link (to a directory outside the
root) between the check of the stored walk and the listing never leads the walk outside."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from envs_helpers import settle
from pytui.core import envwalk


def test_a_parent_swapped_for_a_link_mid_walk_is_not_followed(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    (root / "a" / "b").mkdir(parents=True)
    outside = tmp_path / "outside"
    (outside / "b" / "evil").mkdir(parents=True)
    (outside / "b" / "evil" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    settle()
    first = envwalk.walk(str(root), max_depth=6, deadline=float("inf"))
    (root / "a" / "b" / "new").mkdir()  # a/b changed: the next walk lists it again
    settle()

    real_lstat = os.lstat

    def lstat_then_swap(path, *args, **kwargs):  # the race, made to happen every time
        result = real_lstat(path, *args, **kwargs)
        if path == "a/b" and not (root / "a").is_symlink():
            (root / "a").rename(tmp_path / "a-moved")
            (root / "a").symlink_to(outside)
        return result

    monkeypatch.setattr(os, "lstat", lstat_then_swap)
    second = envwalk.walk(str(root), max_depth=6, deadline=float("inf"), old=first.tree)
    monkeypatch.undo()
    assert not any("evil" in path for path in second.venvs), second.venvs
    assert not any("evil" in path for path in second.tree.paths), second.tree.paths
