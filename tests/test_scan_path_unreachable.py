"""A scan path (HOME, --scan) that is a symlink loop was warned `is not a directory`; it is
said with its cause, as a missing one or a file keep their line."""

from __future__ import annotations

import os
from pathlib import Path

from cli_harness import Pytui


def test_a_home_that_is_a_symlink_loop_is_said_as_one(pytui: Pytui) -> None:
    loop = pytui.tmp / "loop"
    os.symlink(loop.name, loop)
    done = pytui.run("envs", "--rescan", HOME=str(loop))
    assert done.returncode == 0, str(done)
    assert (f"warning: scan path {loop} cannot be read (too many levels of symbolic links); "
            "skipped") in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_scan_path_keeps_its_line(pytui: Pytui) -> None:
    missing = Path(pytui.tmp / "nope")
    done = pytui.run("envs", "--rescan", "--scan", str(missing))
    assert f"warning: scan path {missing} is not a directory; skipped" in done.stderr, done.stderr
