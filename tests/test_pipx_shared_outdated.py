"""`pytui uninstall --outdated` kept an outdated install that only pipx's shared libraries venv
used, where a plain `pytui uninstall` of it warns and goes on (57de6bb: pipx rebuilds that venv
by itself on its default Python). --outdated now follows the same rule: the install goes, with
the same warning line; it is kept while pipx's default Python is in it (pipx would have nothing
to rebuild on). The TUI's outdated rule (app/purge_plan.outdated_plan) says the warning in its
note.

With a real pipx (pipx 1.18.4, a test dependency) in throwaway PIPX_HOME / PIPX_BIN_DIR dirs and
a real interpreter (this Python's prefix as a PBS build): pipx makes its shared venv on the
outdated install (no network: its pip upgrade fails, exit 1, the venv made), --outdated removes
that install, `pipx list` still works, and `pipx upgrade-shared` rebuilds the venv on pipx's
default Python. The removal test fails before (the install was kept)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui, key_of
from fixtures_archives import make_prefix_archive

pytest.importorskip("pipx", reason="pipx is a test dependency (pip install -e '.[test]')")

# This Python itself, outside the install root: pipx's default Python where the test says so.
OUTSIDE = os.path.realpath(sys.base_prefix + f"/bin/python{sys.version_info[0]}.{sys.version_info[1]}")


def _pipx(pytui: Pytui, *args: str, default: str) -> subprocess.CompletedProcess[str]:
    """Real pipx on this test's dirs; PIP_NO_INDEX: no network, as the suite runs."""
    env = pytui.env(**_pipx_env(pytui, default), PIP_NO_INDEX="1")
    return subprocess.run([sys.executable, "-m", "pipx", *args], env=env, capture_output=True,
                          text=True, timeout=300, cwd=pytui.tmp)


def _pipx_env(pytui: Pytui, default: str) -> dict[str, str]:
    return {"PIPX_HOME": str(pytui.tmp / "pipx"), "PIPX_BIN_DIR": str(pytui.tmp / "pipx-bin"),
            "PIPX_MAN_DIR": str(pytui.tmp / "pipx-man"), "PIPX_DEFAULT_PYTHON": default}


def _home(venv: Path) -> str:
    lines = (venv / "pyvenv.cfg").read_text().splitlines()
    return next(line.split("=", 1)[1].strip() for line in lines if line.startswith("home"))


def test_outdated_removes_an_install_only_pipxs_shared_venv_uses(pytui: Pytui) -> None:
    old = pytui.serve(make_prefix_archive(pytui.archives / "real"))  # this Python's patch
    major, minor, patch = old.build.version.split(".")[:3]
    newer = f"{major}.{minor}.{int(patch) + 1}"
    pytui.add(newer)
    assert pytui.call("install", old.build.version).returncode == 0
    assert pytui.call("install", newer).returncode == 0
    old_python = pytui.root / old.build.key / "bin" / f"python{major}.{minor}"
    made = _pipx(pytui, "upgrade-shared", default=str(old_python))
    assert "creating shared libraries" in made.stderr + made.stdout, made
    shared = pytui.tmp / "pipx" / "shared"
    assert _home(shared) == str(old_python.parent), made  # pipx's own venv on the old install

    # pipx's default Python is in that install: kept, as a plain uninstall refuses.
    ran = pytui.run("uninstall", "--outdated", **_pipx_env(pytui, str(old_python)))
    assert ran.returncode == 0 and "Traceback" not in ran.stderr, str(ran)
    assert f" = {old.build.key} kept: used directly by 1 environment ({shared})" in ran.stderr, str(ran)
    assert (pytui.root / old.build.key).is_dir()

    # pipx's default Python elsewhere: removed, with the plain uninstall's warning line.
    ran = pytui.run("uninstall", "--outdated", **_pipx_env(pytui, OUTSIDE))
    assert ran.returncode == 0 and "Traceback" not in ran.stderr, str(ran)
    assert not (pytui.root / old.build.key).exists(), str(ran)
    assert (pytui.root / key_of(newer)).is_dir()
    assert (f"warning: pipx's shared libraries venv {shared} uses {old.build.key}: pipx rebuilds it "
            "on its default Python at its next install or upgrade") in ran.stderr, str(ran)
    assert " kept: used directly" not in ran.stderr, str(ran)

    # pipx goes on: it lists, and rebuilds its shared venv on its default Python.
    listed = _pipx(pytui, "list", default=OUTSIDE)
    assert listed.returncode == 0, listed
    rebuilt = _pipx(pytui, "upgrade-shared", default=OUTSIDE)
    assert "creating shared libraries" in rebuilt.stderr + rebuilt.stdout, rebuilt
    assert _home(shared) == os.path.dirname(OUTSIDE), rebuilt


