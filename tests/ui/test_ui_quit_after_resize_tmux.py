"""Quitting after the window grew leaves nothing of pytui on the terminal (tmux): the
alternate screen is cleared before pytui leaves it, as lazygit's tcell does. tmux carried the
last frame's top rows (down to the old height) into the shell's screen when the window had
grown while pytui ran; plain Textual does the same."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from fixtures_archives import make_build, write_uv_catalog

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tmux_session import Tmux, pytui_in_shell, wait_screen  # noqa: E402


def test_quitting_after_the_window_grew_leaves_no_frame_behind(tmp_path: Path) -> None:
    home = tmp_path / "home"
    catalog = write_uv_catalog(home / "catalog.json", [make_build(version="3.12.8")])
    command = pytui_in_shell(home, f"--offline --downloads-json {catalog} --install-dir {home / 'root'} "
                                   f"--cache-dir {home / 'cache'}")
    tmux = Tmux(f"pytui-regrow-{os.getpid()}")
    tmux.run("new-session", "-d", "-s", tmux.session, "-x", "80", "-y", "24", command)
    try:
        wait_screen(tmux, lambda s: "Installed" in s and "cpython-3.12.8" in s, "the TUI")
        tmux.run("resize-window", "-t", tmux.session, "-x", "120", "-y", "36")
        wait_screen(tmux, lambda s: len(s.splitlines()) == 36 and any(
            len(line.rstrip()) == 120 for line in s.splitlines()), "the TUI at 120x36")
        tmux.keys("q")
        after = wait_screen(tmux, lambda s: "pytui-exit=" in s, "pytui to quit")
        assert "pytui-exit=0" in after, after
        left = [line for line in after.splitlines() if line.strip()
                and not line.startswith("pytui-exit=")]
        assert left == [], "\n".join(left)
    finally:
        tmux.kill()
