"""Pilot tests of cancel and quit against a mirror that accepted the connection and never
answers (the loopback server's `silent` mode), with a read timeout of an hour: the cancelled
row settles, a second install of the same build works, quitting exits, and nothing cached or
installed before is changed. Each waits for an event (a request reaching the server, a row's
phase, the app's exit); the server's silent mode is released at the end of every test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from pytui.app.background import DaemonThreads
from pytui.app.gateway import CoreGateway
from pytui.app.job_record import abandoned_line
from pytui.app.messages import JobNote
from ui_helpers import SIZE, UiWorld, press_install, quit_answering_yes, ready, wait_for

FAST = "3.13.1"
OTHER = "3.11.11"


@contextlib.contextmanager
def _released(world: UiWorld) -> Iterator[None]:
    """Stop the server when the block ends, whatever happened in it: its silent handlers
    return and hang up, so a thread still reading ends before the test's event loop closes
    (closing it waits for the loop's executor threads)."""
    try:
        yield
    finally:
        world.server.stop()


def _path(world: UiWorld, version: str) -> str:
    return world.build(version).url.split(world.server.base_url, 1)[1]


def _silent(world: UiWorld, version: str) -> str:
    path = _path(world, version)
    world.server.set_faults(path, mode="silent")
    return path


def _job(app, key: str, *, after: int = 0):
    return next(job for job in app.state.jobs.values() if job.key == key and job.job_id > after)


def _snapshot(world: UiWorld) -> dict[str, bytes | str]:
    """Every file and link under the cache and the root, except the root's `.temp/` and lock."""
    seen: dict[str, bytes | str] = {}
    for top in (world.settings.cache_dir, world.settings.install_root):
        if not top.exists():
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames if d != ".temp"]
            for name in filenames + [d for d in dirnames if os.path.islink(Path(dirpath, d))]:
                path = Path(dirpath, name)
                if path.name in (".lock",):
                    continue
                seen[str(path)] = (f"-> {os.readlink(path)}" if path.is_symlink()
                                   else path.read_bytes())
    return seen


async def _installed_before(pilot, world: UiWorld, version: str) -> None:
    """Install `version` for real, so the tests can check it is left as it was."""
    key = world.build(version).key
    await press_install(pilot, key)
    job = _job(pilot.app, key)
    await wait_for(pilot, lambda: job.phase == "done", what=f"{version} installed")


class Stuck:
    """An app whose mirror never answers for FAST's archive, ready (see `_stuck_app`)."""

    def __init__(self, world: UiWorld, pilot, path: str, before: dict[str, bytes | str]) -> None:
        self.world, self.pilot, self.app, self.path = world, pilot, pilot.app, path
        self.key = world.build(FAST).key
        # Every file of the cache and the root before the stuck install (empty unless asked).
        self.before = before

    async def install(self):  # -> Job
        """`i` on FAST; its job once its request has reached the silent server."""
        await press_install(self.pilot, self.key)
        job = _job(self.app, self.key)
        await wait_for(self.pilot, lambda: self.world.server.count(self.path) >= 1,
                       what="the request reaching the server")
        return job


@contextlib.asynccontextmanager
async def _stuck_app(world: UiWorld, *, installed_before: bool = False) -> AsyncIterator[Stuck]:
    """The app with FAST's mirror silent, ready; the silent handlers are released when the
    block ends. With `installed_before`, OTHER is installed for real first and the cache and
    root are snapshotted (the tests check they are left as they were)."""
    path = _silent(world, FAST)
    app = world.make_app()
    with _released(world):
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            before: dict[str, bytes | str] = {}
            if installed_before:
                await _installed_before(pilot, world, OTHER)
                before = _snapshot(world)
            yield Stuck(world, pilot, path, before)


async def test_cancel_while_the_mirror_never_answers_settles_the_row(
        stuck_world: UiWorld) -> None:
    world = stuck_world
    async with _stuck_app(world, installed_before=True) as stuck:
        pilot, app = stuck.pilot, stuck.app
        job = await stuck.install()
        await pilot.press("c")
        # An hour's read timeout: only a cancel that does not wait for the read settles it.
        await wait_for(pilot, lambda: job.phase == "cancelled", what="the row cancelled")
        assert "cancelled" in job.error and stuck.key in job.error
        await wait_for(pilot, lambda: app.runner.stopped(job.job_id), what="the thread stopped")
        assert not world.installed_dir(FAST).exists()
        assert world.temp_leftovers() == []
        assert _snapshot(world) == stuck.before


async def test_a_second_install_after_a_cancel_is_not_held_by_the_first(
        stuck_world: UiWorld) -> None:
    world = stuck_world
    async with _stuck_app(world) as stuck:
        pilot, app, key = stuck.pilot, stuck.app, stuck.key
        first = await stuck.install()
        await pilot.press("c")
        await wait_for(pilot, lambda: first.phase == "cancelled", what="the row cancelled")
        # The mirror answers again; the same build is installed at once.
        world.server.set_faults(stuck.path, mode=None)
        await press_install(pilot, key)
        second = _job(app, key, after=first.job_id)
        await wait_for(pilot, lambda: second.phase == "done", what="the second install done")
        assert (world.installed_dir(FAST) / "bin" / "python3.13").exists()
        assert first.job_id not in app.state.jobs or app.state.jobs[first.job_id].phase == "cancelled"
        await wait_for(pilot, lambda: app.runner.stopped(first.job_id),
                       what="the first thread stopped")
        assert world.temp_leftovers() == []
        # The archive, and no .part or lock of the cancelled download left beside it.
        assert sorted(p.name for p in world.settings.cache_dir.iterdir()
                      if p.is_file()) == [world.build(FAST).cache_filename]


