"""`UV_TOOL_DIR` is read as uv reads it, a path as written: `UV_TOOL_DIR='~/tools'` (quoted, so no
shell expanded it) is `./~/tools` for `uv tool install` and `uv tool dir`, and `pytui envs` looked
for uv's tools in `$HOME/tools` instead, a directory uv never uses. Checked against the real uv."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from test_uv_interop import UV

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {UV}")]


@pytest.mark.parametrize("value", ["~/tools", "~", "rel/tools", "/abs/tools"])
def test_the_tool_dir_is_uvs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    from pytui.core.env_places import uv_tool_dir

    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(home), "UV_TOOL_DIR": value, "UV_NO_CONFIG": "1"}
    theirs = subprocess.run([str(UV), "tool", "dir"], env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert theirs.returncode == 0, theirs.stderr
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(home))
    assert uv_tool_dir({"UV_TOOL_DIR": value}) == Path(theirs.stdout.strip())
