"""HOME set but empty: uv (the `home` crate) treats it as unset and takes the user's home from
the password database; pytui took "" as the home and put the install root at
`/.local/share/uv/python` (and the bin dir at `/.local/bin`), where uv never looks. Both now
read it as uv does (core/paths.home_dir), checked against the real uv."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest

UV = Path(sys.executable).parent / "uv"
XDG = ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_BIN_HOME")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in XDG and not k.startswith(("UV_", "PYTUI_"))}
    env.update(HOME="", UV_NO_CONFIG="1")
    return env


def _run(argv: list[str], cwd: Path) -> str:
    done = subprocess.run(argv, env=_env(), cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (argv, done.stderr)
    return done.stdout.strip()


@pytest.mark.uv
def test_an_empty_home_is_the_users_home_as_uv_reads_it(tmp_path: Path) -> None:
    if not UV.exists():
        pytest.skip("uv is not installed beside the test interpreter")
    pytui = [sys.executable, "-m", "pytui.app.cli"]
    real_home = pwd.getpwuid(os.getuid()).pw_dir
    for ours, uvs in ((pytui + ["dir"], [str(UV), "python", "dir"]),
                      (pytui + ["dir", "--bin"], [str(UV), "python", "dir", "--bin"])):
        assert _run(ours, tmp_path) == _run(uvs, tmp_path)
    assert _run(pytui + ["dir"], tmp_path) == f"{real_home}/.local/share/uv/python"
    assert _run(pytui + ["dir", "--state"], tmp_path) == f"{real_home}/.local/state/pytui"
    assert _run(pytui + ["dir", "--cache"], tmp_path) == f"{real_home}/.cache/pytui/python"
