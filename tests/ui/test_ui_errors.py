"""Pilot tests against the loopback server: job rows from the moment they are queued, errors
readable afterwards (row, Details, History and its log), stale scans dropped, uninstall as a
job (lock wait, cancel, quit asks), and no download started by a stray Enter."""

from __future__ import annotations

import io
import threading

from pytui.app.gateway import CoreGateway
from pytui.app.history import LOG_NAME
from pytui.app.screens import ConfirmModal, HistoryScreen
from pytui.core.catalog import Catalog
from pytui.core.jobs import InstallJob
from pytui.core.models import CachedArchive
from pytui.core.settings import Settings
from pytui.widgets.available_table import AvailableTable
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.details import DetailsPanel
from pytui.widgets.installed_table import InstalledTable
from pytui.widgets.job_list import JobRow
from rich.console import Console
from textual.widgets import Button, Static
from ui_helpers import SIZE, UiWorld, asked, press_install, ready, root_lock_held, wait_for

FAST, OTHER, SLOW = "3.13.1", "3.11.11", "3.12.8"


def _text(renderable: object) -> str:
    console = Console(width=2000, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


def _row_text(app, job_id: int) -> str:
    row = app.query_one(f"#job-{job_id}", JobRow)
    assert row.region.area > 0, "the job row is not on screen"
    return " ".join(_text(static.content) for static in row.query(Static))


async def test_three_jobs_show_key_and_phase_from_queued_and_the_404_its_cause(
        ui_world: UiWorld) -> None:
    failing = ui_world.build(FAST)
    ui_world.server.set_faults(failing.url.split(ui_world.server.base_url, 1)[1], status=404)
    # Two slots (uv's -j): the third job waits in the queue.
    ui_world.settings = ui_world.settings.replace(jobs=2)
    app = ui_world.make_app()
    keys = [ui_world.build(v).key for v in (SLOW, FAST, OTHER)]
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for key in keys:
            await press_install(pilot, key)
            job = next(j for j in app.state.jobs.values() if j.key == key)
            # Drawn at once: the key and a phase, never an empty bar.
            text = _row_text(app, job.job_id)
            assert key in text and job.phase in text, text
        jobs = {j.key: j for j in app.state.jobs.values()}
        failed = jobs[failing.key]
        await wait_for(pilot, lambda: failed.ended, what="the 404 job ends")
        assert failed.phase == "failed" and "404" in failed.error
        # The step the error carries as data, in the TUI's words (the CLI's name `pytui list
        # --refresh` beside the key).
        assert "the catalog may be stale: refresh it (r), or check" in failed.error, failed.error
        # The row leads with the cause, not the key again.
        await wait_for(pilot, lambda: "404" in _row_text(app, failed.job_id),
                       what="the cause on the row")
        assert "failed" in _row_text(app, failed.job_id)
        # ... within what the row shows at this width.
        line = app.query_one(f"#job-{failed.job_id}", JobRow).query_one(".job-error", Static)
        assert "404" in _text(line.content)[: line.content_region.width]
        other = jobs[keys[2]]
        await wait_for(pilot, lambda: other.ended, what="the queued job ran after the failure")
        assert other.phase == "done", other.error

        # Details shows the whole error of the highlighted job.
        app.query_one(f"#job-{failed.job_id}", JobRow).focus()
        await pilot.pause()
        details = app.query_one("#details", DetailsPanel).details
        assert details is not None and details.message == failed.error
        assert "nothing was installed" in details.message  # the end of the line, not cut

        # The history lists every job with its outcome, and so does the log.
        app.runner.cancel(jobs[keys[0]].job_id)  # the slow one, unless it is done already
        await wait_for(pilot, lambda: jobs[keys[0]].ended, what="slow job ended")
        await pilot.press("H")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        entries = [" ".join(_text(s.content).split()) for s in screen.query(".history-entry")]
        for key in keys:
            assert any(f"{key} {jobs[key].phase}" in entry for entry in entries), entries
        shown = " ".join(entries)
        assert failed.error in " ".join(shown.split())
        await pilot.press("escape")
        log = (ui_world.settings.state_dir / LOG_NAME).read_text()
        assert failed.error in log and keys[2] in log


async def test_an_older_scan_finishing_after_a_newer_one_changes_nothing(
        ui_world: UiWorld) -> None:
    class HoldingGateway(CoreGateway):
        """The next listing reads the cache, then waits until released (an old scan)."""

        def __init__(self) -> None:
            self.hold = False
            self.holding = threading.Event()
            self.release = threading.Event()
            self.finished = threading.Event()

        def list_cache(self, settings: Settings, catalog: Catalog | None) -> list[CachedArchive]:
            result = super().list_cache(settings, catalog)
            if self.hold:
                self.hold = False
                self.holding.set()
                self.release.wait(30)
            return result

        def list_installed(self, settings):  # type: ignore[no-untyped-def]
            try:
                return super().list_installed(settings)
            finally:
                if self.release.is_set():
                    self.finished.set()

    gateway = HoldingGateway()
    app = ui_world.make_app(gateway=gateway)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        assert cached.row_keys == []
        gateway.hold = True
        app.runner.scan_disk()  # the old scan: sees an empty cache, then waits
        await wait_for(pilot, gateway.holding.is_set, what="old scan holding")
        path = ui_world.seed_cache(OTHER)
        app.runner.scan_disk()  # the newer scan sees the archive
        await wait_for(pilot, lambda: cached.row_keys == [path.name], what="newer scan shown")
        gateway.release.set()
        await wait_for(pilot, gateway.finished.is_set, what="old scan finished")
        for _ in range(3):
            await pilot.pause()
        assert cached.row_keys == [path.name]
        assert [a.name for a in app.state.archives] == [path.name]


def _install_before(ui_world: UiWorld, version: str) -> str:
    build = ui_world.build(version)
    InstallJob(build, settings=ui_world.settings).run()
    return build.key


async def _ask_uninstall(pilot, key: str) -> None:
    installed = pilot.app.query_one("#installed", InstalledTable)
    installed.focus()
    assert installed.select_key(key)
    await pilot.press("u")
    await asked(pilot, "the uninstall question")
    await pilot.press("y")
    await pilot.pause()


async def _uninstall_waiting(pilot, key: str):  # -> Job
    """`u`, `y` on `key` while the root's lock is held elsewhere; its job once it waits."""
    await _ask_uninstall(pilot, key)
    job = next(j for j in pilot.app.state.jobs.values() if j.kind == "uninstall")
    await wait_for(pilot, lambda: job.phase == "waiting", what="uninstall waits")
    return job


async def test_uninstall_waits_for_the_lock_and_can_be_cancelled(ui_world: UiWorld) -> None:
    key = _install_before(ui_world, FAST)
    with root_lock_held(ui_world.settings.install_root):
        app = ui_world.make_app()
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            job = await _uninstall_waiting(pilot, key)
            assert "lock" in _row_text(app, job.job_id)
            assert "waiting" in str(app.query_one("#installed", InstalledTable).cells_of(key)[3])
            await pilot.press("c")  # the Installed row of the job
            await wait_for(pilot, lambda: job.ended, what="uninstall cancelled")
            assert job.phase == "cancelled"
            await wait_for(pilot, lambda: app.runner.stopped(job.job_id), what="thread stopped")
    assert ui_world.installed_dir(FAST).is_dir()


async def test_quit_asks_while_an_uninstall_runs(ui_world: UiWorld) -> None:
    key = _install_before(ui_world, FAST)
    with root_lock_held(ui_world.settings.install_root):
        app = ui_world.make_app()
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            job = await _uninstall_waiting(pilot, key)
            await pilot.press("q")
            modal = await asked(pilot, "the quit question")
            assert modal.id == "confirm-quit"
            assert "uninstall" in " ".join(_text(s.content) for s in modal.query(".dialog-line"))
            assert str(modal.query_one("#no", Button).label) == "Stay (n)"
            await pilot.press("y")
            await wait_for(pilot, lambda: not app.is_running, what="app exit")
        assert app.runner.stopped(job.job_id)
    assert ui_world.installed_dir(FAST).is_dir()


async def test_enter_after_a_filter_never_starts_a_download(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"3.12", "enter", "enter")
        # The second Enter (now on the table) only asks; a third answers the focused "no".
        modal = await asked(pilot, "the install question")
        assert modal.id == "confirm-install"
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal), what="the question answered")
        assert not app.state.jobs and ui_world.server.count() == 0


