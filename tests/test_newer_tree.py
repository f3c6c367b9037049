"""A kept tree whose manifest has a format number above the one this pytui writes was kept by a
newer pytui sharing the cache dir (two checkouts, an upgrade then a downgrade). It was
`TreeCorrupt("manifest has an unknown format")`: an install warned and removed it, `cache
verify` and every purge removed it as `manifest unreadable`. It is now that pytui's: never
installed from (the install extracts, and says nothing of it), left by `verify` and by the
purge rules that remove trees no archive uses, removed only with its archive, by `--all` or
when named by its sha256; `cache list` says it as `kept by a newer pytui`."""

from __future__ import annotations

import json

import pytest
from cli_harness import Pytui, cache_name, snapshot
from pytui.core.tree_manifest import MANIFEST_VERSION

NEWER = "1 unpacked tree kept by a newer pytui"


def _newer(pytui: Pytui) -> tuple[str, str]:
    """3.12.8 installed from its imported archive (its tree kept), the tree's manifest then
    given the next format number, as a newer pytui would write it (its columns as today's)."""
    made = pytui.add("3.12.8")
    pytui.call("cache", "import", str(made.path))
    pytui.call("--offline", "install", "3.12.8")
    [sha] = pytui.trees()
    manifest = pytui.cache / "trees" / sha / "manifest.json"
    doc = json.loads(manifest.read_text())
    doc["version"] = MANIFEST_VERSION + 1
    manifest.write_text(json.dumps(doc))
    return sha, cache_name(made)


def test_an_install_extracts_and_leaves_a_newer_pytuis_tree(pytui: Pytui) -> None:
    sha, _archive = _newer(pytui)
    trees = pytui.cache / "trees"
    before = snapshot(trees)
    result = pytui.run("--offline", "install", "--reinstall", "-v", "3.12.8")
    assert result.returncode == 0, str(result)
    assert "unpacked tree kept for" not in result.stderr and "changed" not in result.stderr, str(result)
    assert "is a newer pytui's (manifest format 3), so it is not used" in result.stdout + result.stderr, str(result)
    assert snapshot(trees) == before and pytui.trees() == [sha]


def test_cache_list_says_a_newer_pytuis_tree(pytui: Pytui) -> None:
    sha, archive = _newer(pytui)
    listed = pytui.run("cache", "list")
    assert listed.returncode == 0, str(listed)
    lines = listed.stdout.splitlines()
    assert lines[0].endswith(archive) and "+ tree" not in lines[0], str(listed)
    assert lines[1].startswith("1 archive, ") and f"; {NEWER}, " in lines[1], str(listed)
    assert lines[2].startswith(f"{NEWER} (") and lines[2].endswith(
        "not used by this one and left for it; removed with its archive, by `pytui cache purge --all` "
        "or by `pytui cache purge <its sha256>`"), str(listed)
    as_json = json.loads(pytui.run("cache", "list", "--json").stdout)
    [tree] = [row for row in as_json if row["kind"] == "tree"]
    assert tree["state"] == "newer pytui's" and tree["sha256"] == sha and tree["size"] > 0, tree
    assert tree["key"] == "cpython-3.12.8-linux-x86_64-gnu" or tree["key"].startswith("cpython-3.12.8-"), tree


def test_verify_leaves_a_newer_pytuis_tree(pytui: Pytui) -> None:
    from pytui.app.verify_summary import verify_summary
    from pytui.core.cache import ArchiveCache

    sha, _archive = _newer(pytui)
    before = snapshot(pytui.cache / "trees")
    result = pytui.run("cache", "verify")
    assert result.returncode == 0 and result.stderr == "", str(result)
    assert result.stdout.rstrip().endswith(f": 1 ok, {NEWER} not checked (left for it)"), str(result)
    summary, warning = verify_summary(ArchiveCache(pytui.cache).verify())
    assert not warning and summary == f"Cache verified: 1 archive ok; {NEWER} not checked (left for it)", summary
    assert snapshot(pytui.cache / "trees") == before and pytui.trees() == [sha]


