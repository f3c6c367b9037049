"""PYTUI_IDLE_FILE (app/idle_signal.py): the event the tmux tests wait on instead of a screen
unchanged for 3 s. Said once per quiet spell, only once the startup steps and every
background thread are over."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytui.app.idle_signal import IDLE_FILE_VARIABLE, IdleSignal
from ui_helpers import UiWorld, wait_for


def test_one_line_per_quiet_spell(tmp_path: Path) -> None:
    signal = IdleSignal(tmp_path / "idle.txt")
    signal.say()
    signal.say()  # the same spell: nothing more
    assert not signal.wanted()
    signal.busy()
    assert signal.wanted()
    signal.say()
    assert (tmp_path / "idle.txt").read_text() == "quiet 1\nquiet 2\n"


def test_a_fifo_nobody_reads_is_not_waited_for(tmp_path: Path) -> None:
    """`PYTUI_IDLE_FILE` is input like any environment value: a FIFO nobody reads at that name
    must not block the TUI's thread. Before, `open(path, "a")` waited for a reader for good, at
    the app's first quiet spell (the UI froze)."""
    fifo = tmp_path / "idle"
    os.mkfifo(fifo)
    code = ("from pathlib import Path; from pytui.app.idle_signal import IdleSignal; "
            f"IdleSignal(Path({str(fifo)!r})).say()")
    # The timeout only ends a hang (the bug); the call returns at once when fixed.
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_unset_means_no_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(IDLE_FILE_VARIABLE, raising=False)
    assert IdleSignal.from_environ() is None
    monkeypatch.setenv(IDLE_FILE_VARIABLE, "")
    assert IdleSignal.from_environ() is None


async def test_quiet_is_said_after_the_startup_work(ui_world: UiWorld, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    idle = tmp_path / "idle.txt"
    monkeypatch.setenv(IDLE_FILE_VARIABLE, str(idle))
    app = ui_world.make_app()
    seen: list[tuple[bool, bool, list[str]]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        say = app._idle_signal.say

        def said() -> None:  # what the app was doing when it said it was quiet
            seen.append((app.state.disk_listed, app._startup_steps_left == 0,
                         [w.name for w in app.workers if not w.is_finished]))
            say()

        app._idle_signal.say = said
        await wait_for(pilot, idle.exists, what="the idle file")
        assert idle.read_text() == "quiet 1\n"
        assert seen[0] == (True, True, [])
        # A background thread makes the app busy; once it is over, quiet is said again.
        app.runner.scan_disk()
        await wait_for(pilot, lambda: idle.read_text().count("\n") == 2, what="quiet 2")
        assert seen[-1][1:] == (True, [])
