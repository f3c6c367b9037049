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
