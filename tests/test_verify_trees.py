"""`pytui cache verify` and `v` say the kept tree that went with a corrupt archive."""

from __future__ import annotations

from cli_harness import Pytui


def test_cache_verify_says_the_kept_tree_that_went_with_a_corrupt_archive(pytui: Pytui) -> None:
    """The tree of a corrupt archive goes with it; verify said `1 corrupt removed (8 B freed)`,
    and the tree, a hundred times that, was gone without a word (`cache list` had said `+ tree`)."""
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    pytui.call("uninstall", "3.12")  # the tree's files are its own now: removing it frees them
    [sha] = pytui.trees()
    tree_bytes = sum(f.stat().st_size for f in (pytui.cache / "trees" / sha).rglob("*") if f.is_file())
    [archive] = [p for p in pytui.cache.iterdir() if p.name.endswith(".tar.gz")]
    archive.write_bytes(b"garbage\n")
    result = pytui.run("cache", "verify")
    assert result.returncode == 1, str(result)
    [summary] = result.stdout.splitlines()
    assert "1 corrupt removed with 1 kept tree (" in summary, summary
    freed = summary.split("kept tree (", 1)[1].split(" freed)", 1)[0]
    assert freed != "8 B", summary
    assert pytui.trees() == [] and tree_bytes > 1024


def test_the_tui_line_says_the_kept_tree_too(pytui: Pytui) -> None:
    from pytui.app.verify_summary import verify_summary
    from pytui.core.cache import ArchiveCache

    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    pytui.call("uninstall", "3.12")
    (pytui.cache / made.build.cache_filename).write_bytes(b"garbage\n")
    summary, warning = verify_summary(ArchiveCache(pytui.cache).verify())
    assert warning and summary.startswith("0 archives ok; 1 corrupt removed with 1 kept tree ("), summary
    assert not summary.startswith("0 archives ok; 1 corrupt removed with 1 kept tree (8 B)"), summary


def test_a_tree_whose_manifest_does_not_read_is_said_unreadable_not_archiveless(pytui: Pytui) -> None:
    """`cache verify` said `1 ok, 1 unpacked tree whose archive was gone removed` of a tree whose
    manifest was broken, beside its archive (the `1 ok`): the manifest names no archive when it
    does not read. It is said with why, as a tree whose manifest is unreadable (as `cache list`
    and `cache purge` say it: tests/test_unreadable_tree_said.py)."""
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    [sha] = pytui.trees()
    (pytui.cache / "trees" / sha / "manifest.json").write_text("{not json")
    result = pytui.run("cache", "verify")
    assert result.returncode == 1, str(result)
    assert "whose archive was gone" not in result.stdout, str(result)
    assert ": 1 ok, 1 unpacked tree whose manifest was unreadable removed (" in result.stdout, str(result)
    assert f"manifest unreadable: the unpacked tree of {sha} (manifest is not JSON); removed" in result.stderr, \
        str(result)
    assert pytui.trees() == []


def test_a_tree_another_process_purges_while_verify_runs_is_not_said_changed(pytui: Pytui) -> None:
    """`cache verify` lists the kept trees, then checks each; a `cache purge --all` in between
    (another shell, the TUI's P) removed one, and verify said it `changed: … (manifest unreadable:
    no such file or directory); removed` and exited 1, as if the cache were damaged. A tree that
    is gone is no tree to check."""
    from step_hook import paused_at, resume

    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    [sha] = pytui.trees()
    proc = paused_at(pytui, "pytui.core.tree_store.TreeStore/check", "cache", "verify")
    purged = pytui.run("cache", "purge", "--all")
    assert purged.returncode == 0 and pytui.trees() == [], str(purged)
    code, out, err = resume(proc)
    assert "changed" not in out + err and sha not in err, (out, err)
    assert code == 0, (code, out, err)
