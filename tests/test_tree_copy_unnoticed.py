"""The copy fallback is noticed only by its time (issue 10: "across filesystems, or where hard
links fail, fall back to copying (or to extraction) without the user noticing anything but the
time"): an install from a tree kept in a cache dir on another filesystem (a tmpfs, so the tree
is copied) says what an install from a tree on the root's filesystem (linked) says, line for
line but for the time it took, `-v` included, and exits 0 alike. test_tree_store checks that
the copy happened and is correct; not what it said."""

from __future__ import annotations

import re

from cli_harness import Pytui, Result
from test_tree_store import tmpfs  # noqa: F401 - the fixture


def _said(result: Result, pytui: Pytui, cache: str) -> list[str]:
    text = (result.stdout + result.stderr).replace(cache, "<cache>").replace(str(pytui.tmp), "<tmp>")
    return [re.sub(r" in \d+(\.\d+)?m?s$", " in <time>", line) for line in text.splitlines()]


def test_an_install_copied_from_another_filesystem_says_what_a_linked_one_says(pytui: Pytui, tmpfs) -> None:  # noqa: F811
    pytui.add("3.12.8")
    said = {}
    for where, cache in (("linked", pytui.tmp / "near-cache"), ("copied", tmpfs / "cache")):
        first = pytui.run("install", "--reinstall", "3.12", "--cache-dir", str(cache))  # downloaded, tree kept
        assert first.returncode == 0 and "extract " in first.stderr, str(first)
        again = pytui.run("install", "--reinstall", "-v", "3.12", "--cache-dir", str(cache))
        assert again.returncode == 0, str(again)
        said[where] = _said(again, pytui, str(cache))
    assert any("from the tree kept in the cache" in line for line in said["linked"]), said
    assert said["copied"] == said["linked"], said
