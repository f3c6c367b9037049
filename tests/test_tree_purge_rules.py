"""The purge rules cover kept trees (issue 10: "the purge rules and `verify` cover them"):
`cache purge --superseded` and `--installed` remove each archive they pick with its kept tree,
and leave the other archives' trees; an install linked from a removed tree keeps its files (a
hard link is a file of its own once the tree's name is gone). `--all` is tested in
test_tree_store, a request in test_purge_effect. Real installs from the loopback server."""

from __future__ import annotations

import os

from cli_harness import Pytui


def files_of(top: os.PathLike[str]) -> dict[str, bytes]:
    out = {}
    for dirpath, _dirs, files in os.walk(top):
        for name in files:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                with open(path, "rb") as f:
                    out[os.path.relpath(path, top)] = f.read()
    return out


def test_purge_superseded_removes_the_older_builds_tree_and_keeps_the_newer(pytui: Pytui) -> None:
    old = pytui.add("3.12.8", "20250115")
    pytui.call("install", "3.12.8")
    new = pytui.add("3.12.8", "20250205")  # a newer build of the same version
    pytui.call("install", "--reinstall", "3.12.8")
    assert pytui.trees() == sorted([old.build.sha256, new.build.sha256])
    installed = files_of(pytui.root / new.build.key)

    dry = pytui.run("cache", "purge", "--superseded", "--dry-run")
    assert dry.returncode == 0, str(dry)
    assert "20250115" in dry.stdout and "+ its kept tree" in dry.stdout and "20250205" not in dry.stdout, str(dry)
    assert len(pytui.trees()) == 2  # a dry run removes nothing

    purged = pytui.run("cache", "purge", "--superseded")
    assert purged.returncode == 0, str(purged)
    assert "+ its kept tree" in purged.stdout and "(1 file, 1 kept tree)" in purged.stdout, str(purged)
    assert pytui.trees() == [new.build.sha256]
    assert pytui.cached() == [new.build.cache_filename]
    assert files_of(pytui.root / new.build.key) == installed  # the install from the kept tree is whole


def test_purge_installed_removes_the_installed_builds_tree_and_keeps_the_others(pytui: Pytui) -> None:
    kept = pytui.add("3.11.9")
    gone = pytui.add("3.12.8")
    pytui.call("install", kept.build.key)
    pytui.call("uninstall", kept.build.key)  # cached, its tree kept, no longer installed
    pytui.call("install", gone.build.key)
    installed = files_of(pytui.root / gone.build.key)

    purged = pytui.run("cache", "purge", "--installed")
    assert purged.returncode == 0, str(purged)
    assert "3.12.8" in purged.stdout and "+ its kept tree" in purged.stdout and "3.11.9" not in purged.stdout, \
        str(purged)
    assert pytui.trees() == [kept.build.sha256]
    assert pytui.cached() == [kept.build.cache_filename]
    assert files_of(pytui.root / gone.build.key) == installed
    # The next install of the purged build downloads and keeps its tree again.
    again = pytui.run("install", "--reinstall", gone.build.key)
    assert again.returncode == 0, str(again)
    assert pytui.requests(gone) == 2 and pytui.trees() == sorted([kept.build.sha256, gone.build.sha256])