async def test_quit_while_the_mirror_never_answers_exits(stuck_world: UiWorld) -> None:
    world = stuck_world
    async with _stuck_app(world, installed_before=True) as stuck:
        pilot, app = stuck.pilot, stuck.app
        job = await stuck.install()
        await quit_answering_yes(pilot)
        # Checked before the silent handlers are released: quitting stopped the thread.
        assert app.runner.stopped(job.job_id)
        assert not world.installed_dir(FAST).exists()
        assert world.temp_leftovers() == []
        assert _snapshot(world) == stuck.before


# -- what nothing can wake: the grace ---------------------------------------------------------


class _Unwakeable(CoreGateway):
    """An install that ignores its cancel token until released, as a read that nothing can
    wake (a small stand-in: every real read the loopback server can hold is woken now); then
    it runs the real install, which finds the token cancelled."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.calls = 0
        self.release = threading.Event()

    def install(self, build, **kwargs):  # type: ignore[no-untyped-def]  # the gateway's signature
        self.calls += 1
        self.entered.set()
        self.release.wait()
        return super().install(build, **kwargs)


@contextlib.contextmanager
def _releasing(gateway: _Unwakeable) -> Iterator[None]:
    try:
        yield
    finally:
        gateway.release.set()


async def _blocked_install(pilot, gateway: _Unwakeable, key: str):  # -> Job
    """`i` on `key` with a cancel grace of 0.05 s; its job once its thread is blocked."""
    app = pilot.app
    app.runner.cancel_grace = 0.05  # the constant's length is not what is tested
    await press_install(pilot, key)
    job = _job(app, key)
    await wait_for(pilot, gateway.entered.is_set, what="the job's thread blocked")
    return job


async def test_a_job_that_cannot_be_woken_settles_after_the_grace(ui_world: UiWorld) -> None:
    gateway = _Unwakeable()
    app = ui_world.make_app(gateway=gateway)
    key = ui_world.build(FAST).key
    with _releasing(gateway):
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            job = await _blocked_install(pilot, gateway, key)
            await pilot.press("c")
            await wait_for(pilot, lambda: job.phase == "cancelled", what="the row settled")
            assert not app.runner.stopped(job.job_id) and job.job_id in app.runner.abandoned
            settled = job.error
            assert settled == abandoned_line(job, 0.05) and "nothing was installed" in settled
            # A warning its thread sends now (as an install's end-of-life one) is not said:
            # it showed as a toast and went into History after the row had settled.
            app.post_message(JobNote(job.job_id, "late warning of the abandoned job", warning=True))
            await pilot.pause()
            assert not any("late warning" in entry.message for entry in app.history.entries)
            assert not any("late warning" in n.message for n in app._notifications)
            # The same build again: a new job with its own id, not held by the stuck one.
            await press_install(pilot, key)
            second = _job(app, key, after=job.job_id)
            await wait_for(pilot, lambda: gateway.calls == 2, what="the second job started")
            # The stuck thread ends now; what it reports is dropped (its job has ended).
            gateway.release.set()
            await wait_for(pilot, lambda: app.runner.stopped(job.job_id), what="the first thread")
            await wait_for(pilot, lambda: second.phase == "done", what="the second install")
            await pilot.pause()
            assert job.phase == "cancelled" and job.error == settled or \
                job.job_id not in app.state.jobs
            assert (ui_world.installed_dir(FAST) / "bin" / "python3.13").exists()


async def test_quit_does_not_wait_for_a_thread_that_cannot_be_woken(ui_world: UiWorld) -> None:
    gateway = _Unwakeable()
    app = ui_world.make_app(gateway=gateway)
    key = ui_world.build(FAST).key
    with _releasing(gateway):
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            job = await _blocked_install(pilot, gateway, key)
            await quit_answering_yes(pilot)
        # Still blocked, on a daemon thread: neither the loop's close nor the interpreter's
        # exit waits for it (the default executor's threads are joined by both).
        assert not app.runner.stopped(job.job_id)
        stuck = [t for t in threading.enumerate() if t.name == "pytui-worker" and t.is_alive()]
        assert stuck and all(t.daemon for t in stuck)
        loop = asyncio.get_running_loop()
        assert isinstance(loop._default_executor, DaemonThreads)  # noqa: SLF001 - what asyncio.run's end shuts down
    assert not ui_world.installed_dir(FAST).exists()


async def test_a_download_waiting_for_the_mirror_says_so(stuck_world: UiWorld) -> None:
    """Once its request is sent and no answer came, the row is in `download`, waiting for the
    mirror's host (not still `resolve`)."""
    from pytui.widgets.job_list import JobRow

    world = stuck_world
    host = world.server.base_url.split("://", 1)[1].split("/", 1)[0]
    async with _stuck_app(world) as stuck:
        pilot, app = stuck.pilot, stuck.app
        job = await stuck.install()
        await wait_for(pilot, lambda: job.phase == "download", what="the row in download")
        assert job.note == f"waiting for {host}" and job.done == 0
        row = app.query_one(f"#job-{job.job_id}", JobRow)
        await wait_for(pilot, lambda: f"waiting for {host}" in
                       str(row.query_one(".job-error").render()), what="the row's wait line")
        # A wait, not an event: History keeps no line per request.
        assert not any("waiting for" in entry.message for entry in app.history.entries)
        await pilot.press("c")
        await wait_for(pilot, lambda: job.phase == "cancelled", what="the row cancelled")
