"""pytui's own environment values are checked like uv's: one line naming the variable and the
value, exit 2, before the command does anything."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(("command", "name", "value"), [
    ("list", "PYTUI_MAX_ARCHIVE_BYTES", "-1"),
    ("list", "PYTUI_HTTP_SPEED_LIMIT", "abc"),
    ("list", "PYTUI_HTTP_SPEED_TIME", "nan"),
    ("envs", "PYTUI_SCAN_BUDGET", "nan"),
    ("envs", "PYTUI_SCAN_BUDGET", "-3"),
    ("envs", "PYTUI_SCAN_BUDGET", "601"),
    ("envs", "PYTUI_SCAN_BUDGET", "x" * 5000),
])
def test_a_bad_pytui_value_is_one_usage_line(command: str, name: str, value: str) -> None:
    import os

    env = dict(os.environ, **{name: value})
    done = subprocess.run([sys.executable, "-m", "pytui.app.cli", command, "--offline"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and "Traceback" not in done.stderr, done.stderr
    assert value[:40] in lines[0]
