"""`pytui cache list` shows a kept tree with its archive (issue 10: "`cache list` shows them"),
in its words: the archive's row says `+ tree`, the total line counts the tree and gives the
cache's total, `--json` gives the tree's path; an archive whose
tree is gone is listed without it. The API's mark is tested in test_tree_store, the trees no
archive uses in test_orphan_tree_said and test_unreadable_tree_said; nothing read the
positive case in the command's own output."""

from __future__ import annotations

import json
import re

from cli_harness import Pytui
from pytui.app.cache_cli import size_text
from pytui.core.cache import ArchiveCache
from pytui.core.tree_store import TreeStore


def test_cache_list_shows_the_tree_beside_its_archive(pytui: Pytui) -> None:
    made = pytui.add("3.12.8", payload=True)
    other = pytui.add("3.11.9")
    pytui.call("install", "3.12.8")
    pytui.call("cache", "import", str(other.path))  # cached, never installed: no tree
    listed = pytui.run("cache", "list")
    assert listed.returncode == 0, str(listed)
    rows = {line.rsplit(None, 1)[-1]: line for line in listed.stdout.splitlines()[:2]}
    assert re.search(r"\+ tree\s+" + re.escape(made.build.cache_filename) + "$", rows[made.build.cache_filename])
    assert "+ tree" not in rows[other.build.cache_filename]
    total = listed.stdout.splitlines()[2]
    assert total.startswith("2 archives, 1 unpacked tree, ") and total.endswith(f" in {pytui.cache}"), total
    # The total is the cache's total (test_tree_store checks it against `du -sb`).
    assert f", {size_text(ArchiveCache(pytui.cache).disk_usage())} in " in total, total

    rows_json = {row["file"]: row for row in json.loads(pytui.run("cache", "list", "--json").stdout)}
    assert rows_json[made.build.cache_filename]["tree"] == str(pytui.cache / "trees" / made.build.sha256)
    assert rows_json[other.build.cache_filename]["tree"] is None

    TreeStore(pytui.cache).discard(made.build.sha256)
    again = pytui.run("cache", "list")
    assert "+ tree" not in again.stdout and "unpacked tree" not in again.stdout, str(again)
