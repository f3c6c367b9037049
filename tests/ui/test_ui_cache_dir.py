"""The TUI starts with an unusable cache dir and says why (one error notification naming it).

"Unreadable" is real: `chmod 000` seen by a thread without CAP_DAC_OVERRIDE (tests/fixtures_fs.py),
since root ignores permission bits.
"""

from __future__ import annotations

import stat
import subprocess

import pytest
from fixtures_fs import without_dac_override
from pytui.widgets.format import home_shortened, short_path
from ui_helpers import SIZE, UiWorld, press_install, ready, toast_texts, wait_for


@pytest.mark.parametrize("trouble", ["unreadable", "a file"])
async def test_tui_starts_and_shows_why_the_cache_dir_is_unusable(ui_world: UiWorld, trouble: str) -> None:
    if trouble == "a file":
        cache = ui_world.home / "not-a-dir"
        cache.write_bytes(b"precious")
        ui_world.settings = ui_world.settings.replace(cache_dir=cache)
        cause = "not a directory"
    else:
        cache = ui_world.seed_cache("3.11.11").parent
        cause = "permission denied"
    mode = stat.S_IMODE(cache.stat().st_mode)
    if trouble == "unreadable":
        cache.chmod(0)
    try:
        with without_dac_override():
            app = ui_world.make_app()
            async with app.run_test(size=SIZE) as pilot:
                await ready(pilot)
                problem = app.state.cache_problem
                assert problem is not None and str(cache) in problem and cause in problem
                errors = toast_texts(app, lambda n: n.severity == "error")
                assert errors == [home_shortened(problem, ui_world.home)]  # `~/…`, as the panes say
                assert app.state.archives == [] and app.state.catalog is not None
                assert app.state.catalog.builds
                assert "cannot read the cache dir" in str(app.query_one("#cached-pane").border_subtitle)
    finally:
        cache.chmod(mode)
    assert cache.is_dir() or cache.read_bytes() == b"precious"


async def test_header_cache_size_is_what_cache_list_totals(ui_world: UiWorld, capsys) -> None:
    """A cache with an archive, a kept tree (from an install) and a `.part`: the header's size
    is the total `pytui cache list` prints (archives, .part files and trees, hard links once)."""
    from pytui.app.cli import main
    from pytui.core.cache import ArchiveCache
    from pytui.core.jobs import InstallJob
    from pytui.widgets.format import human_size
    from pytui.widgets.header import HeaderBar

    settings = ui_world.settings
    InstallJob(ui_world.build("3.11.11"), settings=settings).run()
    part = settings.cache_dir / (ui_world.build("3.13.1").cache_filename + ".part")
    part.write_bytes(b"x" * 12345)
    cache = ArchiveCache(settings.cache_dir)
    assert cache.trees_by_archive(), "the install kept no tree"
    total = cache.disk_usage()
    du = subprocess.run(["du", "-sb", str(settings.cache_dir)], capture_output=True, text=True, check=True)
    # The tree read from its manifest, counted as du does; the cache dir and `trees/`
    # themselves are not (an empty cache is 0 B, as the Cached pane says).
    holders = settings.cache_dir.stat().st_size + (settings.cache_dir / "trees").stat().st_size
    assert total == int(du.stdout.split()[0]) - holders
    assert total > sum(p.stat().st_size for p in settings.cache_dir.iterdir() if p.is_file())
    assert main(["cache", "list", "--cache-dir", str(settings.cache_dir),
                 "--downloads-json", str(ui_world.catalog_path)]) == 0
    listed = capsys.readouterr().out.splitlines()[-1]
    assert "1 unpacked tree" in listed and f", {human_size(total)} in " in listed
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.state.cache_usage is not None, what="cache measured")
        assert app.state.cache_usage == total
        header = str(app.query_one("#header", HeaderBar).render())
        assert f"({human_size(total)} incl. trees)" in header


async def test_a_history_log_that_cannot_be_written_is_notified_once(ui_world: UiWorld) -> None:
    """A state dir under a regular file (ENOTDIR, as a read-only one whatever our rights)."""
    blocker = ui_world.home / "state-file"
    blocker.write_text("not a directory")
    ui_world.settings.state_dir = blocker / "pytui"
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        for index in range(3):
            app.history.add("install", f"cpython-3.12.{index}", "done", "installed")
        await pilot.pause()
        said = [text for text in toast_texts(app) if "history is not kept" in text]
        assert len(said) == 1 and short_path(blocker / "pytui", ui_world.home) in said[0], said
        # The file in the way is named (the OS said "Not a directory", or "File exists" for
        # the directory it could not make).
        assert f"{short_path(blocker, ui_world.home)} is not a directory" in said[0], said


async def test_an_install_into_an_unusable_cache_dir_names_a_step_the_tui_user_can_take(
        ui_world: UiWorld) -> None:
    """The job's error ended ', or install with --no-cache', the CLI's option: the TUI has none.
    It now names the command that has it."""
    cache = ui_world.home / "not-a-dir"
    cache.write_bytes(b"precious")
    ui_world.settings = ui_world.settings.replace(cache_dir=cache)
    build = ui_world.build("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await press_install(pilot, build.key)
        await wait_for(pilot, lambda: any(j.ended for j in app.state.jobs.values()),
                       what="the install's end")
        job = next(iter(app.state.jobs.values()))
        assert job.phase == "failed"
        assert "install with --no-cache" not in job.error, job.error
        assert f"or `pytui install --no-cache {build.key}`" in job.error, job.error
    assert cache.read_bytes() == b"precious"
