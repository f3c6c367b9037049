"""What the environment scan ignored is said in the TUI too. `pytui envs` prints each of the
scan's warnings (a relative scan path, one that is not a directory, an `envs-scan.bin` that is
a FIFO or damaged); the TUI, which scans at start for the Installed pane's `Used by`, dropped
them: it started and said nothing of what it ignored. Now the first scan that meets them says
them in one warning notification (the first, and how many more), History keeps each, and a
rescan that meets the same ones again says nothing new."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytui.app.state import AppState
from pytui.core.platform_detect import HostPlatform
from pytui.core.settings import Settings
from pytui.widgets.format import short_path
from ui_helpers import UiWorld, ready, toast_texts, wait_for

TITLE = "Environments"


def _said(app) -> list[str]:
    return toast_texts(app, lambda n: n.title == TITLE)


async def test_what_the_scan_ignored_is_said_once_at_start(ui_world: UiWorld, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    projects = tmp_path / "code"
    projects.mkdir()
    missing = tmp_path / "gone"
    monkeypatch.setenv("PYTUI_SCAN_PATHS", f"relative/dir:{projects}:{missing}")
    ui_world.settings = Settings.resolve(downloads_json=str(ui_world.catalog_path))
    state = ui_world.settings.state_dir
    state.mkdir(parents=True, exist_ok=True)
    os.mkfifo(state / "envs-scan.bin")
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.state.environments is not None and not app.state.envs_scanning,
                       what="the first environment scan")
        await wait_for(pilot, lambda: _said(app), what="a notification of what the scan ignored")
        said = _said(app)
        assert len(said) == 1, said
        line = said[0]
        assert line.startswith("ignored scan path 'relative/dir' from PYTUI_SCAN_PATHS: not an absolute path"), line
        assert line.endswith(" (and 2 more; H lists them)"), line
        logged = [e.message for e in app.history.entries if e.title == "environments" and e.outcome == "warning"]
        assert any(f"{short_path(state / 'envs-scan.bin', ui_world.home)}: not a regular file" in m for m in logged), logged
        assert any(f"scan path {missing} is not a directory; skipped" in m for m in logged), logged
        assert len(logged) == 3, logged
        # A rescan meets the scan paths' problems again: nothing new is said.
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("r")
        await wait_for(pilot, lambda: not app.state.envs_scanning, what="the rescan")
        await pilot.pause()
        assert len(_said(app)) == 1 and len([e for e in app.history.entries
                                             if e.title == "environments" and e.outcome == "warning"]) == 3


def test_each_scan_warning_is_new_once(tmp_path: Path) -> None:
    """The rule (no Textual): a warning is new the first time a scan of the session reports it."""
    state = AppState(Settings.resolve(), HostPlatform(os="linux", arch="x86_64", libc="gnu"), tmp_path)
    assert state.set_environments([], partial=False, note="", warnings=["a", "b"]) == ["a", "b"]
    assert state.set_environments([], partial=False, note="", warnings=["b", "c"]) == ["c"]
    assert state.set_environments([], partial=False, note="", failed=True, warnings=["c", "d"]) == ["d"]


async def test_a_scan_that_fails_at_start_is_said_once(ui_world: UiWorld) -> None:
    """A scan that fails at start failed in silence (History only, and the Environments view once
    opened); it is now said once. Its failure here: PYTUI_SCAN_BUDGET=abc put into the settings'
    environment after they were resolved (Settings.resolve refuses it at start, as `pytui` does;
    the scan reads it again), standing in for any error a scan raises."""
    settings = Settings.resolve(downloads_json=str(ui_world.catalog_path))
    settings.env = {**settings.env, "PYTUI_SCAN_BUDGET": "abc"}
    ui_world.settings = settings
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.state.envs_failed, what="the failed scan")
        await wait_for(pilot, lambda: _said(app), what="its notification")
        assert _said(app) == ["the environment scan failed: invalid value for environment variable "
                              "PYTUI_SCAN_BUDGET: `abc` (expected seconds, more than 0 and at most "
                              "600); fix or unset PYTUI_SCAN_BUDGET"]
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("r")
        await wait_for(pilot, lambda: not app.state.envs_scanning, what="the rescan")
        await pilot.pause()
        assert len(_said(app)) == 1
