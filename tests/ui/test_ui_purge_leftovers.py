"""The purge dialog's `all` rule removes what killed runs left in the cache dir (an import's
copy, a tree half kept or half removed), as `pytui cache purge --all` does, through the same
core function, and says each one it removed. Before, the TUI's purge never removed them: they
stayed, counted in the cache's total, until the CLI's purge or the next install that kept a
tree."""

from __future__ import annotations

from pytui.app.purge_screen import PurgeRulesModal
from pytui.widgets.cache_table import CacheTable
from ui_helpers import SIZE, UiWorld, ready, wait_for


def _said(app) -> list[str]:
    return [n.message.replace("\n", "") for n in app._notifications]


async def _purge_all(pilot, app, preview: str) -> None:
    await pilot.press("P")
    await wait_for(pilot, lambda: isinstance(app.screen, PurgeRulesModal), what="purge modal")
    modal = app.screen
    await pilot.press("right", "right", "enter")  # RadioSet: superseded -> installed -> all
    await wait_for(pilot, lambda: preview in str(modal.query_one("#purge-total").render()),
                   what=f"'all' preview saying {preview!r}")
    await pilot.press("y")


async def test_purge_all_removes_and_names_what_killed_runs_left(ui_world: UiWorld) -> None:
    archive = ui_world.seed_cache("3.11.11")
    cache = ui_world.settings.cache_dir
    half_kept = cache / "trees" / ".tmp-4242-0123abcd"
    (half_kept / "bin").mkdir(parents=True)
    (half_kept / "bin" / "python3.11").write_bytes(b"z" * 5000)
    copy = cache / ".import.0123abcd.tmp"  # a killed `cache import`'s copy (no lock held)
    copy.write_bytes(b"c" * 3000)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _purge_all(pilot, app, "1 archive and 2 leftovers of killed runs would go")
        await wait_for(pilot, lambda: not archive.exists() and not half_kept.exists() and not copy.exists(),
                       what="archive and leftovers removed")
        await wait_for(pilot, lambda: any(m.startswith("Purged 1 archive") for m in _said(app)),
                       what="the purge said")
        said = _said(app)
        assert any(m.startswith(f"Removed trees/{half_kept.name} (left by an interrupted pytui")
                   for m in said), said
        assert any(m.startswith(f"Removed {copy.name} (left by an interrupted import") for m in said), said
        await wait_for(pilot, lambda: not app.query_one("#cached", CacheTable).row_keys,
                       what="Cached pane empty")


async def test_purge_all_with_only_leftovers_can_be_confirmed(ui_world: UiWorld) -> None:
    cache = ui_world.settings.cache_dir
    half_removed = cache / "trees" / ".old-0123abcd"
    (half_removed / "lib").mkdir(parents=True)
    (half_removed / "lib" / "left.py").write_bytes(b"o" * 2048)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _purge_all(pilot, app, "1 leftover of killed runs would go.")
        await wait_for(pilot, lambda: not half_removed.exists(), what="leftover removed")
        await wait_for(pilot, lambda: any(m.startswith("Freed ") for m in _said(app)),
                       what="the purge said")
        said = _said(app)
        assert any(m.startswith(f"Removed trees/{half_removed.name} (left by") for m in said), said
        assert not any(m.startswith("Purged 0") for m in said), said


def test_a_plan_of_leftovers_only_is_not_empty() -> None:
    from pytui.app.purge_plan import ALL, PurgePlan, leftovers_text

    assert not PurgePlan(ALL, leftovers=1).empty and PurgePlan(ALL).empty
    assert (leftovers_text(1), leftovers_text(2)) == ("1 leftover of killed runs", "2 leftovers of killed runs")
