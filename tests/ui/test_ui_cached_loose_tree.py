"""A kept tree no archive uses (its archive gone, or its manifest unreadable) on the Cached
pane. The pane's subtitle called its bytes `other files` and no row named it, where `pytui
cache list` and Purge by rule (P) name it: it now has its row (its key, its size, its state
`archive gone` or `manifest unreadable`), Details says why it is never used, `p` on it removes
it as any purge does, and the subtitle counts it as `cache list` does."""

from __future__ import annotations

import pytest
from pytui.app.screens import ConfirmModal
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.details import DetailsPanel
from test_ui_fit import _drawn_cells
from ui_helpers import UiWorld, ready, wait_for

TREE_ROW = "trees/" + "ab" * 32


async def removed_by_p(pilot, tree, cached: CacheTable) -> None:
    """`p` on the highlighted tree's row, the question answered yes: the tree and its row go."""
    app = pilot.app
    await pilot.press("p")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
    assert app.screen.question[0] == "Delete this unpacked tree?"
    await pilot.press("y")
    await wait_for(pilot, lambda: not tree.exists(), what="the tree removed")
    await wait_for(pilot, lambda: TREE_ROW not in cached.row_keys, what="its row gone")


@pytest.mark.parametrize(("manifest", "state", "counted"), [
    (True, "archive gone", "1 unpacked tree whose archive is gone"),
    (False, "manifest unreadable", "1 unpacked tree whose manifest is unreadable")])
async def test_a_tree_no_archive_uses_has_its_row_and_p_removes_it(
        ui_world: UiWorld, manifest: bool, state: str, counted: str) -> None:
    ui_world.seed_cache("3.11.11")
    tree = ui_world.seed_loose_tree(manifest=manifest)
    app = ui_world.make_app()
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        await wait_for(pilot, lambda: TREE_ROW in cached.row_keys, what="the tree's row")
        subtitle = str(app.query_one("#cached-pane").border_subtitle)
        assert "1 archive · " in subtitle and counted in subtitle and "other files" not in subtitle, subtitle
        row = next(cells for cells in _drawn_cells(cached) if cells["archive"].startswith("trees/"))
        assert row["state"] == state, row
        # The key its manifest names; with none, its name stands in the Key column, dim, as a
        # file whose name says no build.
        assert row["build"] == "cpython-3.10.16-linux-x86_64-gnu" if manifest else row["build"].startswith("trees/"), row
        await pilot.press("2")
        cached.move_cursor(row=cached.row_keys.index(TREE_ROW))
        details = app.query_one("#details", DetailsPanel)
        await wait_for(pilot, lambda: details.details is not None and details.details.note.startswith(state),
                       what="Details of the tree")
        fields = dict(details.details.fields)
        # Which purges remove it (every purge the TUI runs, and v): `any purge` was not true of
        # `pytui cache purge` naming nothing in the cache.
        assert fields["why"].startswith("Never used (") and fields["why"].endswith("; p, P or v removes it."), fields
        assert fields["removed by"] == "p on it or on any archive, P under any rule, v", fields
        await removed_by_p(pilot, tree, cached)
        assert len(cached.row_keys) == 1  # the archive stays


def test_an_archive_whose_tree_is_unreadable_is_no_ok_tree(tmp_path) -> None:
    """The listing marks an archive `ok +tree` when a tree of its sha256 has a manifest file;
    one whose manifest is unreadable has its own row, and the archive's said `ok +tree` beside
    it (`pytui cache list` gives it no `+ tree`)."""
    from pytui.app.view_model import ViewModel
    from pytui.core.cache_kinds import MANIFEST_UNREADABLE
    from pytui.core.loose_trees import LooseTree
    from view_state import a_cached_archive, a_state, three_builds

    build = three_builds()["3.12.8"]
    state = a_state(tmp_path, build)
    archive = a_cached_archive(state, build)
    archive.tree = True  # (as the listing sets it)
    assert [row.tree for row in ViewModel().cache_rows(state)] == [True]
    path = tmp_path / "cache" / "trees" / build.sha256
    state.loose_trees = (LooseTree(build.sha256, "", "", MANIFEST_UNREADABLE, path, 4096, 4096),)
    rows = {row.name: row for row in ViewModel().cache_rows(state)}
    assert rows[archive.name].state == "ok" and not rows[archive.name].tree, rows
    assert rows[f"trees/{build.sha256}"].state == MANIFEST_UNREADABLE, rows


