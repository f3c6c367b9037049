"""`cache list` said a tree whose archive is gone held 63.7 KiB and `cache purge` that removing
it freed 63.4 KiB: the list says what the tree holds of the cache's total (`du -sb`, a file
hard-linked twice once), the purge what removing it frees, and the files an installed
interpreter shares with the tree (hard links: the install was linked from it) stay on disk.
Neither the directories' bytes nor the manifest: with nothing installed from it the two agree.
Where they differ, `cache list` now says both and why."""

from __future__ import annotations

import subprocess

from cli_harness import Pytui


def _du(path) -> int:
    return int(subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True).stdout.split()[0])


def _purge_says(pytui: Pytui) -> str:
    preview = pytui.run("cache", "purge", "--dry-run", "--superseded")
    assert preview.returncode == 0, str(preview)
    return preview.stdout.splitlines()[0].removeprefix("would remove 1 unpacked tree whose archive was gone (")[:-1]


def test_cache_list_says_why_removing_a_tree_frees_less_than_it_holds(pytui: Pytui) -> None:
    from pytui.app.cache_cli import size_text
    from pytui.core.root_tree import footprint

    made, _other = pytui.tree_whose_archive_is_gone()
    tree = pytui.cache / "trees" / made.sha256
    held, freed = _du(tree), footprint(tree).freed
    assert freed < held  # 3.12.8, installed from it, shares its files
    listed = pytui.run("cache", "list")
    assert listed.returncode == 0, str(listed)
    line = listed.stdout.splitlines()[-1]
    assert line.startswith(f"1 unpacked tree whose archive is gone ({size_text(held)}; removing it frees "
                           f"{size_text(freed)}, the files an install shares with it stay), never used; "), str(listed)
    assert _purge_says(pytui) == size_text(freed)
    # Nothing installed from it: what it holds is what removing it frees, said once.
    pytui.call("uninstall", "3.12.8")
    listed = pytui.run("cache", "list")
    assert listed.stdout.splitlines()[-1].startswith(
        f"1 unpacked tree whose archive is gone ({size_text(_du(tree))}), never used; "), str(listed)
    assert _purge_says(pytui) == size_text(_du(tree))
