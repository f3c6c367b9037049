"""The TUI's purge says a kept tree it could not remove (another user's, a `sudo` run's), as
`pytui cache purge` does, instead of `Purged 1 archive, freed …` alone with the tree left in
trees/ (app/gateway.remove_archives did not ask for them)."""

from __future__ import annotations

from immutable_dir import immutable
from ui_helpers import SIZE, UiWorld, open_purge_rules, ready, wait_for


async def test_purge_all_says_the_tree_it_could_not_remove(ui_world: UiWorld) -> None:
    ui_world.seed_cache("3.11.11")
    cache = ui_world.settings.cache_dir
    theirs = cache / "trees" / ("ab" * 32) / "tree" / "bin"  # no manifest: removed by `all`
    theirs.mkdir(parents=True)
    (theirs / "python3.11").write_bytes(b"z" * 100)
    with immutable(theirs, cache):
        app = ui_world.make_app()
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            modal = await open_purge_rules(pilot)
            await pilot.press("right", "right", "enter")  # RadioSet: superseded -> installed -> all
            await wait_for(pilot, lambda: "would go" in str(modal.query_one("#purge-total").render()),
                           what="the 'all' preview")
            await pilot.press("y")
            await wait_for(pilot, lambda: any(e.message.startswith("Cannot remove the unpacked tree of ")
                                              for e in app.history.entries),
                           what="the tree not removed said")
            said = [e for e in app.history.entries if e.message.startswith("Cannot remove")]
            assert said[0].outcome == "warning" and "and purge again" in said[0].message, said
