"""`pytui cache verify` killed (SIGKILL) half-way through removing a tree left what no command
showed and only a later install that kept a tree, or a purge of that archive or of all, removed:

- killed while it removed a changed tree: `trees/.old-<sha256>-…`, a whole unpacked build. The
  next `cache verify` said "1 ok" and kept it; `cache list` did not show it, and its total left
  out its directories (`du` counts them).
- killed between removing a corrupt archive and its tree: the tree, whose archive was gone
  (never used: an install uses a tree only beside its archive). A second verify removed it
  without a word.

Now a verify removes a tree before its corrupt archive (killed there, the next verify finds the
archive corrupt again), removes what killed runs left first (those a live run holds stay) and
says it, and says the trees whose archive was gone it removed. `cache list` says what killed
runs left, and its total counts a leftover's directories, as `du -sb` does.

The kills land in the tree's removal through tests/step_hook.py.
"""

from __future__ import annotations

import os
import subprocess

from cli_harness import Pytui, cache_name
from pytui.app.verify_summary import verify_summary
from pytui.core.cache import ArchiveCache
from step_hook import killed_at

REMOVING_A_TREE = "'/.old-' in str(args[0])"


def _du_less_holders(cache: os.PathLike[str]) -> int:
    """`du -sb` of the cache dir less the bytes of the cache dir and `trees/` themselves."""
    du = int(subprocess.run(["du", "-sb", os.fspath(cache)], capture_output=True, text=True,
                            check=True).stdout.split()[0])
    return du - os.stat(cache).st_size - os.stat(os.path.join(cache, "trees")).st_size


def _change_a_file_of_the_tree(pytui: Pytui) -> None:
    tree = pytui.cache / "trees" / pytui.trees()[0] / "tree"
    changed = next(tree.rglob("*.py"))
    changed.write_text(changed.read_text() + "# changed\n")


def test_a_verify_killed_while_it_removed_a_changed_tree_is_finished_by_the_next(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    _change_a_file_of_the_tree(pytui)
    killed_at(pytui, "pytui.core.tree_store.remove_tree", "cache", "verify", when=REMOVING_A_TREE)
    (left,) = pytui.trees()
    assert left.startswith(".old-"), left
    assert ArchiveCache(pytui.cache).disk_usage() == _du_less_holders(pytui.cache)  # its directories too
    listed = pytui.run("cache", "list")
    assert listed.stdout.splitlines()[-1].startswith("1 leftover of killed runs ("), str(listed)
    assert "removed by `pytui cache verify` or `pytui cache purge --all`" in listed.stdout, str(listed)
    again = pytui.run("cache", "verify")
    assert again.returncode == 0 and again.stderr == "", str(again)
    assert f"removed trees/{left} (left by an interrupted pytui" in again.stdout, str(again)
    assert ": 1 ok, 1 leftover of killed runs removed (" in again.stdout, str(again)
    assert pytui.trees() == [] and pytui.cached() == [cache_name(made)]
    assert "leftover" not in pytui.run("cache", "list").stdout
    assert pytui.run("install", "--reinstall", "3.12").returncode == 0
    assert len(pytui.trees()) == 1  # kept again, from the archive


def test_a_verify_killed_while_it_removed_a_corrupt_archives_tree_keeps_the_archive(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    archive = pytui.cache / cache_name(made)
    corrupt = bytearray(archive.read_bytes())
    corrupt[len(corrupt) // 2] ^= 0xFF
    archive.write_bytes(bytes(corrupt))
    killed_at(pytui, "pytui.core.tree_store.remove_tree", "cache", "verify", when=REMOVING_A_TREE)
    assert pytui.cached() == [cache_name(made)]  # the tree goes first: the archive is still there
    again = pytui.run("cache", "verify")
    assert again.returncode == 1, str(again)  # a corrupt archive found
    assert "removed trees/.old-" in again.stdout and "1 leftover of killed runs removed" in again.stdout, str(again)
    assert f"corrupt: {cache_name(made)}" in again.stderr and "; removed" in again.stderr, str(again)
    assert pytui.trees() == [] and pytui.cached() == []
    assert pytui.run("install", "--reinstall", "3.12").returncode == 0  # downloaded again


def test_a_tree_whose_archive_is_gone_is_removed_by_verify_which_says_so(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    os.unlink(pytui.cache / cache_name(made))  # as a run killed between the two left it, or uv's cache clean
    result = pytui.run("cache", "verify")
    assert result.returncode == 0, str(result)
    assert ": 0 ok, 1 unpacked tree whose archive was gone removed (" in result.stdout, str(result)
    assert pytui.trees() == []


def test_the_tui_line_says_what_verify_removed_of_killed_runs(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    _change_a_file_of_the_tree(pytui)
    killed_at(pytui, "pytui.core.tree_store.remove_tree", "cache", "verify", when=REMOVING_A_TREE)
    line, warning = verify_summary(ArchiveCache(pytui.cache).verify())
    assert line.startswith("Cache verified: 1 archive ok; 1 leftover of killed runs removed ("), line
    assert not warning


def test_the_tui_line_says_what_removing_a_tree_whose_archive_was_gone_freed(pytui: Pytui) -> None:
    """The TUI's `v` said `1 unpacked tree whose archive was gone removed (63.7 KiB)` beside
    `… manifest was unreadable removed (60.4 KiB freed)` in one line; `pytui cache verify`
    says `(… freed)` for both. Now the TUI does too."""
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    os.unlink(pytui.cache / cache_name(made))
    line, warning = verify_summary(ArchiveCache(pytui.cache).verify())
    assert line.startswith("Cache verified: 0 archives ok; 1 unpacked tree whose archive was gone removed ("), line
    assert line.endswith(" freed)") and not warning, line
