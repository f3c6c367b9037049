"""A path read from a hostile file is cut in its error line: a `pyvenv.cfg` whose `home` is
thousands of characters made `pytui envs` print a 4,000-character line. The line keeps the path's
start and its end (the interpreter's name); `--json` keeps the whole path as data."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cli_harness import Pytui
from pytui.core.elide import ERROR_PATH_CHARS, path_for_line

LONG_HOME = "/a" * 3000


def test_a_long_path_keeps_its_start_and_end_in_an_error_line() -> None:
    path = LONG_HOME + "/python3.11"
    shown = path_for_line(path)
    assert len(shown) <= ERROR_PATH_CHARS and "…" in shown
    assert shown.startswith("/a/a/") and shown.endswith("/python3.11")
    assert path_for_line("/usr/bin/python3") == "/usr/bin/python3"


def test_envs_cuts_a_long_home_in_its_line_and_keeps_it_whole_in_json(pytui: Pytui) -> None:
    env = Path(os.environ["HOME"]) / "proj" / ".venv"
    env.mkdir(parents=True)
    (env / "pyvenv.cfg").write_text(f"home = {LONG_HOME}\nversion_info = 3.12.8\n")
    result = pytui.run("envs", "--rescan")
    assert result.returncode == 0, str(result)
    line = next(line for line in result.stdout.splitlines() if line.startswith(str(env)))
    assert "broken: wanted /a/a/" in line and "which does not exist" in line
    assert len(line) < len(str(env)) + 60 + ERROR_PATH_CHARS, line
    rows = json.loads(pytui.run("envs", "--json").stdout)
    row = next(r for r in rows if r["path"] == str(env))
    assert row["wanted"].startswith(LONG_HOME[:1000]) and "…" not in row["wanted"]


def test_envs_warnings_cut_a_long_state_dir_and_scan_path(pytui: Pytui) -> None:
    """attacker30: a 6,000-character XDG_STATE_HOME or --scan path was printed whole in each
    warning (`ignored …/envs-quick.json: …`, `scan path … is not a directory`) and in the
    answer's `looked in …`."""
    long_dir = str(pytui.tmp) + "/d" * 3000
    result = pytui.run("envs", "--scan", long_dir, XDG_STATE_HOME=long_dir)
    assert result.returncode == 0, str(result)
    lines = result.stderr.splitlines()
    assert any("ignored " in line for line in lines) and any("scan path " in line for line in lines), lines
    assert all(len(line) < 200 + 2 * ERROR_PATH_CHARS for line in lines), [len(line) for line in lines]
