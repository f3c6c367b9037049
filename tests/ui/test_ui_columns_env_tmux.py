"""The TUI is as big as its terminal, whatever COLUMNS and LINES the environment holds: the real
`pytui` in an 80x24 tmux window with `COLUMNS=200 LINES=50` exported (a script's, a stale
`export`). Textual takes the size from `shutil.get_terminal_size`, which reads those variables
first: it drew a 200x50 screen into 80x24 (rows cut at 80 cells, the footer below the window),
kept that size through every resize, and `COLUMNS=99999 LINES=99999` took 4 GB and a core with
no key answered. pytui's driver asks the terminal (app/terminal_driver.py)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tmux_session as session  # noqa: E402


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_columns_and_lines_in_the_environment_do_not_size_the_screen(tmp_path: Path) -> None:
    work = tmp_path / "run"
    with session.FaultyHTTPServer() as server:
        _made, _root, command = session.one_build_world(work, server,
                                                        extra_env={"COLUMNS": "200", "LINES": "50"})
        tmux = session.Tmux(f"pytui-columns-{os.getpid()}")
        session.SIZE[:] = [80, 24]
        try:
            tmux.start(command)
            screen = session.wait_screen(tmux, lambda s: "ONLINE" in s, "the main screen")
            session.wait_quiet(work)
            screen = tmux.screen()
            rows = screen.split("\n")
            # The Available pane's frame closes inside the window, and the footer is its last row.
            assert any(row.startswith("┏") and row.rstrip().endswith("┓") for row in rows), screen
            assert "Quit" in rows[23], screen
            tmux.run("resize-window", "-t", tmux.session, "-x", "120", "-y", "36")
            session.wait_screen(tmux, lambda s: len(s.split("\n")) > 35 and "Quit" in s.split("\n")[35],
                                "the footer on the last row at 120x36")
            session.quit_pytui(tmux, work)
        finally:
            session.SIZE[:] = [session.WIDTH, session.HEIGHT]
            tmux.kill()
