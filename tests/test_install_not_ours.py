"""An install directory pytui cannot open (mode 700 and another user's: `sudo pytui install`
run with the user's root and a private umask) is listed, not a failure of the whole listing.

Before: `python_dir` asked `Path.is_dir` about its `install/` (an unstripped full build's
prefix), which raises EACCES there, and `pytui list` printed only "…/install: permission
denied; check that path" — no build listed at all. uv's `python_dir` (Rust's `is_dir`) is
false on any error; so is `os.path.isdir`.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cli_harness import Pytui, drop_dac_override, key_of


def test_list_shows_every_install_beside_one_it_cannot_open(pytui: Pytui) -> None:
    pytui.add("3.11.9")
    pytui.add("3.12.8")
    pytui.call("install", "3.11", "3.12")
    closed = pytui.root / key_of("3.11.9")
    os.chmod(closed, 0)
    try:
        probe = subprocess.run([sys.executable, "-c", f"import os; os.listdir({str(closed)!r})"],
                               capture_output=True,
                               preexec_fn=drop_dac_override if os.geteuid() == 0 else None)
        if probe.returncode == 0:
            pytest.skip("directory permissions are not enforced for this process")
        done = pytui.run_as_a_user("list", "--only-installed")
    finally:
        os.chmod(closed, 0o755)
    assert done.returncode == 0, str(done)
    assert "Traceback" not in done.stderr
    assert key_of("3.11.9") in done.stdout and key_of("3.12.8") in done.stdout
