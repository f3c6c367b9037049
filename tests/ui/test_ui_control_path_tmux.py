"""An ESC in a path never reaches the terminal: the real `pytui` in tmux on an install root
named `r-red\\x1b[31mred` (UV_PYTHON_INSTALL_DIR is anyone's string) with a build installed in
it. The header, Installed's Details and the uninstall question name that root; had the ESC gone
out raw, the terminal would have drawn what follows it red. tmux's own record of the cells
(`capture-pane -e`, with their colours) has `␛[31m` drawn as text, no colour change inside the
name (app/terminal_text.py)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tmux_session as session  # noqa: E402
from fixtures_archives import write_uv_catalog  # noqa: E402

ODD = "r-red\x1b[31mred"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_an_esc_in_the_install_root_does_not_colour_the_screen(tmp_path: Path) -> None:
    work = tmp_path / "run"
    home, _root, cache = session.home_dirs(work)
    root = home / ODD / "python"
    with session.FaultyHTTPServer() as server:
        made = session.served(work / "made", server, "3.13.1")
        catalog = write_uv_catalog(home / "catalog.json", [made.build])
        command = session.pytui_command(work, home, catalog, root, cache)
        # The command line names the root quoted (it holds `[` and an ESC).
        command = command.replace(f"--install-dir {root}", f"--install-dir {shlex.quote(str(root))}")
        subprocess.run(command.split(";")[0] + " install 3.13", shell=True, check=True,
                       capture_output=True)
        assert (root / made.build.key).is_dir()
        tmux = session.Tmux(f"pytui-esc-{os.getpid()}")
        tmux.start(command)
        try:
            session.wait_screen(tmux, lambda s: "ONLINE" in s and "✓●" in s, "the main screen")
            session.wait_quiet(work)
            tmux.keys("3")  # Installed: Details names the install under the root
            screen = session.wait_screen(tmux, lambda s: s.count("r-red␛[31mred") >= 2,
                                       "the root named in the header and Details")
            tmux.keys("u")
            screen = session.wait_screen(tmux, lambda s: "Removes" in s, "the uninstall question")
            assert "r-red␛[31mred" in screen.split("Removes", 1)[1], screen
            cells = tmux.run("capture-pane", "-e", "-p", "-t", tmux.session)
            # Every `r-red` on screen is followed by the ESC's picture and the rest of the name
            # in the same colour (a raw ESC would have left `r-red` then red `red/python`).
            assert cells.count("r-red") >= 3, cells
            assert cells.count("r-red") == cells.count("r-red␛[31mred/python"), cells
            tmux.keys("n")
            session.quit_pytui(tmux, work)
        finally:
            tmux.kill()
