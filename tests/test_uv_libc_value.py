"""A UV_LIBC that names no libc is one short usage line, whatever its length (it was echoed
whole: a 100 KB value made a 100 KB line)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("value", ["glibc", "x" * 100_000, "gnu\nmusl"])
def test_a_libc_uv_does_not_know_is_one_short_line(value: str) -> None:
    env = dict(os.environ, UV_LIBC=value)
    done = subprocess.run([sys.executable, "-m", "pytui.app.cli", "list", "--offline"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: UV_LIBC=") and "is not a libc uv knows" in line, line
    assert len(line) < 300 and "Traceback" not in done.stderr
