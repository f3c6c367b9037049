"""`pytui cache purge 3.12` killed (SIGKILL; SIGTERM and SIGHUP alike) while it removed the
archive's kept tree: it had unlinked the archive first, so the half-removed tree
(`trees/.old-<sha256>-…`, up to a whole unpacked build) belonged to no archive any more. Run
again, the same purge said "nothing to remove … no cached archive matches 3.12" and kept it, and
`cache list` said "no archives" while the cache held it. Now a purge removes an archive's tree
before the archive: killed there, the archive is still cached, and the rerun removes it and what
is left of its tree, naming both.

The kill lands in the tree's removal through tests/step_hook.py.
"""

from __future__ import annotations

import os

from cli_harness import Pytui, cache_name
from step_hook import killed_at

REMOVING_THE_TREE = "'/.old-' in str(args[0])"


def test_a_purge_killed_while_it_removed_the_tree_is_finished_by_running_it_again(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    killed_at(pytui, "pytui.core.tree_store.remove_tree", "cache", "purge", "3.12", when=REMOVING_THE_TREE)
    half_removed = os.listdir(pytui.cache / "trees")
    assert len(half_removed) == 1 and half_removed[0].startswith(".old-"), half_removed
    assert pytui.cached() == [cache_name(made)]  # still there: the purge matches it again
    again = pytui.run("cache", "purge", "3.12")
    assert again.returncode == 0, str(again)
    assert f"removed {cache_name(made)} (" in again.stdout, str(again)
    assert f"removed trees/{half_removed[0]} (left by an interrupted pytui" in again.stdout, str(again)
    assert pytui.cached() == [] and pytui.trees() == []
    assert pytui.run("install", "--reinstall", "3.12").returncode == 0
