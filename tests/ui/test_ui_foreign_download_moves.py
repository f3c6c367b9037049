"""A download another process runs moves on screen: its `.part` grows without a directory
changing, and the Cached row (its size, its percent when the download's size is known) stood where the first listing saw it (newuser30: `↓ 0%`
for a whole two-minute download). The watch's look lists it again while one runs."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from pytui.widgets.cache_table import CacheTable
from ui_helpers import SIZE, UiWorld, ready, wait_for


async def test_the_percent_of_another_process_download_moves_at_the_next_look(
        ui_world: UiWorld) -> None:
    """And a look that finds the `.part` as listed (its lock held by a process that writes
    nothing: a stuck download, a planted lock) lists nothing: each look listed the disk again,
    and with 5,000 `.part` files the idle TUI used half a core (attacker31)."""
    made = ui_world.archives["3.11.11"]
    data = made.path.read_bytes()
    part, holder = _part_another_process_holds(ui_world, data[: len(data) // 10])
    try:
        app = ui_world.make_app()
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            cached = app.query_one("#cached", CacheTable)
            name = made.build.cache_filename
            await wait_for(pilot, lambda: cached.row_keys == [name], what="the .part's row")
            first = _shown(cached, name)
            # A bare flock records no download on the lock: `locked`, not `↓` (core/turn_record.
            # held_part_state); its row moves as a download's does.
            assert first[0].startswith("locked"), first
            await wait_for(pilot, lambda: not app.runner.disk_listing_under_way(), what="the listing")
            looks: list[bool] = []
            wants_listing = app.disk_watch.wants_listing

            def judged(stamp: object) -> bool:
                looks.append(wants_listing(stamp))  # type: ignore[arg-type]
                return looks[-1]

            app.disk_watch.wants_listing = judged  # type: ignore[method-assign]
            generation = app.disk_watch.generation
            app.runner.watch_disk()
            # The look's message handled (it asks the stamp first, then decides at once).
            await wait_for(pilot, lambda: looks, what="the look to be judged")
            assert looks == [False]
            assert app.disk_watch.generation == generation and not app.runner.disk_listing_under_way()
            with open(part, "ab") as out:  # its download goes on; no directory changes
                out.write(data[len(data) // 10: len(data) // 2])
            app.runner.watch_disk()
            await wait_for(pilot, lambda: _shown(cached, name) != first,
                           what=f"the row to move from {first}")
            assert _shown(cached, name)[0].startswith("locked"), _shown(cached, name)
            # The header's size follows too: the relisting measured the cache again (its walk
            # reads each kept tree's manifest: 4.9 ms a look with 20 trees of ~2,600 files,
            # tui31), so it counts the grown `.part`, not the bytes of the first listing.
            from pytui.core.cache import ArchiveCache

            grown = ArchiveCache(ui_world.settings.cache_dir).disk_usage()
            await wait_for(pilot, lambda: app.state.cache_usage == grown,
                           what=f"the cache's size {grown}, not {app.state.cache_usage}")
    finally:
        os.close(holder)


def _part_another_process_holds(ui_world: UiWorld, data: bytes) -> tuple[Path, int]:
    """3.11.11's `.part` holding `data`, and the fd of its lock, held (the other process)."""
    cache_dir = ui_world.settings.cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    part = cache_dir / (ui_world.archives["3.11.11"].build.cache_filename + ".part")
    part.write_bytes(data)
    holder = os.open(f"{part}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(holder, fcntl.LOCK_EX)
    # The cache dir last changed long ago, as a minute into a download: a directory changed
    # within the watch's racy window is listed again anyway.
    an_hour_ago = time.time() - 3600
    os.utime(cache_dir, (an_hour_ago, an_hour_ago))
    return part, holder


def _shown(cached: CacheTable, name: str) -> list[str]:
    return [str(cell) for cell in cached.get_row(name)]
