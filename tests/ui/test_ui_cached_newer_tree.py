"""A kept tree a newer pytui made (its manifest's format number above this pytui's) on the
Cached pane: it was `manifest unreadable`, which `p` on any loose row, `P` under any rule and
`v` removed. Its row now says `newer pytui's`, Details say it is left for that pytui and
what removes it (p on it or its archive, P under the all rule), and `p` on another loose
tree's row leaves it."""

from __future__ import annotations

import json

from pytui.widgets.cache_table import CacheTable
from pytui.widgets.details import DetailsPanel
from test_ui_cached_loose_tree import TREE_ROW, removed_by_p
from test_ui_fit import _drawn_cells
from ui_helpers import UiWorld, ready, wait_for


def _newer_tree(ui_world: UiWorld):
    tree = ui_world.seed_loose_tree(manifest=True)
    from pytui.core.tree_manifest import MANIFEST_VERSION

    doc = json.loads((tree / "manifest.json").read_text())
    doc["version"] = MANIFEST_VERSION + 1
    (tree / "manifest.json").write_text(json.dumps(doc))
    return tree


async def test_a_newer_pytuis_tree_has_its_row_and_p_on_it_removes_it(ui_world: UiWorld) -> None:
    ui_world.seed_cache("3.11.11")
    tree = _newer_tree(ui_world)
    app = ui_world.make_app()
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        await wait_for(pilot, lambda: TREE_ROW in cached.row_keys, what="the tree's row")
        row = next(cells for cells in _drawn_cells(cached) if cells["archive"].startswith("trees/"))
        assert row["state"] == "newer pytui's", row
        assert row["build"] == "cpython-3.10.16-linux-x86_64-gnu", row  # the key its manifest names
        subtitle = str(app.query_one("#cached-pane").border_subtitle)
        assert "1 unpacked tree kept by a newer pytui" in subtitle, subtitle
        await pilot.press("2")
        cached.move_cursor(row=cached.row_keys.index(TREE_ROW))
        details = app.query_one("#details", DetailsPanel)
        await wait_for(pilot, lambda: details.details is not None and details.details.note.startswith("newer"),
                       what="Details of the tree")
        fields = dict(details.details.fields)
        assert fields["why"] == "A newer pytui's tree, not used here; p on it removes it.", fields
        assert fields["removed by"] == "p on it or on its archive, P under the all rule", fields
        await removed_by_p(pilot, tree, cached)


def test_p_on_another_loose_tree_leaves_a_newer_pytuis(tmp_path) -> None:
    """`p` on a tree whose archive is gone removes every loose tree but a newer pytui's: its
    question neither counts nor frees it."""
    from pytui.app.decisions import Confirm, StartPurge, decide_purge
    from pytui.core.cache_kinds import ARCHIVE_GONE, NEWER_PYTUI
    from pytui.core.loose_trees import LooseTree
    from view_state import a_state, three_builds

    build = three_builds()["3.12.8"]
    state = a_state(tmp_path, build)
    gone = LooseTree("cd" * 32, build.key, "gone.tar.gz", ARCHIVE_GONE, tmp_path / "gone", 1024, 1024)
    newer = LooseTree("ab" * 32, build.key, "", NEWER_PYTUI, tmp_path / "newer", 9 * 1024, 9 * 1024)
    state.loose_trees = (gone, newer)
    decision = decide_purge(state, "cached", "trees/" + "cd" * 32)
    assert isinstance(decision, Confirm) and decision.title == "Delete this unpacked tree?", decision
    assert "Frees 1.0 KiB." in [line.text for line in decision.lines], decision.lines
    assert isinstance(decision.then, StartPurge) and decision.then.named == ()
    decision = decide_purge(state, "cached", "trees/" + "ab" * 32)
    assert isinstance(decision.then, StartPurge) and decision.then.named == ("ab" * 32,)
    assert "Frees 10.0 KiB." in [line.text for line in decision.lines], decision.lines


def test_an_archive_whose_tree_is_a_newer_pytuis_says_so_in_details(tmp_path) -> None:
    from pytui.app.view_model import ViewModel
    from pytui.core.cache_kinds import NEWER_PYTUI
    from pytui.core.loose_trees import LooseTree
    from view_state import a_cached_archive, a_state, three_builds

    build = three_builds()["3.12.8"]
    state = a_state(tmp_path, build)
    archive = a_cached_archive(state, build)
    archive.tree = True  # (as the listing sets it: a manifest file is there)
    state.loose_trees = (LooseTree(build.sha256, build.key, "", NEWER_PYTUI, tmp_path, 4096, 4096),)
    rows = {row.name: row for row in ViewModel().cache_rows(state)}
    assert rows[archive.name].state == "ok" and not rows[archive.name].tree, rows
    assert rows[f"trees/{build.sha256}"].state == NEWER_PYTUI, rows
    tree = dict(ViewModel().details(state, "cached", archive.name).fields)["tree"]
    assert tree == "kept by a newer pytui (its own row): installs here extract the archive and leave that tree", tree


async def test_purge_by_rule_takes_it_only_under_the_all_rule(ui_world: UiWorld) -> None:
    """P's superseded preview said it would go (as a tree whose manifest is unreadable); it
    now leaves it, and the all rule names it and removes it."""
    from ui_helpers import SIZE, open_purge_rules

    ui_world.seed_cache("3.11.11")
    tree = _newer_tree(ui_world)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        modal = await open_purge_rules(pilot)  # superseded: no archive matches
        total = modal.query_one("#purge-total")
        await wait_for(pilot, lambda: modal.previewed is not None and "Nothing to purge" in str(total.render()),
                       what="the superseded preview")
        assert "Nothing to purge" in str(total.render()) and "newer" not in str(total.render()), str(total.render())
        await pilot.press("right", "right", "enter")  # RadioSet: superseded -> installed -> all
        await wait_for(pilot, lambda: "1 unpacked tree kept by a newer pytui" in str(total.render()),
                       what="the all preview naming it")
        await pilot.press("y")
        await wait_for(pilot, lambda: not tree.exists(), what="the tree removed")
