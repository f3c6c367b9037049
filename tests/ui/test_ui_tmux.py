"""Runs tests/ui/tmux_drive.py: the real `pytui` in a tmux session, driven by keys — an
install at 120x36, a resize through 80x24, 120x36 and 200x50 while a job runs, and a cancel
and a quit while the mirror never answers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("tmux_drive.py")


def _drive(*args: str) -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=300)
    if done.returncode == 77:
        pytest.skip(done.stderr.strip())
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_pytui_in_tmux_installs_a_build() -> None:
    _drive()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_pytui_in_tmux_refits_while_a_job_runs() -> None:
    """Header, footer, whole keys and the job row at each size, after wider and narrower."""
    _drive("--scenario", "resize")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_pytui_in_tmux_cancels_and_quits_while_the_mirror_never_answers() -> None:
    """At 80x24, a read timeout of an hour: `c` settles the row, the build installs again
    once the mirror answers, and `q` ends the process while another install is stuck."""
    _drive("--scenario", "stuck")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_pytui_in_tmux_leaves_no_trace_of_a_toast_after_a_layout_change() -> None:
    """At 40x12, `4` under a toast: once it had gone its text stayed on four rows."""
    _drive("--scenario", "toast")
