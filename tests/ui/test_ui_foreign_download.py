"""The Cached pane beside a download another pytui process is running: its `.part` is
`downloading` (the other process holds the `.part.lock`), as `pytui cache list` says, not
`partial` (a stopped download `i` resumes); once that process is killed it is `partial`. The
other process is a real `pytui install` against the loopback server, its download stalled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from pytui.widgets.available_table import AvailableTable
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.details import DetailsPanel
from ui_helpers import SIZE, UiWorld, ready, wait_for

STALL_AT = 60_000


def _other_pytui(world: UiWorld) -> tuple[subprocess.Popen[str], str]:
    """`pytui install 3.12` in another process, stalled after STALL_AT bytes; its `.part` name."""
    build = world.build("3.12.8")
    path = build.url.split(world.server.base_url, 1)[1]
    world.server.set_faults(path, rate=None, stall_at=STALL_AT, stall_seconds=3600)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytui.app.cli", "--downloads-json", str(world.catalog_path),
         "install", "3.12"],
        env={**os.environ, "UV_HTTP_TIMEOUT": "3600", "PYTUI_HTTP_SPEED_LIMIT": "0"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, build.cache_filename


def _holding(world: UiWorld, name: str) -> bool:
    part = world.settings.cache_dir / (name + ".part")
    try:
        return part.stat().st_size >= STALL_AT and os.path.exists(f"{part}.lock")
    except FileNotFoundError:
        return False


async def test_another_process_downloading_is_downloading_until_it_is_killed(ui_world: UiWorld) -> None:
    proc, name = _other_pytui(ui_world)
    try:
        app = ui_world.make_app()
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await wait_for(pilot, lambda: proc.poll() is not None or _holding(ui_world, name),
                           what="the other pytui to hold its .part")
            assert proc.poll() is None, proc.communicate()
            await pilot.press("r")  # lists the disk again (the watch is slowed in these tests)
            cached = app.query_one("#cached", CacheTable)
            await wait_for(pilot, lambda: cached.row_keys == [name], what="the .part's row")
            cached.focus()
            await pilot.pause()
            state_cell = str(cached.get_row(name)[0])
            assert state_cell.startswith("↓"), state_cell
            assert "partial" not in state_cell
            details = app.query_one(DetailsPanel).details
            fields = dict(details.fields) if details is not None else {}
            # Its lock's record vouches for the download, and /proc names the process.
            assert f"another pytui process is downloading it now (pid {proc.pid}: " in fields.get("download", ""), fields
            key = ui_world.build("3.12.8").key
            available = (app.query_one("#available", AvailableTable).cells_of(key) or ())[0].plain
            assert available.strip().endswith("%") and "◐" not in available, available
            # Killed: its lock goes, its `.part` stays; the watch's look at the locks sees it
            # (no directory changed) and the row is a stopped download again.
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            app.runner.watch_disk()
            await wait_for(pilot, lambda: str(cached.get_row(name)[0]).startswith("partial"),
                           what=f"the row said stopped: {cached.get_row(name)[0]}")
            details = app.query_one(DetailsPanel).details
            assert "stopped: i resumes it" in dict(details.fields)["download"]
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
        ui_world.server.stop()  # wakes the stalled handler
