"""`WORKON_HOME` is read as virtualenvwrapper reads it (`virtualenvwrapper_derive_workon_home` in
virtualenvwrapper.sh, 6.1 from PyPI): a relative value is under the home directory, not the
working directory ("If the path is relative, prefix it with $HOME"), and `~` and `$VAR` in it
are expanded (`virtualenvwrapper_expandpath`: expandvars, then expanduser, then normpath).

With the lazy loader (`virtualenvwrapper_lazy.sh`) a shell keeps WORKON_HOME as written until
the first `workon` in that shell, so pytui sees `WORKON_HOME=envs` as written: it looked in
`./envs`, found none of the venvs in `~/envs`, and `pytui uninstall` removed the Python they
ran without a word.

PIPX_HOME is read as pipx reads it, `~` expanded (its test is at the end).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_harness import Pytui
from envs_helpers import make_venv


@pytest.mark.parametrize(("value", "expected"), [
    ("envs", "~/envs"),
    ("envs/../work", "~/work"),
    ("~/envs", "~/envs"),
    ("~", "~"),
    ("/abs//envs/", "/abs/envs"),
    ("/abs/$PYTUI_TEST_WORKON/x", "/abs/sub/x"),
    ("/abs/${PYTUI_TEST_WORKON}", "/abs/sub"),
    ("/abs/$PYTUI_NO_SUCH_VARIABLE", "/abs/$PYTUI_NO_SUCH_VARIABLE"),
    # Not `/` or `~` first, so the script puts `$HOME/` before it, then expands both: a quoted
    # '$HOME/envs' is `~/<the home again>/envs` for virtualenvwrapper (a shell-expanded one is
    # absolute).
    ("$PYTUI_TEST_WORKON/envs", "~/sub/envs"),
    ("$HOME/envs", "~/HOME/envs"),
    ("", "~/.virtualenvs"),
])
def test_workon_home_is_virtualenvwrappers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           value: str, expected: str) -> None:
    from pytui.core.env_places import workon_home

    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    env = {"HOME": str(home), "WORKON_HOME": value, "PYTUI_TEST_WORKON": "sub"}
    want = expected.replace("HOME", str(home).lstrip("/")).replace("~", str(home))
    assert workon_home(env) == Path(want)


def test_pytui_envs_finds_the_venvs_of_a_relative_workon_home(pytui: Pytui) -> None:
    home = Path(os.environ["HOME"])
    make_venv(home / "envs" / "work")
    # The working directory (pytui.tmp) is not the home: `./envs` does not exist.
    assert pytui.tmp != home and not (pytui.tmp / "envs").exists()
    nothing = pytui.tmp / "no-projects"
    nothing.mkdir()
    result = pytui.run("envs", "--json", "--rescan", "--scan", str(nothing), WORKON_HOME="envs")
    assert result.returncode == 0, str(result)
    rows = {row["path"]: row for row in json.loads(result.stdout)}
    assert str(home / "envs" / "work") in rows, rows
    assert rows[str(home / "envs" / "work")]["kind"] == "virtualenvwrapper"


@pytest.mark.parametrize(("value", "expected"), [
    ("~/px", "HOME/px"),
    ("px", "CWD/px"),
    ("~", "HOME"),
    ("/abs/px", "/abs/px"),
])
def test_pipx_home_is_pipxs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, expected: str) -> None:
    # pipx 1.18.4 (paths.get_expanded_environ): Path(PIPX_HOME).expanduser().absolute(): `~`
    # expanded, unlike uv's UV_TOOL_DIR (tests/test_tool_dir_as_uv.py); a relative one is from
    # the working directory. Checked with the real pipx: PIPX_HOME='~/pxh' pipx install . made
    # $HOME/pxh/venvs/pytui-pbs, which `pytui envs` lists.
    from pytui.core.env_places import pipx_homes

    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    want = expected.replace("HOME", str(home)).replace("CWD", str(tmp_path))
    assert pipx_homes({"PIPX_HOME": value}) == [Path(want)]
