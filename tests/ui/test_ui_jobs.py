"""Pilot tests of install jobs against the loopback server: progress, cancel, uninstall,
offline installs from the cache, and quitting with a job running."""

from __future__ import annotations

from pytui.app.messages import JobProgress
from pytui.widgets.available_table import AvailableTable
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.format import human_size
from pytui.widgets.installed_table import InstalledTable
from pytui.widgets.job_list import JobList
from textual.widgets import ProgressBar
from ui_helpers import (
    SIZE,
    UiWorld,
    asked,
    crawl,
    no_requests,
    open_purge_rules,
    quit_answering_yes,
    ready,
    root_lock_held,
    toast_texts,
    wait_for,
)

FAST = "3.13.1"
SLOW = "3.12.8"


def _job(app, key: str):
    return next(job for job in app.state.jobs.values() if job.key == key)


async def _download_under_way(pilot, key: str):  # -> Job
    """`i` on the (crawling) build `key`; its job once some bytes have arrived."""
    await _start_install(pilot, key)
    job = _job(pilot.app, key)
    await wait_for(pilot, lambda: job.phase == "download" and job.done > 0,
                   what="download under way")
    return job


async def _start_install(pilot, key: str, *, via: str = "i") -> None:
    """`via` on `key`'s Available row, and its job once it is listed; or the question `i` asks
    first (an end-of-life version). Enter asks first, and is answered yes."""
    app = pilot.app
    table = app.query_one("#available", AvailableTable)
    table.focus()
    assert table.select_key(key)
    await pilot.press(via)
    if via == "enter":
        # Enter asks before anything downloads.
        await asked(pilot, "the install question")
        await pilot.press("y")
    await wait_for(pilot, lambda: any(job.key == key for job in app.state.jobs.values())
                   or (via == "i" and app.screen.is_modal),
                   what=f"{key}'s job, or a question")


async def test_install_job_reaches_total_and_shows_in_installed_and_cached(
        ui_world: UiWorld) -> None:
    messages: list[object] = []
    app = ui_world.make_app()
    key = ui_world.build(FAST).key
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await ready(pilot)
        await _start_install(pilot, key, via="enter")
        job = _job(app, key)
        await wait_for(pilot, lambda: job.phase == "done", what="install done")
        # The bar of the job's row ended full.
        bar = app.query_one(f"#job-{job.job_id}").query_one(ProgressBar)
        assert bar.total is not None and bar.progress == bar.total
        # Progress went through the phases, as messages from the worker thread.
        phases = [m.phase for m in messages if isinstance(m, JobProgress)]
        assert "download" in phases and "extract" in phases
        # The panes follow without a reload: Installed and Cached gain a row.
        installed = app.query_one("#installed", InstalledTable)
        cached = app.query_one("#cached", CacheTable)
        await wait_for(pilot, lambda: key in installed.row_keys, what="Installed row")
        await wait_for(pilot, lambda: ui_world.build(FAST).cache_filename in cached.row_keys,
                       what="Cached row")
        state = app.query_one("#available", AvailableTable).cells_of(key)[0]
        assert str(state) == "✓●"
        assert (ui_world.installed_dir(FAST) / "bin" / "python3.13").exists()


async def test_cancel_during_slow_download_leaves_nothing_installed(ui_world: UiWorld) -> None:
    crawl(ui_world, SLOW)
    app = ui_world.make_app()
    key = ui_world.build(SLOW).key
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        job = await _download_under_way(pilot, key)
        # In progress: the Available row shows a percentage, Cached a row being downloaded.
        state = str(app.query_one("#available", AvailableTable).cells_of(key)[0])
        assert state.endswith("%")
        await pilot.press("c")
        await wait_for(pilot, lambda: job.phase == "cancelled", what="cancelled")
        await wait_for(pilot, lambda: app.runner.stopped(job.job_id), what="thread stopped")
        assert not ui_world.installed_dir(SLOW).exists()
        assert not app.query_one("#installed", InstalledTable).row_keys
        assert not (ui_world.settings.cache_dir / ui_world.build(SLOW).cache_filename).exists()
        assert ui_world.temp_leftovers() == []
        # History names the `.part` kept as the panes write paths: it read `/root/.cache/…`.
        said = next(e.message for e in app.history.entries if e.kind == "install")
        part = ui_world.settings.cache_dir / (ui_world.build(SLOW).cache_filename + ".part")
        assert f"kept in ~/{part.relative_to(ui_world.home)} for" in said, said
        # The UI kept answering while the job ran, and the job row can be dismissed.
        await pilot.press("c")
        await pilot.pause()
        assert not app.query_one("#jobs", JobList).views()


