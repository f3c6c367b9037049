"""The purge dialog's `all` rule removes what killed runs left in the cache dir (an import's
copy, a tree half kept or half removed), as `pytui cache purge --all` does, through the same
core function, and says each one it removed. Before, the TUI's purge never removed them: they
stayed, counted in the cache's total, until the CLI's purge or the next install that kept a
tree. `p` on one archive removes what killed runs left of that archive (its partial download,
its tree half kept or half removed). The preview counts only what the removal would remove (a
live run's, its lock held, is not) and what they free."""

from __future__ import annotations

import fcntl
import os

from pytui.app.screens import ConfirmModal
from pytui.core.root_tree import footprint
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.format import human_size
from ui_helpers import SIZE, UiWorld, open_purge_rules, ready, wait_for


def _said(app) -> list[str]:
    return [n.message.replace("\n", "") for n in app._notifications]


async def _purge_all(pilot, app, preview: str) -> None:
    modal = await open_purge_rules(pilot)
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
        # (A toast each, two at most on screen at once: History has every one.)
        said = [entry.message for entry in app.history.entries]
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
    freed = footprint(half_removed).freed
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _purge_all(pilot, app, f"1 leftover of killed runs would go; frees {human_size(freed)}")
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


async def test_the_all_preview_counts_only_what_goes_and_what_it_frees(ui_world: UiWorld) -> None:
    # A running pytui's tree in the making (its directory flocked, as `keep` holds it) was
    # counted, then rightly left, and the leftovers' bytes were not in "frees".
    archive = ui_world.seed_cache("3.11.11")
    trees = ui_world.settings.cache_dir / "trees"
    live = trees / f".tmp-{'ab' * 32}-4242-0123abcd"
    (live / "tree").mkdir(parents=True)
    dead = trees / ".old-0123abcd"
    (dead / "lib").mkdir(parents=True)
    (dead / "lib" / "left.py").write_bytes(b"o" * 9000)
    (dead / "lib" / "again.py").hardlink_to(dead / "lib" / "left.py")  # counted once, as du
    frees = archive.stat().st_size + footprint(dead).freed
    holder = os.open(live, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        app = ui_world.make_app()
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await _purge_all(pilot, app, f"1 archive and 1 leftover of killed runs would go; "
                                         f"frees {human_size(frees)}")
            await wait_for(pilot, lambda: any(m.startswith("Purged 1 archive") for m in _said(app)),
                           what="the purge said")
            assert not dead.exists() and live.is_dir()
            assert f"freed {human_size(frees)}" in " ".join(_said(app)), _said(app)
    finally:
        os.close(holder)


async def test_p_removes_what_killed_runs_left_of_that_archive_and_no_other(ui_world: UiWorld) -> None:
    archive = ui_world.seed_cache("3.11.11")
    build = ui_world.build("3.11.11")
    part = archive.with_name(archive.name + ".part")  # a killed download's (no lock held)
    part.write_bytes(b"p" * 700)
    trees = ui_world.settings.cache_dir / "trees"
    mine = trees / f".tmp-{build.sha256}-4242-0123abcd"
    (mine / "tree" / "bin").mkdir(parents=True)
    (mine / "tree" / "bin" / "python3.11").write_bytes(b"z" * 5000)
    other = trees / f".old-{ui_world.build('3.13.1').sha256}-0123abcd"
    other.mkdir(parents=True)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        await wait_for(pilot, lambda: cached.row_keys == [archive.name], what="the archive's row")
        cached.focus()
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        asked = " ".join(str(line) for line in app.screen._lines)
        assert "Its partial download goes too" in asked and "killed run left of its tree" in asked, asked
        await pilot.press("y")
        await wait_for(pilot, lambda: any(m.startswith("Purged 1 archive") for m in _said(app)),
                       what="the purge said")
        said = _said(app)
        assert any(m.startswith(f"Removed trees/{mine.name} (left by an interrupted pytui") for m in said), said
        assert not archive.exists() and not part.exists() and not mine.exists(), said
        assert other.is_dir(), "another archive's leftover went with this one"


async def test_purge_all_names_a_bounded_number_of_leftovers_and_counts_the_rest(ui_world: UiWorld) -> None:
    # The TUI said one toast and History entry per leftover removed: a cache dir with 100 000
    # of them was 100 000 of each, all their names held. It names MAX_LEFTOVERS_NAMED, as the
    # CLI does, and one entry counts the rest.
    from pytui.core.cache_purge import MAX_LEFTOVERS_NAMED

    cache = ui_world.settings.cache_dir
    many = MAX_LEFTOVERS_NAMED + 5
    for i in range(many):
        (cache / "trees" / f".old-{i:08x}" / "lib").mkdir(parents=True)
        (cache / "trees" / f".old-{i:08x}" / "lib" / "left.py").write_bytes(b"o" * 1024)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _purge_all(pilot, app, f"{many} leftovers of killed runs would go")
        await wait_for(pilot, lambda: any(e.message.startswith("Freed ") for e in app.history.entries),
                       what="the purge said")
        said = [e.message for e in app.history.entries if e.kind == "purge"]
        named = [m for m in said if m.startswith("Removed trees/.old-")]
        assert len(named) == MAX_LEFTOVERS_NAMED, said
        assert any(m.startswith("Removed 5 more leftovers of killed runs (") for m in said), said
        assert not list((cache / "trees").iterdir())
