"""Purge by rule (P) beside a kept tree whose archive is gone (or whose manifest does not read):
never used, and removed by any purge, as `pytui cache purge` now says. The preview said
`Nothing to purge with this rule.` with its Purge button dimmed, so the TUI could not remove
it but through the `all` rule, where it was counted in the bytes and named in no row. It now
has its row, the rule's total names it, and y removes it. A tree whose manifest does not read
is named as that (it was called one whose archive is gone, as `cache list` and `cache verify`
did not)."""

from __future__ import annotations

import pytest
from ui_helpers import SIZE, UiWorld, open_purge_rules, ready, wait_for


@pytest.mark.parametrize(("manifest", "named"), [(True, "1 unpacked tree whose archive is gone"),
                                                 (False, "1 unpacked tree whose manifest is unreadable")])
async def test_the_preview_lists_a_tree_no_archive_uses_and_removes_it(ui_world: UiWorld, manifest: bool,
                                                                        named: str) -> None:
    ui_world.seed_cache("3.11.11")
    cache = ui_world.settings.cache_dir
    tree = ui_world.seed_loose_tree(manifest=manifest)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        modal = await open_purge_rules(pilot)  # superseded: no archive matches
        total = modal.query_one("#purge-total")
        await wait_for(pilot, lambda: "would go" in str(total.render()) or "Nothing" in str(total.render()),
                       what="the superseded preview")
        said = str(total.render())
        assert f"{named} would go" in said, said
        assert "Nothing to purge" not in said and ("archive is gone" in said) == manifest, said
        await pilot.press("y")
        await wait_for(pilot, lambda: not tree.exists(), what="the tree removed")
        await wait_for(pilot, lambda: any(e.message.startswith("Freed ") for e in app.history.entries),
                       what="the purge said")
        assert not any("Purged 0 archives" in e.message for e in app.history.entries)
        assert (cache / next(p.name for p in cache.iterdir() if p.name != "trees")).exists()
