"""pipx's shared libraries venv (`PIPX_HOME/shared`, or `PIPX_SHARED_LIBS`) is pipx's own, not
an app's: checked with pipx 1.18.4 from PyPI in a throwaway PIPX_HOME, `pipx list` does not
name it; pipx (paths.py) takes `PIPX_SHARED_LIBS` instead of `PIPX_HOME/shared` when it is set
(`~` expanded, a relative one from the working directory, the result resolved); when its Python
is gone pipx rebuilds it at its next install, upgrade or reinstall on its *default* Python
(PIPX_DEFAULT_PYTHON, else pipx's own interpreter), whatever `--python` says: `pipx
reinstall-all --python …/python3.13` rebuilt it on pipx's 3.11. `PIPX_DEFAULT_PYTHON=X pipx
upgrade-shared` rebuilt it on X and touched no app.

Before: it was listed as a pipx app named `shared` (kind `pipx`), its mend `pipx reinstall-all
--python …` (which rebuilds it on another Python), `PIPX_SHARED_LIBS` was not read (the venv
pipx uses was not listed, so an uninstall broke it unwarned) and an app venv that happens to be
named `shared` got the shared venv's mend."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cli_harness import Pytui
from envs_helpers import make_venv


def _kinds(pytui: Pytui, **env: str) -> dict[str, str]:
    nothing = pytui.tmp / "no-projects"
    nothing.mkdir(exist_ok=True)
    result = pytui.run("envs", "--json", "--rescan", "--scan", str(nothing), **env)
    assert result.returncode == 0, str(result)
    return {row["path"]: row["kind"] for row in json.loads(result.stdout)}


def test_pipxs_shared_venv_is_its_own_kind(pytui: Pytui) -> None:
    pipx = pytui.tmp / "pipx"
    make_venv(pipx / "venvs" / "black")
    make_venv(pipx / "venvs" / "shared")  # an app of that name
    make_venv(pipx / "shared")
    assert _kinds(pytui, PIPX_HOME=str(pipx)) == {
        str(pipx / "venvs" / "black"): "pipx", str(pipx / "venvs" / "shared"): "pipx",
        str(pipx / "shared"): "pipx-shared"}


def test_pipx_shared_libs_is_followed(pytui: Pytui) -> None:
    home = Path(os.environ["HOME"])
    pipx = pytui.tmp / "pipx"
    make_venv(pipx / "venvs" / "black")
    make_venv(pipx / "shared")  # not pipx's while PIPX_SHARED_LIBS names another
    make_venv(home / "libs")
    assert _kinds(pytui, PIPX_HOME=str(pipx), PIPX_SHARED_LIBS="~/libs") == {
        str(pipx / "venvs" / "black"): "pipx", str(home / "libs"): "pipx-shared"}


def test_pipx_shared_libs_in_a_scanned_project_is_listed_once(pytui: Pytui) -> None:
    project = pytui.tmp / "work"
    make_venv(project / "pipx-libs")
    result = pytui.run("envs", "--json", "--rescan", "--scan", str(project),
                       PIPX_HOME=str(pytui.tmp / "pipx"), PIPX_SHARED_LIBS=str(project / "pipx-libs"))
    assert result.returncode == 0, str(result)
    rows = [(row["path"], row["kind"]) for row in json.loads(result.stdout)]
    assert rows == [(str(project / "pipx-libs"), "pipx-shared")]