def test_the_subtitle_keeps_the_size_beside_the_short_count(tmp_path) -> None:
    """Where the long words do not fit (`1 unpacked tree whose archive is gone`), the size
    stays beside the rows' word (at 200 columns, with two kinds, it read `2 archives · 1
    manifest unreadable · 1 archive gone`, the size gone though it fitted)."""
    from pytui.app.subtitles import cached_subtitles
    from pytui.core.cache_kinds import ARCHIVE_GONE
    from pytui.core.loose_trees import LooseTree
    from view_state import a_cached_archive, a_state, three_builds

    build = three_builds()["3.12.8"]
    state = a_state(tmp_path, build)
    a_cached_archive(state, build, size=1024)
    state.loose_trees = (LooseTree("cd" * 32, build.key, "gone.tar.gz", ARCHIVE_GONE, tmp_path, 1024, 1024),)
    forms = cached_subtitles(state)
    assert forms[:3] == ("1 archive · 2.0 KiB · 1 unpacked tree whose archive is gone",
                         "1 archive · 2.0 KiB · 1 archive gone", "1 archive · 1 unpacked tree whose archive is gone"), forms


def test_the_help_says_p_purges_a_tree_no_archive_uses() -> None:
    """`?`, the palette and the README's keys said `p` purges the highlighted archive alone."""
    from pytui.app.keymap import KEYMAP

    [purge] = [key for key in KEYMAP if key.action == "purge"]
    assert "kept tree no archive uses" in purge.help and "every such tree goes" in purge.help, purge.help


def test_the_subtitle_counts_no_unreadable_tree_as_kept_and_keeps_the_size(tmp_path) -> None:
    """With an archive's tree kept, an archive whose tree's manifest is unreadable (its row
    `ok`, the tree a row of its own) and a tree whose archive is gone, the subtitle read
    `191.6 KiB: 2 archives + 2 trees` at 80 columns (the unreadable tree counted twice, as
    kept and as a row) and `2 archives · 1 manifest unreadable · 1 archive gone` at 120 and
    200, the total gone though it fitted."""
    from pytui.app.subtitles import cached_subtitles
    from pytui.core.cache_kinds import ARCHIVE_GONE, MANIFEST_UNREADABLE
    from pytui.core.loose_trees import LooseTree
    from view_state import a_cached_archive, a_state, three_builds

    builds = three_builds()
    state = a_state(tmp_path, builds["3.12.8"], builds["3.13.1"])
    kept, unreadable = (a_cached_archive(state, builds[version], size=1024) for version in ("3.12.8", "3.13.1"))
    kept.tree = unreadable.tree = True  # (as the listing sets them: a manifest file is there)
    state.loose_trees = (
        LooseTree(builds["3.13.1"].sha256, "", "", MANIFEST_UNREADABLE, tmp_path, 4096, 4096),
        LooseTree("cd" * 32, builds["3.12.8"].key, "gone.tar.gz", ARCHIVE_GONE, tmp_path, 4096, 4096))
    state.cache_usage = 2 * 1024 + 2 * 4096 + 8192  # the archives, the loose trees, the kept one
    forms = cached_subtitles(state)
    assert not any("2 trees" in form for form in forms), forms
    assert "18.0 KiB: 2 archives 2.0 KiB + 1 tree 8.0 KiB · 1 manifest unreadable · 1 archive gone" in forms, forms
    assert "18.0 KiB: 2 archives + 1 tree · 1 manifest unreadable · 1 archive gone" in forms, forms


def test_an_archive_whose_tree_is_unreadable_says_so_in_details(tmp_path) -> None:
    """Its row said `ok` (no `+tree`) and its Details `tree  kept: installs link it instead of
    extracting the archive`, where the next install finds the manifest unreadable, removes
    the tree and extracts (checked: `pytui install --reinstall` warns so, then keeps a new
    tree)."""
    from pytui.app.view_model import ViewModel
    from pytui.core.cache_kinds import MANIFEST_UNREADABLE
    from pytui.core.loose_trees import LooseTree
    from view_state import a_cached_archive, a_state, three_builds

    build = three_builds()["3.12.8"]
    state = a_state(tmp_path, build)
    archive = a_cached_archive(state, build)
    archive.tree = True  # (as the listing sets it)
    assert dict(ViewModel().details(state, "cached", archive.name).fields)["tree"].startswith("kept: ")
    state.loose_trees = (LooseTree(build.sha256, "", "", MANIFEST_UNREADABLE, tmp_path, 4096, 4096),)
    tree = dict(ViewModel().details(state, "cached", archive.name).fields)["tree"]
    assert tree == ("manifest unreadable (its own row): the next install extracts the archive and "
                    "keeps a new tree"), tree


