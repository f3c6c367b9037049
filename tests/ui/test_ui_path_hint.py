"""After an install, the TUI says once what `pytui install` and uv say after theirs when the bin
dir is not on PATH: `~/.local/bin` holds `python3.13` now, and a first-time user's
`python3.13` in another shell found nothing, with no word why. Once a session (every install
would say it again), in the install's own toast, whole (a `~` inside the quoted `export PATH="…"` would not expand)."""

from __future__ import annotations

import os

from ui_helpers import UiWorld, press_install, ready, toast_texts, wait_for

PATH_LINE = "is not on your PATH"


def _path_toasts(app) -> list[str]:
    return [said for said in toast_texts(app) if PATH_LINE in said]


async def _install(pilot, world: UiWorld, version: str) -> None:
    app = pilot.app
    key = world.build(version).key
    await press_install(pilot, key)
    await wait_for(pilot, lambda: any(job.key == key and job.phase == "done"
                                      for job in app.state.jobs.values()), what=f"{version} installed")
    await pilot.pause()


async def test_an_install_says_once_that_the_bin_dir_is_not_on_path(ui_world: UiWorld) -> None:
    env = {**ui_world.settings.env, "PATH": "/usr/bin:/bin", "SHELL": "/bin/bash"}
    ui_world.settings = ui_world.settings.replace(env=env)
    bin_dir = ui_world.settings.bin_dir
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        await _install(pilot, ui_world, "3.13.1")
        assert (bin_dir / "python3.13").is_symlink()
        # In the install's own toast: two show at once, and a third pushed out the one before.
        # The command it made is named, as `pytui install` names it: ` + key (python3.13)`.
        assert _path_toasts(app) == [f"Installed {ui_world.build('3.13.1').key} (python3.13). "
                                     f"`{bin_dir}` is not "
                                     "on your PATH. To use installed Python executables, run "
                                     f'`export PATH="{bin_dir}:$PATH"`.']
        assert any(PATH_LINE in entry.message for entry in app.history.entries)
        await _install(pilot, ui_world, "3.11.11")
        # Once a session: History, which keeps every notification, has it once. (Counting the
        # toasts on screen waited on time: the first fades after its seconds, and at load 13-16
        # the second install took longer, so none was left; newuser37.)
        assert sum(PATH_LINE in entry.message for entry in app.history.entries) == 1, app.history.entries
        assert len(_path_toasts(app)) <= 1


async def test_nothing_is_said_when_the_bin_dir_is_on_path(ui_world: UiWorld) -> None:
    bin_dir = ui_world.settings.bin_dir
    env = {**ui_world.settings.env, "PATH": f"{bin_dir}{os.pathsep}/usr/bin"}
    ui_world.settings = ui_world.settings.replace(env=env)
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        await _install(pilot, ui_world, "3.13.1")
        assert (bin_dir / "python3.13").is_symlink() and _path_toasts(app) == []


async def test_no_path_hint_after_an_install_another_process_made_meanwhile(ui_world: UiWorld,
                                                                            tmp_path) -> None:
    # uv installed the build (and its python3.12) while the job downloaded it; the job said
    # "installed meanwhile …; nothing more to do" and then "… is not on your PATH", though it
    # linked nothing: uv says that after installing executables only (newuser31).
    import subprocess
    import sys
    from pathlib import Path

    import pytest

    uv = Path(sys.executable).parent / "uv"
    if not uv.exists():
        pytest.skip(f"uv is not installed beside {sys.executable}")
    env = {**ui_world.settings.env, "PATH": "/usr/bin:/bin", "SHELL": "/bin/bash"}
    ui_world.settings = ui_world.settings.replace(env=env)
    bin_dir = ui_world.settings.bin_dir
    uv_env = {**ui_world.uv_env(tmp_path), "UV_PYTHON_BIN_DIR": str(bin_dir)}
    key = ui_world.build("3.12.8").key  # trickles for some 6 s
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        await press_install(pilot, key)
        job = next(j for j in app.state.jobs.values() if j.key == key)
        await wait_for(pilot, lambda: job.phase == "download" and job.done, what="the download under way")
        other = subprocess.Popen([str(uv), "python", "install", key], env=uv_env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            await wait_for(pilot, lambda: other.poll() is not None, timeout=90, what="uv's install")
        finally:
            if other.poll() is None:
                other.kill()
        assert other.returncode == 0, other.stderr.read() if other.stderr else ""
        await wait_for(pilot, lambda: job.phase == "done", timeout=60, what=f"the job: {job.phase}")
        await pilot.pause()
        assert "installed meanwhile" in job.summary, job.summary
        assert (bin_dir / "python3.12").is_symlink()
        assert _path_toasts(app) == [] and not any(PATH_LINE in e.message for e in app.history.entries)