async def test_a_retry_says_when_which_attempt_and_why(ui_world: UiWorld) -> None:
    build = ui_world.build(FAST)
    # The first answer is a 503; the retry waits 1.5-3 s, long enough to be seen.
    ui_world.server.set_faults(build.url.split(ui_world.server.base_url, 1)[1],
                               fail=1, fail_status=503)
    ui_world.settings = ui_world.settings.replace(
        env={**ui_world.settings.env, "PYTUI_HTTP_BACKOFF": "3"})
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await press_install(pilot, build.key)
        job = next(j for j in app.state.jobs.values() if j.key == build.key)
        await wait_for(pilot, lambda: "retrying in" in _row_text(app, job.job_id),
                       what="the retry on the job's row")
        assert "(attempt 2 of 4)" in job.note and "503" in job.note, job.note
        await wait_for(pilot, lambda: job.ended, what="the retry succeeds")
        assert job.phase == "done", job.error
        assert not job.note and "retrying" not in _row_text(app, job.job_id)
        assert any(e.outcome == "note" and "retrying in" in e.message
                   for e in app.history.entries)


async def test_a_new_job_replaces_the_ended_row_of_its_build(ui_world: UiWorld) -> None:
    build = ui_world.build(FAST)
    path = build.url.split(ui_world.server.base_url, 1)[1]
    ui_world.server.set_faults(path, status=404)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await press_install(pilot, build.key)
        first = next(j for j in app.state.jobs.values() if j.key == build.key)
        await wait_for(pilot, lambda: first.ended, what="the 404 job ends")
        ui_world.server.set_faults(path, status=None)
        await press_install(pilot, build.key)
        second = next(j for j in app.state.jobs.values() if j.key == build.key)
        assert second.job_id != first.job_id and not app.query(f"#job-{first.job_id}")
        await wait_for(pilot, lambda: second.ended, what="the second job ends")
        assert second.phase == "done", second.error
        # Done rows say how it ended, not the last phase's "1 B / 1 B".
        assert " B / " not in _row_text(app, second.job_id)
        assert [e.outcome for e in app.history.entries if e.title == build.key] == \
            ["failed", "done"]


