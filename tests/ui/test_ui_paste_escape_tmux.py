"""A paste is text, whatever it holds: the real `pytui` in tmux, a bracketed paste into the
Installed pane's filter of `3.13` + ESC ESC + `uy`. Textual's parser reads an ESC inside a
paste as the start of a key sequence and sends what follows as keys: Escape closed the filter
and `u`, `y` uninstalled the highlighted build (text copied from a web page or a log can hold
ESCs). pytui's driver gives the parser the paste with each ESC as its picture `␛`
(app/paste_guard.py), so the box holds the whole paste and the build stays installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tmux_session as session  # noqa: E402

PASTED = "3.13\x1b\x1buy"
# The same keys behind a forged end marker: the terminal (tmux) sends the paste's text as it is,
# its own end marker after it.
FORGED = "3.13\x1b[201~\x1b\x1buy"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("pasted", [PASTED, FORGED], ids=["escs", "forged-end"])
def test_a_pasted_esc_is_text_in_the_filter_not_keys(tmp_path: Path, pasted: str) -> None:
    work = tmp_path / "run"
    with session.FaultyHTTPServer() as server:
        made, root, command = session.one_build_world(work, server)
        subprocess.run(command.split(";")[0] + " install 3.13", shell=True, check=True,
                       capture_output=True)
        installed = root / made.build.key
        assert installed.is_dir()
        paste = work / "paste.txt"
        paste.write_text(pasted)
        tmux = session.Tmux(f"pytui-paste-{os.getpid()}")
        tmux.start(command)
        try:
            session.wait_screen(tmux, lambda s: "ONLINE" in s and "✓●" in s, "the main screen")
            session.wait_quiet(work)
            tmux.keys("3")  # the Installed pane
            tmux.keys("/")
            session.wait_screen(tmux, lambda s: "Keep filter" in s, "the filter box's footer")
            tmux.run("load-buffer", "-b", "pasted", str(paste))
            tmux.run("paste-buffer", "-p", "-b", "pasted", "-t", tmux.session)  # bracketed
            # (Before, the screen showed the uninstall's job, then no install: the wait timed out.)
            session.wait_screen(tmux, lambda s: "␛␛uy" in s and "Keep filter" in s,
                                "the whole paste in the focused filter box", timeout=30)
            tmux.keys("Escape")  # a key of its own (with `q` right behind it, it read as Alt+q)
            session.wait_screen(tmux, lambda s: "Keep filter" not in s, "the filter box closed")
            session.quit_pytui(tmux, work)
        finally:
            tmux.kill()
        assert installed.is_dir()
