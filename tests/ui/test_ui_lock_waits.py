"""A job waiting for a lock another process holds: the archive's download lock (no bound but
the holder's life, as the holder's download may rightly take long) or the install root's
(UV_LOCK_TIMEOUT). Its row and Details say which process holds it and that c cancels, and c
does: the job ends cancelled at once, the holder and what it holds untouched. Before, the row
named no process and no way out. The holder is a real process flock'ing the real file."""

from __future__ import annotations

from pathlib import Path

from pytui.app.job_view import job_details
from pytui.core.cache import LOCK_SUFFIX
from ui_helpers import SIZE, UiWorld, lock_held, press_install, ready, wait_for

FAST = "3.13.1"


async def _waits_then_cancelled(world: UiWorld, lock: Path, holder_pid: int, says: str) -> None:
    app = world.make_app()
    key = world.build(FAST).key
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await press_install(pilot, key)
        job = next(j for j in app.state.jobs.values() if j.key == key)
        await wait_for(pilot, lambda: job.phase == "waiting", what=f"the wait: {job.phase} {job.note!r}")
        assert says in job.note and f"pid {holder_pid}: " in job.note, job.note
        assert job.note.endswith("; c cancels"), job.note
        details = dict(job_details(app.state, job).fields)
        assert details["now"].endswith("; c cancels"), details
        await pilot.press("c")
        await wait_for(pilot, lambda: job.phase == "cancelled", what=f"the row cancelled: {job.phase}")
        assert not world.installed_dir(FAST).exists() and lock.exists()


async def test_a_wait_for_the_archives_download_lock_names_its_holder_and_c_cancels_it(
        ui_world: UiWorld) -> None:
    build = ui_world.build(FAST)
    ui_world.settings.cache_dir.mkdir(parents=True, exist_ok=True)
    lock = ui_world.settings.cache_dir / (build.cache_filename + LOCK_SUFFIX)
    with lock_held(lock) as holder:
        # The holder records no activity on the lock: the row names none (it said `downloading`).
        await _waits_then_cancelled(ui_world, lock, holder.pid, "waiting for another process that holds "
                                    f"the lock on the archive of {build.key}")
        assert holder.poll() is None
    assert ui_world.server.count() == 0
    assert sorted(p.name for p in ui_world.settings.cache_dir.iterdir()) == [lock.name]


async def test_a_wait_for_the_root_lock_names_its_holder_and_c_cancels_it(ui_world: UiWorld) -> None:
    ui_world.seed_cache(FAST)
    root = ui_world.settings.install_root
    root.mkdir(parents=True, exist_ok=True)
    with lock_held(root / ".lock") as holder:
        await _waits_then_cancelled(ui_world, root / ".lock", holder.pid,
                                    f"waiting for the lock on {root} (held by ")
        assert holder.poll() is None