async def test_an_unreadable_cache_dir_is_said_and_the_tui_starts_anyway(
        ui_world: UiWorld) -> None:
    import errno

    class UnreadableCache(CoreGateway):
        def list_cache(self, settings: Settings, catalog: Catalog | None) -> list[CachedArchive]:
            raise PermissionError(errno.EACCES, "Permission denied", str(settings.cache_dir))

    app = ui_world.make_app(gateway=UnreadableCache())
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.query_one("#available", AvailableTable).row_keys  # the catalog is shown
        said = [n.message.replace("\n", "") for n in app._notifications if n.severity == "error"]
        cache_dir = "~/" + str(ui_world.settings.cache_dir.relative_to(ui_world.home))
        assert any(cache_dir in m and "Permission denied" in m for m in said), said
        assert any(e.kind == "scan" and e.outcome == "failed" for e in app.history.entries)


async def test_uninstalling_what_another_process_removed_meanwhile_is_done_not_failed(
        ui_world: UiWorld) -> None:
    """uv (or another pytui) removed the install after the TUI listed it: `u`, `y` reach the
    state asked for, so the job ends done and says so, not 'failed: … is not installed'."""
    from pytui.core.install_root import InstallRoot

    key = _install_before(ui_world, FAST)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: key in app.query_one("#installed", InstalledTable).row_keys,
                       what="the install listed")
        InstallRoot(ui_world.settings.install_root).uninstall(key, bin_dir=None)  # the other one
        await _ask_uninstall(pilot, key)
        job = next(j for j in app.state.jobs.values() if j.kind == "uninstall")
        await wait_for(pilot, lambda: job.ended, what="the uninstall job ended")
        assert job.phase != "failed", job
        said = " ".join(n.message for n in app._notifications) + " " + str(job.summary)
        assert "already" in said and "another" in said, said
    assert not ui_world.installed_dir(FAST).exists()


async def test_an_uninstall_replaces_the_ended_install_row_of_its_build(ui_world: UiWorld) -> None:
    # The install's `done` row stood beside the uninstall's `removed` one in the Jobs panel (a
    # new install, and a prune's uninstalls, replaced their build's ended rows; `u` did not).
    build = ui_world.build(FAST)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await press_install(pilot, build.key)
        first = next(j for j in app.state.jobs.values() if j.key == build.key)
        await wait_for(pilot, lambda: first.ended and build.key in app.state.installed_keys,
                       what="the install done and listed")
        installed = app.query_one("#installed", InstalledTable)
        installed.focus()
        assert installed.select_key(build.key)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: any(j.kind == "uninstall" and j.ended
                                          for j in app.state.jobs.values()),
                       what="the uninstall's end")
        assert not app.query(f"#job-{first.job_id}") and first.job_id not in app.state.jobs
        assert [j.kind for j in app.state.jobs.values() if j.key == build.key] == ["uninstall"]
        assert [e.outcome for e in app.history.entries if e.title == build.key][:1] == ["done"]


async def test_a_vouched_for_archive_that_does_not_extract_names_the_tuis_key(ui_world: UiWorld) -> None:
    """The job's line for a cached archive whose sha256 is the catalog's but whose data does
    not extract: `install another build (a lists every version)`, the step the job's error
    carries as data said in the TUI's words (the CLI's names `pytui list --all-versions
    3.13`), in the job's error that its row, Details and History show."""
    import gzip
    import hashlib
    import tarfile

    from fixtures_archives import write_uv_catalog

    tar = gzip.decompress(ui_world.archives[FAST].path.read_bytes())
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        last = archive.getmembers()[-1]
    broken = gzip.compress(tar[:last.offset_data + 1])  # a whole gzip of a tar cut in a member
    digest = hashlib.sha256(broken).hexdigest()
    builds = [made.build._replace(sha256=digest) if version == FAST else made.build
              for version, made in ui_world.archives.items()]
    write_uv_catalog(ui_world.catalog_path, builds)
    build = next(b for b in builds if b.sha256 == digest)
    ui_world.settings.cache_dir.mkdir(parents=True, exist_ok=True)
    (ui_world.settings.cache_dir / build.cache_filename).write_bytes(broken)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await press_install(pilot, build.key)
        job = next(j for j in app.state.jobs.values() if j.key == build.key)
        await wait_for(pilot, lambda: job.ended, what="the job ends")
        assert job.phase == "failed", job.error
        assert job.error.endswith("install another build (a lists every version); nothing was "
                                  "installed"), job.error
        assert "pytui list" not in job.error and "its sha256 is the catalog's" in job.error, job.error