async def test_at_80_columns_the_subtitle_counts_both_kinds_of_tree_no_archive_uses(ui_world: UiWorld) -> None:
    """At 80x24 (the Cached pane 40 wide) with a tree whose archive is gone beside one whose
    manifest is unreadable, the subtitle read `1 archive · 1.0 KiB`: their rows' words, both
    kinds (50 cells), did not fit, and no shorter form named them. It counts them."""
    ui_world.seed_cache("3.11.11")
    ui_world.seed_loose_tree(manifest=True)
    ui_world.seed_loose_tree(manifest=False, sha256="cd" * 32)
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        pane = app.query_one("#cached-pane")
        await wait_for(pilot, lambda: len(app.state.loose_trees) == 2, what="both trees listed")
        await pilot.pause()
        subtitle = str(pane.border_subtitle)
        assert subtitle == "1 archive · 2 unused trees", subtitle


def test_the_narrow_subtitle_with_kept_trees_counts_both_kinds(tmp_path) -> None:
    """With kept trees too, at 80 and 100 columns the subtitle fell to `26.0 KiB: 2 archives
    + 2 trees`, the trees no archive uses (rows of their own) not said; where their rows'
    words do not fit they are counted (`· 2 unused trees`), before the kept trees and the
    total."""
    from pytui.app.subtitles import cached_subtitles
    from pytui.core.cache_kinds import ARCHIVE_GONE, MANIFEST_UNREADABLE
    from pytui.core.loose_trees import LooseTree
    from pytui.widgets.format import first_fitting
    from pytui.widgets.pane import SUBTITLE_CHROME
    from view_state import a_cached_archive, a_state, three_builds

    builds = three_builds()
    state = a_state(tmp_path, builds["3.12.8"], builds["3.13.1"])
    for version in ("3.12.8", "3.13.1"):
        a_cached_archive(state, builds[version], size=1024).tree = True
    state.loose_trees = (
        LooseTree("ef" * 32, "", "", MANIFEST_UNREADABLE, tmp_path, 4096, 4096),
        LooseTree("cd" * 32, builds["3.12.8"].key, "gone.tar.gz", ARCHIVE_GONE, tmp_path, 4096, 4096))
    state.cache_usage = 2 * 1024 + 2 * 4096 + 2 * 8192
    forms = cached_subtitles(state)
    fitted = {columns: first_fitting(forms, columns // 2 - SUBTITLE_CHROME) for columns in (80, 100, 120)}
    assert fitted == {80: "2 archives · 2 unused trees", 100: "26.0 KiB: 2 archives · 2 unused trees",
                      120: "2 archives · 1 manifest unreadable · 1 archive gone"}, fitted


def test_an_unreadable_tree_beside_its_archive_is_tied_to_it_by_key(tmp_path) -> None:
    """A tree whose manifest does not read names no key: its row read `trees/78be86231…`,
    nothing tying it to the 3.12.8 archive above it (newuser36). Its archive's key is its row's
    (`3.12.8 tree`, sorted beside it, found by `/ 3.12.8`) and Details names the archive."""
    from pytui.app.view_model import ViewModel
    from pytui.core.cache_kinds import MANIFEST_UNREADABLE
    from pytui.core.loose_trees import LooseTree
    from view_state import a_cached_archive, a_state, three_builds

    builds = three_builds()
    state = a_state(tmp_path, *builds.values())
    archive = a_cached_archive(state, builds["3.12.8"])
    a_cached_archive(state, builds["3.13.1"])
    path = tmp_path / "cache" / "trees" / builds["3.12.8"].sha256
    state.loose_trees = (LooseTree(builds["3.12.8"].sha256, "", "", MANIFEST_UNREADABLE, path, 4096, 4096),)
    rows = ViewModel().cache_rows(state)
    names = [row.name for row in rows]
    row = rows[names.index(f"trees/{builds['3.12.8'].sha256}")]
    assert row.build_key == builds["3.12.8"].key, row
    assert abs(names.index(archive.name) - names.index(row.name)) == 1, names
    details = ViewModel().details(state, "cached", row.name)
    assert details is not None and details.title == builds["3.12.8"].key, details
    assert dict(details.fields)["archive"] == f"{archive.name} (cached; installs extract it)"
