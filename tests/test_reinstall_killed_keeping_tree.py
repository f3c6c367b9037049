"""`pytui install --reinstall 3.12` of a build whose tree is not kept (purged), killed (SIGKILL)
while it kept the freshly extracted tree: `trees/.tmp-<sha256>-…` (up to a whole unpacked
build) stayed. Its rerun, `pytui install 3.12`, is satisfied by the old install (the reinstall
never committed), keeps no tree, and so left it for some later install's keep (crash29's kill
drive of the download path: 8 of 35 kills). A run that satisfies its requests now removes such
leftovers too, as it cleans `.temp/` (those of a live run stay, held by their lock).

The kill lands in the keep's linking through tests/step_hook.py.
"""

from __future__ import annotations

import os

from cli_harness import Pytui, assert_installed
from step_hook import killed_at

KEEPING_THE_TREE = "'/.tmp-' in str(args[1])"


def test_a_reinstall_killed_while_it_kept_the_tree_leaves_nothing_after_the_next_install(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    pytui.call("cache", "purge", "--all")  # no kept tree: the reinstall downloads and keeps one
    pytui.serve(made)
    killed_at(pytui, "pytui.core.tree_store.link_tree", "install", "--reinstall", "3.12", when=KEEPING_THE_TREE)
    (left,) = os.listdir(pytui.cache / "trees")
    assert left.startswith(".tmp-"), left
    again = pytui.run("install", "3.12")
    assert again.returncode == 0 and "already installed" in again.stderr, str(again)
    assert os.listdir(pytui.cache / "trees") == []
    assert_installed(pytui, made)