async def test_uninstall_asks_then_removes(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    key = ui_world.build(FAST).key
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _start_install(pilot, key)
        installed = app.query_one("#installed", InstalledTable)
        await wait_for(pilot, lambda: key in installed.row_keys and key in app.state.sizes,
                       what="installed and measured")
        installed.focus()
        assert installed.select_key(key)
        await pilot.press("u")
        modal = await asked(pilot, "the uninstall question")
        lines = " ".join(str(s.content) for s in modal.query(".dialog-line"))
        # What uninstalling frees: the install's files hard-linked from the tree kept in the
        # cache stay there (core/root_tree.footprint), and the question says so.
        from pytui.app.uninstall_report import question_text
        from pytui.core.root_tree import footprint

        size = footprint(ui_world.installed_dir(FAST))
        assert size.shared and question_text(size.freed, size.shared) in lines
        assert "stay in the cache's kept tree" in lines
        await pilot.press("n")
        await pilot.pause()
        assert ui_world.installed_dir(FAST).exists()
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("y")
        await wait_for(pilot, lambda: not installed.row_keys, what="Installed pane empty")
        assert not ui_world.installed_dir(FAST).exists()
        # The archive's kept tree is no longer shared: the purge preview counts it, as the
        # real purge frees it (core/cache_purge.py purge_effect).
        from pytui.core.cache import ArchiveCache
        from pytui.core.cache_purge import purge_effect

        cache = ArchiveCache(ui_world.settings.cache_dir)
        effect = purge_effect(cache, cache.list())
        assert effect.trees == 1 and effect.total > sum(a.size for a, _ in effect.archives)
        modal = await open_purge_rules(pilot)
        modal._preview("all")
        await wait_for(pilot, lambda: modal.previewed is not None, what="the preview")
        total = str(modal.query_one("#purge-total").render())
        assert f"frees {human_size(effect.total)}" in total, total
        await pilot.press("escape")


async def test_offline_installs_a_cached_build_without_network(ui_world: UiWorld) -> None:
    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    key = ui_world.build("3.11.11").key
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("o")
        await pilot.pause()
        with no_requests(ui_world.server):
            await _start_install(pilot, key)
            assert app.state.jobs, [n.message for n in app._notifications]
            job = _job(app, key)
            await wait_for(pilot, lambda: job.ended, what="offline install")
            assert job.phase == "done", job.error
        assert ui_world.installed_dir("3.11.11").is_dir()


async def test_failed_job_shows_its_reason(ui_world: UiWorld) -> None:
    build = ui_world.build(FAST)
    ui_world.server.set_faults(build.url.split(ui_world.server.base_url, 1)[1], status=404)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _start_install(pilot, build.key)
        job = _job(app, build.key)
        await wait_for(pilot, lambda: job.ended, what="job failed")
        assert job.phase == "failed"
        assert build.key in job.error and "404" in job.error
        assert "\n" not in job.error
        # The notification: the build in its title, the row's short cause as its message.
        assert any(n.severity == "error" and build.key in n.title and "404" in n.message
                   and build.key not in n.message for n in app._notifications)
        assert str(app.query_one("#available", AvailableTable).cells_of(build.key)[0]) == "✗"


async def test_quit_with_running_job_leaves_no_partial_install(ui_world: UiWorld) -> None:
    crawl(ui_world, SLOW)
    app = ui_world.make_app()
    key = ui_world.build(SLOW).key
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        job = await _download_under_way(pilot, key)
        await quit_answering_yes(pilot)
    assert app.runner.stopped(job.job_id)
    assert not ui_world.installed_dir(SLOW).exists()
    assert ui_world.temp_leftovers() == []
    # What `pytui` prints once the terminal is the shell's again (the shell got no word).
    assert app.quit_note == (f"pytui: quit with jobs running: cancelled 1 install ({key}); "
                             "nothing half-installed was left, and a partial download stays in "
                             "the cache: installing again resumes it")


def test_the_quit_note_names_what_was_cancelled(tmp_path) -> None:
    from pytui.app.job_view import quit_note
    from view_state import a_state

    state = a_state(tmp_path)
    assert quit_note(state.running_jobs()) == ""
    state.add_job("install", "cpython-3.12.8-linux-x86_64-gnu")
    state.add_job("uninstall", "cpython-3.11.9-linux-x86_64-gnu")
    state.add_job("verify", "")
    note = quit_note(state.running_jobs())
    assert note.startswith("pytui: quit with jobs running: cancelled 1 install "
                           "(cpython-3.12.8-linux-x86_64-gnu); ")
    assert "cancelled 1 uninstall (cpython-3.11.9-linux-x86_64-gnu); what was not removed yet " \
           "stays installed; stopped the cache verification" in note


async def test_verify_removes_a_corrupt_archive(ui_world: UiWorld) -> None:
    good = ui_world.seed_cache("3.11.11")
    bad = ui_world.seed_cache("3.13.1")
    bad.write_bytes(b"not the archive the catalog names")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("v")
        job = next(j for j in app.state.jobs.values() if j.kind == "verify")
        await wait_for(pilot, lambda: job.ended, what="verify")
        assert job.phase == "done"
        assert good.exists() and not bad.exists()
        assert any(n.severity == "warning" and bad.name in n.message.replace("\n", "")
                   for n in app._notifications)
        await wait_for(pilot, lambda: app.query_one("#cached", CacheTable).row_keys == [good.name],
                       what="Cached pane updated")


async def test_installed_pane_offers_and_installs_the_newer_patch(tmp_path, http_server) -> None:
    """An install of 3.11.11 with 3.11.12 in the catalog: the Installed row says so, and
    `i` on it installs 3.11.12 (uv keeps the old patch, and so does pytui)."""
    from fixtures_archives import make_pbs_archive, write_uv_catalog
    from pytui.app.tui import make_app
    from pytui.core.jobs import InstallJob
    from pytui.core.settings import Settings
    from ui_helpers import HOST

    old = make_pbs_archive(tmp_path / "old", version="3.11.11").serve(http_server)
    new = make_pbs_archive(tmp_path / "new", version="3.11.12").serve(http_server)
    home = tmp_path / "home"
    catalog = write_uv_catalog(home / "catalog.json", [old.build, new.build])
    settings = Settings.resolve(downloads_json=str(catalog))
    InstallJob(old.build, settings=settings).run()
    app = make_app(settings, host=HOST, refresh=False, show_eta=False, home=home)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        installed = app.query_one("#installed", InstalledTable)
        assert installed.row_keys == [old.build.key]
        assert "3.11.12" in str(installed.cells_of(old.build.key)[3])  # Key, Size, Used by, Update
        installed.focus()
        await pilot.press("i")
        # It says from what to what before it starts.
        modal = await asked(pilot, "the upgrade question")
        said = " ".join(str(s.content) for s in modal.query(".dialog-line"))
        assert f"from {old.build.key} to {new.build.key}" in said
        await pilot.press("y")
        await pilot.pause()
        job = _job(app, new.build.key)
        await wait_for(pilot, lambda: job.ended, what="update install")
        assert job.phase == "done", job.error
        await wait_for(pilot, lambda: new.build.key in installed.row_keys, what="new patch listed")
        assert old.build.key in installed.row_keys


async def test_job_waits_for_the_root_lock_held_by_another_process(ui_world: UiWorld) -> None:
    ui_world.seed_cache(FAST)
    with root_lock_held(ui_world.settings.install_root) as release:
        app = ui_world.make_app()
        key = ui_world.build(FAST).key
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await _start_install(pilot, key)
            job = _job(app, key)
            await wait_for(pilot, lambda: job.phase == "waiting", what="waiting for the lock")
            # The row says why it waits (on its second line), and so does the history.
            assert "lock" in job.note
            row = app.query_one(f"#job-{job.job_id}")
            assert "waiting for the lock" in str(row.query_one(".job-error").render())
            assert any("lock" in e.message for e in app.history.entries)
            release()
            await wait_for(pilot, lambda: job.ended, what="install after the lock")
            assert job.phase == "done", job.error


async def test_installing_an_end_of_life_version_warns_once_installed(tmp_path, http_server) -> None:
    """Python 3.8 is past its end of life: when its install ends, the TUI says so as a warning
    (core/support.eol_installed: the fact, then that it was installed) and keeps it in History."""
    from fixtures_archives import make_pbs_archive, write_uv_catalog
    from pytui.app.tui import make_app
    from pytui.core.settings import Settings
    from pytui.core.support import eol_installed
    from ui_helpers import HOST

    old = make_pbs_archive(tmp_path / "old", version="3.8.20").serve(http_server)
    home = tmp_path / "home"
    catalog = write_uv_catalog(home / "catalog.json", [old.build])
    settings = Settings.resolve(downloads_json=str(catalog))
    line = eol_installed(old.build, settings.state_dir)
    assert line == ("Python 3.8 reached its end of life in 2024-10 and gets no security fixes; "
                    f"{old.build.key} was installed anyway")
    app = make_app(settings, host=HOST, refresh=False, show_eta=False, home=home)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _start_install(pilot, old.build.key)
        # `i` asks first for an end-of-life version: the fact, then the question.
        await asked(pilot, "the end-of-life question")
        assert app.screen.question[1][-1].endswith("Install it anyway?")
        await pilot.press("y")
        await wait_for(pilot, lambda: any(j.key == old.build.key for j in app.state.jobs.values()),
                       what="job queued")
        job = _job(app, old.build.key)
        await wait_for(pilot, lambda: job.phase == "done", what="install done")
        await wait_for(pilot, lambda: line in toast_texts(app), what="the end-of-life warning")
        assert line in toast_texts(app, lambda shown: shown.severity == "warning")
        assert any(e.outcome == "warning" and e.message == line for e in app.history.entries)


def test_run_tui_prints_the_quit_note_escaped_and_survives_a_gone_terminal(
        monkeypatch, capsys) -> None:
    """The note names keys from a catalog (escaped as every error line is), and after SIGHUP
    the terminal it would go to is gone: the exit code stays the app's, no traceback."""
    import argparse

    from pytui.app import tui

    class Ran:
        quit_note = "pytui: quit with jobs running: cancelled 1 install (cpython-3.12.8\x1b[2J)"
        return_code = 129

        def run(self) -> None:
            return None

    monkeypatch.setattr(tui, "make_app", lambda settings: Ran())
    assert tui.run_tui(argparse.Namespace(settings=None)) == 129
    said = capsys.readouterr().err
    assert "\x1b" not in said and said.startswith("pytui: quit with jobs running: cancelled 1")

    class Gone:
        def write(self, text: str) -> int:
            raise OSError(5, "Input/output error")

        def flush(self) -> None:
            raise OSError(5, "Input/output error")

    monkeypatch.setattr("sys.stderr", Gone())
    assert tui.run_tui(argparse.Namespace(settings=None)) == 129


async def test_the_empty_jobs_panel_says_no_catalog_is_loaded_when_none_is(
        ui_world: UiWorld) -> None:
    """With a --downloads-json that cannot be read, Available is empty and the Jobs panel said
    `Highlight a build and press i`, which then refused: it says what Details says, and
    with a catalog again, how a job starts."""
    from pytui.app.details_view import NO_CATALOG, NO_JOBS

    catalog = ui_world.catalog_path
    ui_world.settings = ui_world.settings.replace(downloads_json=str(catalog) + ".gone")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        jobs = app.query_one("#jobs", JobList)
        await wait_for(pilot, lambda: app.state.catalog_problem, what="the catalog's failure")
        await pilot.pause()
        assert str(jobs.render()) == f"No jobs. {NO_CATALOG}"
        # The catalog is there again: `r` reads it and the panel says how a job starts.
        catalog.rename(str(catalog) + ".gone")
        await pilot.press("r")
        await wait_for(pilot, lambda: str(jobs.render()) == NO_JOBS, what="the usual note")
