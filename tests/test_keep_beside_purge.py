"""`pytui cache purge` of an archive in another process while `pytui install` keeps the unpacked
tree it just extracted from that archive (between the extraction and the tree's rename into
`trees/`). The purge removed the archive and found no tree of it yet; the install then renamed
its tree in: a tree with no archive, never used again (an install links only from a tree
beside its archive), counted in the cache's size (`1 archive, 2 unpacked trees`) and listed in
no row, until a `cache verify`. The keep now looks for the archive once its tree is in place
and removes the tree when the archive is gone: a purge that ran before that look left no tree,
and one that runs after it finds the tree and removes it with the archive.

The install is a real pytui stopped at the tree's sysconfig record (the last step before the
rename) by tests/step_hook.py; the purge runs while it waits, so the interleaving is an event's.
"""

from __future__ import annotations

from cli_harness import Pytui, assert_installed, cache_name
from step_hook import paused_at, resume

KEEPING = "pytui.core.tree_store.write_sysconfig"


def test_a_tree_kept_while_its_archive_is_purged_is_not_left_behind(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    other = pytui.add("3.13.1")
    for archive in (made, other):
        pytui.call("cache", "import", str(archive.path))
    proc = paused_at(pytui, KEEPING, "--offline", "install", "3.12")
    purged = pytui.run("cache", "purge", "3.12")
    assert purged.returncode == 0 and cache_name(made) in purged.stdout, str(purged)
    code, _, err = resume(proc)
    assert code == 0 and "Traceback" not in err, err
    assert_installed(pytui, made)
    assert pytui.cached() == [cache_name(other)] and pytui.trees() == [], pytui.trees()
    listed = pytui.run("cache", "list")
    assert listed.returncode == 0 and "unpacked tree" not in listed.stdout, str(listed)
    assert pytui.temp_left() == []


def test_a_purge_after_the_tree_is_kept_removes_it_with_its_archive(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    pytui.call("--offline", "install", "3.12")
    assert pytui.trees() == [made.sha256]
    purged = pytui.run("cache", "purge", "3.12")
    assert purged.returncode == 0 and "+ its kept tree" in purged.stdout, str(purged)
    assert pytui.cached() == [] and pytui.trees() == []


def test_a_tree_kept_between_the_purges_look_at_trees_and_its_archives_removal_goes_too(
        pytui: Pytui) -> None:
    """The other order: the purge has looked for trees of the archive (none yet) when the
    install renames its tree in and finds the archive still there; the purge then removes the
    archive, and looks at the trees once more, so the tree goes with it."""
    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    install = paused_at(pytui, KEEPING, "--offline", "install", "3.12")
    # Stopped after its trees were looked at, before the archive's removal.
    purge = paused_at(pytui, "pytui.core.cache_purge.removal_hold", "cache", "purge", "3.12")
    code, _, err = resume(install)
    assert code == 0 and "Traceback" not in err, err
    assert_installed(pytui, made)
    assert pytui.trees() == [made.sha256]  # kept: its archive was there when it looked
    code, out, err = resume(purge)
    assert code == 0 and cache_name(made) in out, out + err
    assert pytui.cached() == [] and pytui.trees() == [], pytui.trees()