def test_the_tuis_outdated_rule_says_pipx_rebuilds_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pytui.app.purge_plan import outdated_plan
    from pytui.core.environment import Environment
    from pytui.core.keys import parse_key
    from pytui.core.models import Installation

    root = tmp_path / "root"
    old, new = key_of("3.12.7"), key_of("3.12.8")
    installs = []
    for key in (old, new):
        (root / key / "bin").mkdir(parents=True)
        installs.append(Installation(parse_key(key), root / key))
    shared = Environment(tmp_path / "pipx" / "shared", "pipx-shared", old, "patch", "ok")
    monkeypatch.setenv("PIPX_DEFAULT_PYTHON", OUTSIDE)
    plan = outdated_plan(installs, [shared], sizes={}, busy=frozenset(), partial=False)
    assert [i.key for i, _ in plan.installs] == [old] and not plan.kept
    assert plan.note == (f"pipx's shared libraries venv {shared.path} uses {old}: pipx rebuilds it "
                         "on its default Python at its next install or upgrade.")
    monkeypatch.setenv("PIPX_DEFAULT_PYTHON", str(root / old / "bin" / "python3.12"))
    plan = outdated_plan(installs, [shared], sizes={}, busy=frozenset(), partial=False)
    assert not plan.installs and plan.kept == ((old, (shared,)),) and not plan.note


def test_pipxs_default_python_in_another_outdated_install_keeps_it(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """pipx's default Python in an outdated install no environment uses (it goes too): pipx
    could rebuild its shared venv on nothing, so the venv's install is kept, as a plain
    uninstall of both refuses."""
    from pytui.app.uninstall_safety import outdated
    from pytui.core.environment import Environment
    from pytui.core.keys import parse_key
    from pytui.core.models import Installation

    root = tmp_path / "root"
    oldest, old, new = key_of("3.12.5"), key_of("3.12.7"), key_of("3.12.8")
    installs = [Installation(parse_key(key), root / key) for key in (oldest, old, new)]
    shared = Environment(tmp_path / "pipx" / "shared", "pipx-shared", old, "patch", "ok")
    monkeypatch.setenv("PIPX_DEFAULT_PYTHON", str(root / oldest / "bin" / "python3.12"))
    gone, kept = outdated(installs, [shared])
    assert [i.key for i in gone] == [oldest] and kept == {old: [shared]}


def test_outdated_keeps_the_install_the_pipx_on_path_runs_on(pytui: Pytui) -> None:
    """The plain uninstall refuses the install the `pipx` on PATH runs on (0eac45f: pipx in a
    venv outside the scanned dirs); --outdated removed it. Now kept, the pipx script named."""
    from test_uninstall_pipx_itself import _pipx_venv

    pytui.add("3.12.7")
    pytui.add("3.12.8")
    assert pytui.call("install", "3.12.7", "3.12.8").returncode == 0
    env = _pipx_venv(pytui, pytui.root / key_of("3.12.7") / "bin")
    ran = pytui.run("uninstall", "--outdated", **env)
    assert ran.returncode == 0 and "Traceback" not in ran.stderr, str(ran)
    script = pytui.tmp / "opt" / "pipx" / "bin" / "pipx"
    assert f" = {key_of('3.12.7')} kept: used directly by 1 environment ({script})" in ran.stderr, str(ran)
    assert (pytui.root / key_of("3.12.7")).is_dir()
