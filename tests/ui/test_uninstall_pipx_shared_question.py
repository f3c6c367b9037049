"""The TUI's uninstall question on the Python of pipx's shared libraries venv: no "Breaks"
(pipx rebuilds that venv by itself, core/environment.rebuilt_by_pipx) but a line saying so; an
app venv on it, or pipx's default Python being that install, still breaks. Decided on the app
state, no Pilot (tests/test_pipx_shared_uninstall.py has the CLI and pipx's checked behaviour)."""

from __future__ import annotations

import pytest
from pytui.app import decisions as d
from pytui.app import uninstall_decisions as du
from pytui.core.environment import Environment
from view_state import OLD, a_state, an_installation


def _lines(state, key: str) -> list[str]:
    asked = du.decide_uninstall(state, "installed", key)
    assert isinstance(asked, d.Confirm)
    return [line.text for line in asked.lines]


def test_the_question_says_pipx_rebuilds_its_shared_venv(tmp_path, builds,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPX_DEFAULT_PYTHON", "/nowhere/python3")
    state = a_state(tmp_path, *builds.values())
    old = builds[OLD]
    state.installations.append(an_installation(tmp_path, old))
    shared = tmp_path / "pipx" / "shared"
    state.environments = [Environment(shared, "pipx-shared", old.key, "patch", "ok")]
    lines = _lines(state, old.key)
    assert not any(text.startswith("Breaks") for text in lines), lines
    assert any(text.startswith("pipx's shared libraries venv ") and text.endswith(
        "uses it: pipx rebuilds it on its default Python at its next install or upgrade.")
        for text in lines), lines
    # pipx's default Python is that install: nothing to rebuild on, so it breaks.
    monkeypatch.setenv("PIPX_DEFAULT_PYTHON", str(state.settings.install_root / old.key / "bin" / "python3"))
    lines = _lines(state, old.key)
    assert "Breaks 1 environment:" in lines and not any(t.startswith("pipx's shared") for t in lines), lines
    # An app of pipx on it breaks whatever pipx's default is.
    monkeypatch.setenv("PIPX_DEFAULT_PYTHON", "/nowhere/python3")
    state.environments.append(Environment(tmp_path / "pipx" / "venvs" / "black", "pipx", old.key, "patch", "ok"))
    lines = _lines(state, old.key)
    assert "Breaks 1 environment:" in lines and any(t.startswith("pipx's shared") for t in lines), lines


def test_u_on_the_python_pytui_runs_on_is_refused(tmp_path, builds, monkeypatch: pytest.MonkeyPatch) -> None:
    """pytui as a uv tool on that install: `u` said `Breaks 1 environment` and a yes removed
    the Python pytui runs on (its next start: `cannot execute: required file not found`); now it
    refuses as `pytui uninstall` does, --force or not (tests/test_uninstall_own_python.py)."""
    import sys

    state = a_state(tmp_path, *builds.values())
    old = builds[OLD]
    state.installations.append(an_installation(tmp_path, old))
    tool = tmp_path / "uv-tools" / "pytui-pbs"
    tool.mkdir(parents=True)
    state.environments = [Environment(tool, "uv-tool", old.key, "patch", "ok")]
    assert "Breaks 1 environment:" in _lines(state, old.key)  # another pytui's tool: asked
    monkeypatch.setattr(sys, "prefix", str(tool))
    refused = du.decide_uninstall(state, "installed", old.key)
    assert isinstance(refused, d.Refuse), refused
    assert refused.message.startswith(f"uninstalling {old.key} would remove the Python this pytui runs on "
                                      f"(uv tool pytui-pbs, {tool}), and `pytui` would not start again; "
                                      "nothing is removed"), refused.message


def test_the_question_says_the_pipx_on_path_runs_on_it(tmp_path, builds, monkeypatch: pytest.MonkeyPatch) -> None:
    """pipx in a venv outside the scanned dirs on that install (tests/test_uninstall_pipx_itself.py
    has the CLI's refusal): the question said nothing of it, and a yes left pipx failing."""
    import os

    state = a_state(tmp_path, *builds.values())
    old = builds[OLD]
    state.installations.append(an_installation(tmp_path, old))
    state.environments = []
    home = state.settings.install_root / old.key / "bin"  # what the venv's home names
    home.mkdir(parents=True)
    (home / "python3.12").write_text("")
    venv = tmp_path / "opt" / "pipx"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = {home}\nversion_info = 3.12.7\n")
    (venv / "bin" / "pipx").write_text(f"#!{venv / 'bin' / 'python'}\nimport pipx\n")
    (venv / "bin" / "pipx").chmod(0o755)
    monkeypatch.setenv("PATH", f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("PIPX_DEFAULT_PYTHON", raising=False)
    assert "Breaks pipx: the pipx on PATH (~/opt/pipx/bin/pipx) runs on it, and every pipx command would fail." \
        in _lines(state, old.key)
    monkeypatch.setenv("PATH", os.defpath)
    assert not any(text.startswith("Breaks pipx") for text in _lines(state, old.key))
