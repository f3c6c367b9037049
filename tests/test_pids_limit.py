"""pytui in a container at its pids limit (a cgroup's `pids.max`, which binds root too): no
thread can start. An install says so in one line (no traceback), exit 1, and the root, the
bin dir and the cache stay as they were."""

from __future__ import annotations

import subprocess
from pathlib import Path

from cli_harness import Pytui, Result, assert_clean_failure, snapshot


def test_an_install_that_cannot_start_a_thread_says_so_in_one_line(pytui: Pytui, one_task_cgroup: Path) -> None:
    pytui.add("3.12.8")
    pytui.add("3.13.1")
    pytui.call("install", "3.12")
    before = snapshot(pytui.root, pytui.bin, pytui.cache)
    argv = ["sh", "-c", f'echo $$ > {one_task_cgroup}/cgroup.procs && exec "$@"', "sh",
            *pytui.argv("install", "3.13")]
    done = subprocess.run(argv, env=pytui.env(), capture_output=True, text=True, timeout=60, cwd=pytui.tmp)

    line = assert_clean_failure(Result(["install", "3.13"], done.returncode, done.stdout, done.stderr))
    assert "cannot start a thread" in line and "pids limit" in line, line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before
