"""A control string in the input is dropped, not typed: the real `pytui` in tmux is sent a 4 MB
OSC string and a DCS string (as a terminal writes them, unbracketed), then `/` and `3.1`.
Textual's parser sent each character of a string as a key: `A` toggled every platform's
builds in and out four million times, the app grew past 750 MB and answered no key for
minutes (10 MB: none in 2.5 minutes). pytui's driver drops each string whole
(app/terminal_strings.py): the filter box opens and holds `3.1` alone, `q` quits."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tmux_session as session  # noqa: E402

OSC = b"\x1b]52;c;" + b"A" * 4_000_000 + b"\x07"
DCS = b"\x1bP1$r" + b"a" * 100_000 + b"\x1b\\"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_huge_control_string_is_not_typed(tmp_path: Path) -> None:
    work = tmp_path / "run"
    with session.FaultyHTTPServer() as server:
        _made, _root, command = session.one_build_world(work, server)
        strings = work / "strings.bin"
        strings.write_bytes(OSC + DCS)
        tmux = session.Tmux(f"pytui-strings-{os.getpid()}")
        tmux.start(command)
        try:
            session.wait_screen(tmux, lambda s: "ONLINE" in s and "Available" in s, "the main screen")
            session.wait_quiet(work)
            tmux.run("load-buffer", "-b", "strings", str(strings))
            tmux.run("paste-buffer", "-b", "strings", "-t", tmux.session)  # unbracketed: as written
            tmux.keys("/")
            # (Before, the keys of the strings came first: the wait timed out.)
            session.wait_screen(tmux, lambda s: "Keep filter" in s, "the filter box's footer", timeout=60)
            tmux.keys("3.1", literal=True)
            screen = session.wait_screen(tmux, lambda s: "3.1" in s and "Keep filter" in s,
                                         "the typed text in the filter box")
            assert "3.1A" not in screen and "3.1a" not in screen and "AAA" not in screen, screen
            tmux.keys("Escape")
            session.wait_screen(tmux, lambda s: "Keep filter" not in s, "the filter box closed")
            session.quit_pytui(tmux, work)
        finally:
            tmux.kill()
