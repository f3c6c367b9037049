"""Runs tests/ui/tmux_drive.py: the real `pytui` in a 120x36 tmux session, driven by keys."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("tmux_drive.py")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_pytui_in_tmux_installs_a_build() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                          timeout=180)
    if done.returncode == 77:
        pytest.skip(done.stderr.strip())
    assert done.returncode == 0, done.stdout + done.stderr
