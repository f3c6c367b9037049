"""Ctrl-C during `pytui envs`'s scan says what it stopped and what running it again does (it
said `error: interrupted` alone), exit 130 as every command, in app/interrupted.py's words; the
stored scan is as it was. A real SIGINT to a real `pytui envs` process, sent once the process
stands in the walk (tests/step_hook.py pauses it there and says so: an event, not a time)."""

from __future__ import annotations

import signal

from cli_harness import Pytui, snapshot
from envs_helpers import make_venv
from pytui.app.interrupted import EXIT_CODE, scan_line
from step_hook import paused_at


def test_ctrl_c_in_the_scan_says_what_it_stopped(pytui: Pytui) -> None:
    tree = pytui.tmp / "code"
    for name in ("one", "two", "three"):
        make_venv(tree / name / ".venv")
    first = pytui.run("envs", "--scan", str(tree))
    assert first.returncode == 0 and "3 environments" in first.stderr, str(first)
    state = pytui.run("dir", "--state")
    state_dir = state.stdout.strip()
    before = snapshot(state_dir)

    proc = paused_at(pytui, "pytui.core.envwalk.walk", "envs", "--rescan", "--scan", str(tree))
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == EXIT_CODE, err
    assert (out, err) == ("", f"error: {scan_line()}\n")
    assert snapshot(state_dir) == before


def test_ctrl_c_in_upgrades_scan_says_the_same_and_installs_nothing(pytui: Pytui) -> None:
    """`pytui upgrade` scans the environments before it installs (who follows, who stays
    pinned): a Ctrl-C there is the same line, and nothing was installed."""
    pytui.add("3.12.7")
    pytui.call("install", "3.12.7")
    pytui.add("3.12.8")
    tree = pytui.tmp / "code"
    make_venv(tree / "one" / ".venv")
    before = snapshot(pytui.root, pytui.bin, pytui.cache)
    proc = paused_at(pytui, "pytui.core.envwalk.walk", "upgrade", "--scan", str(tree))
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == EXIT_CODE, err
    assert (out, err) == ("", f"error: {scan_line()}\n")
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before
