"""`pytui envs` on a venv whose interpreter is a symbolic link that goes nowhere: two venvs
whose `bin/python` links name each other (a loop), and one whose link names a file that is
gone. Each is broken and says what its interpreter is, not that it `does not exist` (the link
is there: `ls` shows it, and removing the link or the venv is the way out), in bounded time."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cli_harness import Pytui


def _venv(path: Path, python_target: str) -> None:
    (path / "bin").mkdir(parents=True)
    (path / "pyvenv.cfg").write_text(f"home = {path / 'bin'}\nversion_info = 3.12.8\n")
    os.symlink(python_target, path / "bin" / "python")


def test_an_interpreter_link_loop_is_named_as_one(pytui: Pytui, tmp_path: Path) -> None:
    top = tmp_path / "projects"
    a, b, gone = top / "a" / ".venv", top / "b" / ".venv", top / "c" / ".venv"
    _venv(a, str(b / "bin" / "python"))
    _venv(b, str(a / "bin" / "python"))
    _venv(gone, "/nonexistent/python3.12")
    result = pytui.run("envs", "--json", "--scan", str(top))
    assert result.returncode == 0, str(result)
    errors = {Path(env["path"]).parent.name: env["error"] for env in json.loads(result.stdout)}
    assert errors["a"] == f"wanted {a / 'bin' / 'python'}, a symbolic link loop (through {b / 'bin' / 'python'})", errors
    assert errors["b"] == f"wanted {b / 'bin' / 'python'}, a symbolic link loop (through {a / 'bin' / 'python'})", errors
    assert errors["c"] == (f"wanted {gone / 'bin' / 'python'}, a symbolic link to /nonexistent/python3.12, "
                           "which does not exist"), errors
    text = pytui.run("envs", "--scan", str(top))
    assert "symbolic link loop" in text.stdout and "Traceback" not in text.stderr, str(text)


def test_a_home_through_a_directory_loop_is_one_line(pytui: Pytui, tmp_path: Path) -> None:
    """`home` through a directory link that names itself: no link to read at the interpreter's
    name (the path does not resolve), said as a path that does not exist."""
    top = tmp_path / "projects"
    venv = top / "d" / ".venv"
    venv.mkdir(parents=True)
    os.symlink("loop", top / "d" / "loop")
    (venv / "pyvenv.cfg").write_text(f"home = {top / 'd' / 'loop' / 'bin'}\n")
    result = pytui.run("envs", "--json", "--scan", str(top))
    assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)
    [env] = json.loads(result.stdout)
    assert env["error"] == f"wanted {top / 'd' / 'loop' / 'bin' / 'python3'}, which does not exist", env
