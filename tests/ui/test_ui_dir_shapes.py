"""The TUI with an install root that is a file or a symlink to nothing: the Installed pane says it
cannot read the root and one toast says why (the path, what is there, what to do), the cache is
still listed, and the disk watch's looks (every 2 s) do not say it again. Before, the pane said
"0 interpreters" and nothing else. Removing the file lists the root again, without `r`.

A cache dir that is a symlink to a directory is used through it, as uv does: the header's size
is what the directory holds (it was the link's own 9 bytes), as `pytui cache list` totals it; a
cache dir that is a file has no size in the header (it showed the file's)."""

from __future__ import annotations

import pytest
from pytui.app import pytui_app
from pytui.app.background import CACHE_USAGE, DISK
from pytui.widgets.format import home_shortened
from pytui.widgets.header import HeaderBar
from ui_helpers import SIZE, UiWorld, ready, toast_texts, wait_for


@pytest.fixture(autouse=True)
def _look_often(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test waits on what the looks find, never on the interval.
    monkeypatch.setattr(pytui_app, "DISK_WATCH_INTERVAL", 0.05)


@pytest.mark.parametrize("shape", ["file", "dangling link"])
async def test_a_root_that_is_no_directory_is_said_once_and_the_cache_still_listed(
        ui_world: UiWorld, shape: str) -> None:
    root = ui_world.odd_root(shape)
    archive = ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.state.root_problem is not None, what="the root's problem")
        problem = app.state.root_problem
        assert str(root) in problem and "UV_PYTHON_INSTALL_DIR" in problem
        assert [a.path for a in app.state.archives] == [archive]
        assert "cannot read the install root" in str(app.query_one("#installed-pane").border_subtitle)

        def said() -> list[str]:
            return toast_texts(app, lambda n: n.severity == "error")

        assert said() == [home_shortened(problem, ui_world.home)]
        # Looks and listings go on (a listing whose times are racy is taken once more): said once.
        generation = app.runner._generation.get(DISK, 0)
        (ui_world.settings.cache_dir / "note").write_bytes(b"x")  # a change: one more listing
        await wait_for(pilot, lambda: app.runner._generation.get(DISK, 0) > generation,
                       what="a listing after a change in the cache")
        await wait_for(pilot, lambda: not app.runner.disk_listing_under_way(), what="that listing")
        assert app.state.root_problem == problem and len(said()) == 1
        root.unlink()  # the user removes the file: nothing installed, nothing more said
        await wait_for(pilot, lambda: app.state.root_problem is None, what="the root listed again")
        assert app.state.installations == [] and len(said()) == 1
        assert "0 interpreters" in str(app.query_one("#installed-pane").border_subtitle)


@pytest.mark.parametrize("shape", ["link to a directory", "file"])
async def test_the_header_measures_a_cache_dir_through_its_link_and_a_file_not_at_all(
        ui_world: UiWorld, shape: str) -> None:
    from pytui.core.cache import ArchiveCache
    from pytui.widgets.format import human_size

    cache = ui_world.home / "cache-link"
    if shape == "file":
        cache.write_bytes(b"x" * 5000)
    else:
        real = ui_world.settings.cache_dir
        ui_world.seed_cache("3.11.11")
        cache.symlink_to(real)
    ui_world.settings = ui_world.settings.replace(cache_dir=cache)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        if shape == "file":
            await wait_for(pilot, lambda: app.state.cache_problem is not None, what="the cache's problem")
            await wait_for(pilot, lambda: app.runner._generation.get(CACHE_USAGE, 0) > 0
                           and all(w.is_finished for w in app.workers if w.group == CACHE_USAGE),
                           what="the cache measured (or not)")
            assert app.state.cache_usage is None
            assert "(4.9 KiB)" not in str(app.query_one(HeaderBar).render())
            return
        await wait_for(pilot, lambda: app.state.cache_usage is not None, what="cache measured")
        archive = next(real.iterdir())
        assert app.state.cache_usage == archive.stat().st_size == ArchiveCache(cache).disk_usage()
        assert f"({human_size(archive.stat().st_size)})" in str(app.query_one(HeaderBar).render())
        assert [a.name for a in app.state.archives] == [archive.name]


@pytest.mark.parametrize("which", ["cache dir", "install root"])
async def test_a_chmod_alone_is_noticed_without_r(ui_world: UiWorld, which: str) -> None:
    """`chmod 000` then `chmod 755` changes the directory's mode (and ctime), not its mtime: the
    stamp carries the mode, so the pane says it cannot read the directory and then lists it
    again. Root ignores permission bits: the app runs without CAP_DAC_OVERRIDE, as a user would."""
    import stat

    from fixtures_fs import without_dac_override

    archive = ui_world.seed_cache("3.11.11")
    if which == "cache dir":
        directory = archive.parent
    else:
        directory = ui_world.settings.install_root
        directory.mkdir(parents=True, exist_ok=True)

    def problem() -> str | None:
        return app.state.cache_problem if which == "cache dir" else app.state.root_problem

    mode = stat.S_IMODE(directory.stat().st_mode)
    try:
        with without_dac_override():
            app = ui_world.make_app()
            async with app.run_test(size=SIZE) as pilot:
                await ready(pilot)
                await wait_for(pilot, lambda: [a.path for a in app.state.archives] == [archive],
                               what="the archive listed")
                assert problem() is None
                directory.chmod(0)
                await wait_for(pilot, lambda: "permission denied" in (problem() or ""),
                               what=f"the unreadable {which} said")
                directory.chmod(mode)
                await wait_for(pilot, lambda: problem() is None
                               and [a.path for a in app.state.archives] == [archive],
                               what=f"the {which} listed again after chmod back")
    finally:
        directory.chmod(mode)
