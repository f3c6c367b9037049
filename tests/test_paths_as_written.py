"""A directory or catalog named with a literal `~` (quoted, so no shell expanded it) is used as
written, as uv uses it: `UV_PYTHON_INSTALL_DIR='~/x'` is `./~/x` for both tools. pytui expanded
it to `$HOME/x`, a root uv never looked in: each tool's installs were invisible to the other."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui


def _uv() -> str:
    uv = os.path.join(os.path.dirname(sys.executable), "uv")
    if not os.path.exists(uv):
        pytest.skip("uv is not installed beside the test interpreter")
    return uv


def _out(argv: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (argv, done.stdout, done.stderr)
    return done.stdout.strip()


@pytest.mark.uv
@pytest.mark.parametrize(("variable", "pytui_args", "uv_args"), [
    ("UV_PYTHON_INSTALL_DIR", ["dir"], ["python", "dir"]),
    ("UV_PYTHON_BIN_DIR", ["dir", "--bin"], ["python", "dir", "--bin"]),
])
def test_a_literal_tilde_names_the_directory_uv_names(pytui: Pytui, tmp_path: Path, variable: str,
                                                      pytui_args: list[str], uv_args: list[str]) -> None:
    uv = _uv()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = pytui.env(HOME=str(tmp_path / "home"), UV_NO_CONFIG="1", **{variable: "~/x"})
    ours = _out(pytui.argv(*pytui_args), env, cwd)
    assert ours == str(cwd / "~" / "x")
    # uv prints the value as given; it means the same directory from `cwd`.
    assert (cwd / _out([uv, *uv_args], env, cwd)).absolute() == Path(ours)


@pytest.mark.uv
def test_an_install_under_a_literal_tilde_is_where_uv_finds_it(pytui: Pytui, tmp_path: Path) -> None:
    uv = _uv()
    made = pytui.add("3.12.8")
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    cwd.mkdir()
    catalog = cwd / "~" / "catalog.json"  # the catalog too: `~/catalog.json` from `cwd`
    catalog.parent.mkdir()
    catalog.write_bytes(pytui.catalog.read_bytes())
    env = pytui.env(HOME=str(home), UV_NO_CONFIG="1", UV_CACHE_DIR=str(tmp_path / "uv-cache"),
                    UV_PYTHON_INSTALL_DIR="~/x", UV_PYTHON_DOWNLOADS_JSON_URL="~/catalog.json")
    _out(pytui.argv("install", "3.12"), env, cwd)
    assert (cwd / "~" / "x" / made.build.key / "BUILD").is_file()
    assert not (home / "x").exists()  # not $HOME/x, as before
    # uv looks in the same root: it removes the install (listing would run the interpreter,
    # which this archive does not hold).
    _out([uv, "python", "uninstall", made.build.key], env, cwd)
    assert not (cwd / "~" / "x" / made.build.key).exists()
