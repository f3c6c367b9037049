"""`p` in the TUI on a partial download that another pytui process is writing now (it holds the
`.part.lock`): the `.part` stays, and the notification says it was kept and why, instead of
"Purged 1 archive, freed 0 B." The other process's lock is a real flock on the real lock file
(held here through a separate open file description, as another process holds it)."""

from __future__ import annotations

import fcntl
import os

from pytui.widgets.cache_table import CacheTable
from ui_helpers import SIZE, UiWorld, asked, ready, toast_texts, wait_for


async def test_purging_a_part_another_process_downloads_keeps_it_and_says_so(ui_world: UiWorld) -> None:
    made = ui_world.archives["3.11.11"]
    cache_dir = ui_world.settings.cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    part = cache_dir / (made.build.cache_filename + ".part")
    part.write_bytes(made.path.read_bytes()[:500])
    holder = os.open(f"{part}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        app = ui_world.make_app()
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            cached = app.query_one("#cached", CacheTable)
            # A partial row is keyed by the archive's name (the `.part` suffix dropped).
            await wait_for(pilot, lambda: cached.row_keys == [made.build.cache_filename],
                           what="the partial row")
            cached.focus()
            await pilot.press("p")
            # Another process starts downloading it while the question is open: a row listed
            # as downloading is refused without a question (tests/ui/test_details_partial);
            # here the purge itself keeps what it finds locked.
            fcntl.flock(holder, fcntl.LOCK_EX)
            await asked(pilot, "the purge question")
            await pilot.press("y")
            await wait_for(pilot, lambda: any("Kept" in n.message for n in app._notifications),
                           what="the purge's notification")
            said = " ".join(toast_texts(app))
            assert part.exists(), "the purge removed another process's download"
            # A bare flock records nothing on the lock: no activity is named for it (as
            # `pytui cache purge` says; tests/test_purge_kept_part_line.py).
            assert "another process holds its download lock (" in said, said
            assert "records nothing of what it does there; purge again once that process ends" in said, said
            assert "is downloading" not in said, said
            assert "Purged 1" not in said, said
    finally:
        os.close(holder)


async def test_purging_an_archive_another_process_removed_says_it_was_gone(ui_world: UiWorld) -> None:
    """`p` on a Cached row whose file another process (`pytui cache purge`, uv) removed since the
    pane was listed: the TUI said "Purged 1 archive, freed 0 B.", a purge that purged nothing.
    It now says the archive was already gone."""
    made = ui_world.archives["3.11.11"]
    archive = ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        await wait_for(pilot, lambda: cached.row_keys == [made.build.cache_filename],
                       what="the cached row")
        archive.unlink()  # another process's purge, after the pane listed it
        cached.focus()
        await pilot.press("p")
        await asked(pilot, "the purge question")
        await pilot.press("y")
        await wait_for(pilot, lambda: any(n.title == "Cache" for n in app._notifications),
                       what="the purge's notification")
        said = " ".join(toast_texts(app))
        assert "Purged" not in said, said
        assert (f"{made.build.cache_filename} was already gone from the cache (removed by "
                "another process since it was listed); nothing to purge") in said, said
        assert any("already gone" in e.message for e in app.history.entries)
        await wait_for(pilot, lambda: cached.row_keys == [], what="the pane listed again")
