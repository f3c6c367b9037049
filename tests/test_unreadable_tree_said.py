"""A kept tree whose manifest does not read (not JSON, cut short, another archive's) names no
archive: it is never used, and `cache verify` and every purge remove it (but a `cache purge`
whose requests name nothing in the cache). `cache purge` and the
TUI's Purge by rule called it `1 unpacked tree whose archive was gone` beside its archive,
`cache list` said it nowhere but in its total, and `cache verify` called it a changed tree.
All three now call it what it is: `1 unpacked tree whose manifest is unreadable`."""

from __future__ import annotations

import shutil

from cli_harness import Pytui, cache_name, snapshot
from fixtures_fs import Mounts


def _unreadable(pytui: Pytui) -> tuple[str, str]:
    """An install's kept tree, its manifest then broken; its archive stays."""
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    [sha] = pytui.trees()
    (pytui.cache / "trees" / sha / "manifest.json").write_text("{not json")
    return sha, cache_name(made)


def test_cache_list_says_a_tree_whose_manifest_is_unreadable(pytui: Pytui) -> None:
    _sha, archive = _unreadable(pytui)
    listed = pytui.run("cache", "list")
    assert listed.returncode == 0, str(listed)
    lines = listed.stdout.splitlines()
    assert lines[0].endswith(archive) and "+ tree" not in lines[0], str(listed)  # it is not the archive's
    assert lines[1].startswith("1 archive, ") and "; 1 unpacked tree whose manifest is unreadable, " in lines[1], \
        str(listed)
    assert lines[2].startswith("1 unpacked tree whose manifest is unreadable (") and \
        lines[2].endswith("never used; removed by `pytui cache verify`, `pytui cache purge --all` (or "
                          "--superseded, --installed) or a purge that names something in the cache"), str(listed)
    assert "whose archive is gone" not in listed.stdout, str(listed)


def test_a_purge_says_a_tree_whose_manifest_is_unreadable(pytui: Pytui) -> None:
    _sha, archive = _unreadable(pytui)
    preview = pytui.run("cache", "purge", "--dry-run", "--superseded")
    assert preview.returncode == 0, str(preview)
    assert preview.stdout.startswith("would remove 1 unpacked tree whose manifest was unreadable ("), str(preview)
    assert "archive was gone" not in preview.stdout, str(preview)
    purged = pytui.run("cache", "purge", "--superseded")
    assert purged.returncode == 0 and purged.stdout.startswith(
        "removed 1 unpacked tree whose manifest was unreadable ("), str(purged)
    assert pytui.trees() == [] and pytui.cached() == [archive]


def test_verify_says_a_tree_whose_manifest_is_unreadable(pytui: Pytui) -> None:
    sha, _archive = _unreadable(pytui)
    result = pytui.run("cache", "verify")
    assert result.returncode == 1, str(result)
    assert f"manifest unreadable: the unpacked tree of {sha} (manifest is not JSON); removed" in result.stderr, \
        str(result)
    assert ": 1 ok, 1 unpacked tree whose manifest was unreadable removed (" in result.stdout, str(result)
    assert "changed" not in result.stdout + result.stderr and pytui.trees() == []


def test_the_tui_verify_line_says_a_tree_whose_manifest_is_unreadable(pytui: Pytui) -> None:
    """`v`'s line, as `cache verify`'s (it said `1 changed unpacked tree removed`), in one
    parenthesis (it read `(60.4 KiB freed) (the next install extracts its archive again)`)."""
    from pytui.app.verify_summary import verify_summary
    from pytui.core.cache import ArchiveCache
    from pytui.widgets.format import human_size

    sha, _archive = _unreadable(pytui)
    pytui.call("uninstall", "3.12.8")  # nothing shares its files: all of it is freed
    freed = du_bytes(pytui.cache / "trees" / sha)
    summary, warning = verify_summary(ArchiveCache(pytui.cache).verify())
    assert warning and summary == (f"1 archive ok; 1 unpacked tree whose manifest was unreadable removed "
                                   f"({human_size(freed)} freed; the next install extracts its archive again)"), summary


def test_verify_says_what_removing_it_freed_as_du_counts_it(pytui: Pytui) -> None:
    """`cache verify` said what removing a tree whose archive was gone freed, not what removing
    one whose manifest does not read freed: `du -sb` of it, less what an install shares."""
    from pytui.app.cache_cli import size_text

    sha, _archive = _unreadable(pytui)
    pytui.call("uninstall", "3.12.8")
    freed = du_bytes(pytui.cache / "trees" / sha)
    result = pytui.run("cache", "verify")
    assert result.returncode == 1, str(result)
    assert result.stdout.rstrip().endswith(
        f": 1 ok, 1 unpacked tree whose manifest was unreadable removed ({size_text(freed)} freed)"), str(result)
    # With 3.12.8 installed from it, its files stay (the install's): the manifest, directories
    # and links go, less than the tree's whole size.
    sha, _archive = _unreadable(pytui)
    whole = du_bytes(pytui.cache / "trees" / sha)
    result = pytui.run("cache", "verify")
    said = result.stdout.rsplit("removed (", 1)[1].split(" freed)")[0]
    assert said != size_text(whole) and said.endswith("KiB"), str(result)


def du_bytes(path) -> int:
    """`du -sb` of `path`: apparent sizes, a hard-linked file once."""
    import subprocess

    return int(subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True).stdout.split()[0])


def test_one_the_disk_keeps_is_not_called_changed(pytui: Pytui, mounts: Mounts) -> None:
    """On a read-only cache dir the tree stays: `cache verify`'s count and the TUI's `v` said
    `1 changed tree not removed` (`changed unpacked tree`) beside its `manifest unreadable: …`
    line. Both say it as the tree it is; exit 1, the cache as it was."""
    from pytui.app.verify_summary import verify_summary
    from pytui.core.cache import ArchiveCache

    saved = pytui.tmp / "saved"
    mounts.tmpfs(saved)
    _unreadable(pytui)
    shutil.copytree(pytui.cache, saved, symlinks=True, dirs_exist_ok=True)
    mounts.remount(saved, "ro")
    before = snapshot(saved)
    result = pytui.run("cache", "verify", UV_PYTHON_CACHE_DIR=str(saved))
    assert result.returncode == 1 and "could not be removed: read-only file system" in result.stderr, str(result)
    assert result.stdout.rstrip().endswith(": 1 ok, 1 unpacked tree whose manifest is unreadable not removed"), \
        str(result)
    summary, warning = verify_summary(ArchiveCache(saved).verify())
    assert warning and summary.startswith("1 archive ok; 1 unpacked tree whose manifest is unreadable not removed "
                                          "(read-only file system; "), summary
    assert "changed" not in result.stdout + summary and snapshot(saved) == before


def test_an_install_says_it_in_the_same_words(pytui: Pytui) -> None:
    """An install that finds the tree's manifest unreadable warned `the unpacked tree kept for
    KEY changed (manifest is not JSON)`, where `cache verify` said `unreadable manifest` and
    the Cached pane `manifest unreadable`: all three say `manifest unreadable` now."""
    from pytui.core.cache_kinds import MANIFEST_UNREADABLE

    _sha, _archive = _unreadable(pytui)
    result = pytui.run("install", "--reinstall", "3.12.8")
    assert result.returncode == 0, str(result)
    key = pytui.builds[-1].key
    assert (f"the unpacked tree kept for {key}: {MANIFEST_UNREADABLE} (manifest is not JSON); removed, "
            "extracting the archive again") in result.stderr, str(result)
    assert "changed" not in result.stderr, str(result)
    assert len(pytui.trees()) == 1  # a new tree kept