def test_purges_remove_it_only_with_its_archive_all_or_named(pytui: Pytui) -> None:
    sha, archive = _newer(pytui)
    other = pytui.add("3.13.1")
    pytui.call("cache", "import", str(other.path))
    # A rule that removes trees no archive uses, and a purge of another archive: it stays.
    for args in (("--superseded",), ("3.13",)):
        result = pytui.run("cache", "purge", *args)
        assert result.returncode == 0 and "newer pytui" not in result.stdout, str(result)
        assert pytui.trees() == [sha], args
    # Named by its sha256.
    preview = pytui.run("cache", "purge", "--dry-run", sha)
    assert preview.returncode == 0 and f"would remove {NEWER} (" in preview.stdout, str(preview)
    assert pytui.trees() == [sha]
    # With its archive: the archive's sha256 names it.
    purged = pytui.run("cache", "purge", "3.12.8")
    assert purged.returncode == 0 and f"removed {archive} (" in purged.stdout and "+ its kept tree" in purged.stdout, \
        str(purged)
    assert pytui.trees() == [] and pytui.cached() == []


@pytest.mark.parametrize("named", [True, False])
def test_purge_all_and_naming_it_remove_it(pytui: Pytui, named: bool) -> None:
    sha, _archive = _newer(pytui)
    purged = pytui.run("cache", "purge", sha if named else "--all")
    assert purged.returncode == 0 and f"removed {NEWER} (" in purged.stdout if named else \
        "+ its kept tree" in purged.stdout, str(purged)
    assert pytui.trees() == [] and pytui.cached() == ([] if not named else pytui.cached()), str(purged)


@pytest.mark.parametrize(("version", "newer"), [
    (MANIFEST_VERSION + 1, True), (2**63 - 1, True), (2**63, False), (True, False), (-1, False), ("3", False),
    (3.0, False)])
def test_only_a_higher_format_number_is_a_newer_pytuis(version: object, newer: bool) -> None:
    """`true` read as format 1 (`True in (1, 2)`); a number past what a manifest holds, a
    string or a float is no format at all."""
    from pytui.core.tree_manifest import TreeCorrupt, TreeNewer, parse_manifest

    data = json.dumps({"version": version, "sha256": "", "archive": "", "key": "k" * 201}).encode()
    with pytest.raises(TreeCorrupt) as caught:
        parse_manifest(data)
    assert isinstance(caught.value, TreeNewer) == newer, caught.value
    if newer:
        assert caught.value.version == version and caught.value.key == "", caught.value  # too long a key: not kept
    else:
        assert str(caught.value) in ("manifest has an unknown format", "manifest holds numbers pytui never writes")


def test_purge_all_counts_a_newer_pytuis_tree_once_beside_its_archive(pytui: Pytui) -> None:
    """`cache purge --all` beside the archive the tree came from listed the tree twice, `+ its
    kept tree` on the archive's line and `removed 1 unpacked tree kept by a newer pytui` below,
    counted `2 kept trees`; `--dry-run` added its bytes twice (`would free 130.6 KiB` for a
    purge that freed 67.4 KiB). It is counted once, with its archive."""
    _sha, archive = _newer(pytui)
    preview = pytui.run("cache", "purge", "--all", "--dry-run")
    assert preview.returncode == 0 and "+ its kept tree" in preview.stdout, str(preview)
    assert NEWER not in preview.stdout and "1 kept tree)" in preview.stdout, str(preview)
    would = preview.stdout.rsplit("would free ", 1)[1].split(" (", 1)[0]
    purged = pytui.run("cache", "purge", "--all")
    assert purged.returncode == 0 and f"removed {archive} (" in purged.stdout, str(purged)
    assert NEWER not in purged.stdout and "1 kept tree)" in purged.stdout, str(purged)
    assert purged.stdout.rsplit("freed ", 1)[1].split(" (", 1)[0] == would, (str(preview), str(purged))
    assert pytui.trees() == [] and pytui.cached() == []
