"""`pytui uninstall` of the install the `pipx` on PATH runs on: pipx installed in a venv made
from a managed Python (`uv venv -p 3.12 /opt/pipx && uv pip install pipx`, found following the
README with pipx 1.18.4) lies outside the directories the environment scan walks, so nothing
said that every pipx command would fail afterwards. Now that is refused (unless --force) in one
line naming pipx, as an environment that would break is; a venv following the minor-version
link that moves to another installed patch keeps working and is not named. The `#!` line is
read from a real script on PATH; the venv is a directory with its pyvenv.cfg and bin/python link."""

from __future__ import annotations

import os
from pathlib import Path

from cli_harness import Pytui, assert_clean_failure, key_of, minor_of


def _pipx_venv(pytui: Pytui, home: Path) -> dict[str, str]:
    """pipx in a venv whose `home` is `home`, its script on PATH; the environment to run with."""
    venv = pytui.tmp / "opt" / "pipx"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = {home}\nversion_info = 3.12.8\n")
    (venv / "bin" / "python").symlink_to(home / "python3.12")
    (venv / "bin" / "pipx").write_text(f"#!{venv / 'bin' / 'python'}\nimport pipx\n")
    (venv / "bin" / "pipx").chmod(0o755)
    return {"PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "PIPX_HOME": str(pytui.tmp / "pipx-home"),
            "PIPX_DEFAULT_PYTHON": ""}


def test_the_python_pipx_runs_on_is_refused_unless_forced(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    pytui.call("install", "3.12.8")
    env = _pipx_venv(pytui, pytui.root / minor_of("3.12.8") / "bin")
    before = pytui.state()
    line = assert_clean_failure(pytui.run("uninstall", "3.12", **env))
    assert line == (f"error: uninstalling {key_of('3.12.8')} would break pipx: the `pipx` on PATH "
                    f"({pytui.tmp / 'opt' / 'pipx' / 'bin' / 'pipx'}) runs on it "
                    f"({pytui.tmp / 'opt' / 'pipx' / 'bin' / 'python'}), and every pipx command would fail; "
                    "nothing was removed (reinstall pipx on another Python first, or pass --force)"), line
    assert pytui.state() == before
    dry = pytui.run("uninstall", "3.12", "--dry-run", **env)
    assert dry.returncode == 0 and "would break pipx" in dry.stderr and "without --dry-run this refuses" in dry.stderr
    forced = pytui.run("uninstall", "3.12", "--force", **env)
    assert forced.returncode == 0 and f"warning: uninstalling {key_of('3.12.8')} breaks pipx (--force)" in forced.stderr
    assert not (pytui.root / key_of("3.12.8")).exists()


def test_pipx_following_a_minor_link_that_moves_is_not_named(pytui: Pytui) -> None:
    pytui.add("3.12.7")
    pytui.add("3.12.8")
    pytui.call("install", "3.12.7", "3.12.8")
    env = _pipx_venv(pytui, pytui.root / minor_of("3.12.8") / "bin")
    done = pytui.run("uninstall", "3.12.8", **env)
    assert done.returncode == 0 and "pipx" not in done.stderr, done


def test_pipx_pinned_to_the_patch_is_refused_beside_another_patch(pytui: Pytui) -> None:
    pytui.add("3.12.7")
    pytui.add("3.12.8")
    pytui.call("install", "3.12.7", "3.12.8")
    env = _pipx_venv(pytui, pytui.root / key_of("3.12.8") / "bin")
    line = assert_clean_failure(pytui.run("uninstall", "3.12.8", **env))
    assert "would break pipx" in line, line
