"""Terminal input that is not UTF-8 is read, not fatal: the real `pytui` in tmux, sent a byte
no UTF-8 text holds (`é` typed in a Latin-1 terminal, an X10 mouse report past column 95, whose
coordinates are raw bytes, `\\xff` from a stuck program). Textual's input thread decoded each
read strictly, and the first such byte ended pytui with a UnicodeDecodeError traceback over the
screen, exit status 0. pytui's driver reads it as U+FFFD (app/terminal_driver.py), a character
like any other: the filter box shows it, the keys after it work, `q` quits."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tmux_session as session  # noqa: E402

# `3.1` then Latin-1 `é` (0xe9, no UTF-8 byte after it), as the filter box is given it.
TYPED = "3.1\udce9x"
# An X10 mouse report (a press at column 223, row 223): its three bytes are raw, not UTF-8.
X10_MOUSE = "\x1b[M\udcff\udcff\udcff"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_byte_that_is_not_utf8_is_a_character_not_a_crash(tmp_path: Path) -> None:
    work = tmp_path / "run"
    with session.FaultyHTTPServer() as server:
        _made, _root, command = session.one_build_world(work, server)
        tmux = session.Tmux(f"pytui-notutf8-{os.getpid()}")
        tmux.start(command)
        try:
            session.wait_screen(tmux, lambda s: "ONLINE" in s and "Available" in s, "the main screen")
            session.wait_quiet(work)
            tmux.keys(X10_MOUSE, literal=True)
            tmux.keys("/")
            session.wait_screen(tmux, lambda s: "Keep filter" in s, "the filter box's footer")
            tmux.keys(TYPED, literal=True)
            # (Before, the screen showed the UnicodeDecodeError's traceback: the wait timed out.)
            session.wait_screen(tmux, lambda s: "3.1\ufffdx" in s and "Keep filter" in s,
                                "the typed text in the filter box, the byte as U+FFFD", timeout=30)
            tmux.keys("Escape")
            session.wait_screen(tmux, lambda s: "Keep filter" not in s, "the filter box closed")
            session.quit_pytui(tmux, work)
        finally:
            tmux.kill()
