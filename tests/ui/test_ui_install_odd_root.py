"""`i` in the TUI with an install root that is a file or a symlink to nothing: the job's line is
the CLI's one line (core/installed.root_shape_problem: the path, what is there, what to do),
and the file, the link and the cache are left as they were."""

from __future__ import annotations

import pytest
from cli_harness import snapshot
from pytui.core.installed import root_shape_problem
from ui_helpers import SIZE, UiWorld, press_install, ready, wait_for


@pytest.mark.parametrize("shape", ["file", "dangling link"])
async def test_an_install_into_a_root_that_is_no_directory_says_the_clis_line(
        ui_world: UiWorld, shape: str) -> None:
    root = ui_world.odd_root(shape)
    ui_world.seed_cache("3.11.11")
    cache_before = snapshot(ui_world.settings.cache_dir)
    app = ui_world.make_app()
    key = ui_world.build("3.11.11").key
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.state.root_problem is not None, what="the root's problem")
        await press_install(pilot, key)
        await wait_for(pilot, lambda: any(job.ended for job in app.state.jobs.values()),
                       what="the install job ended")
        job = next(iter(app.state.jobs.values()))
        assert job.phase == "failed", (job.phase, job.error)
        problem = root_shape_problem(root)
        # As `pytui install` says it (after `error: `); it read "cannot create the install
        # root …: it is not a directory" (a symlink to nothing: "File exists").
        assert problem is not None and job.error == problem, job.error
    assert snapshot(ui_world.settings.cache_dir) == cache_before
    if shape == "file":
        assert root.read_bytes() == b"precious"
    else:
        assert root.is_symlink() and not (ui_world.home / "nowhere").exists()
