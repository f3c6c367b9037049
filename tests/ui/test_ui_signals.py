"""SIGTERM and SIGHUP to the real `pytui` TUI in tmux while an install downloads: it quits as
`q` does (the job cancelled: its stage removed, a resumable `.part` kept), gives the terminal
back (alternate screen, mouse reporting and cursor restored) and exits 128 + the signal.

Before, either signal killed the process where it stood: the terminal stayed in the alternate
screen with mouse reporting on (every mouse move then typed escape codes into the shell).
Each step waits for what it expects on the screen or on disk, never for a fixed time.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tmux_session import Tmux, pytui_command, wait_screen  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _pytui_pid(tmux: Tmux) -> int:
    shell = int(tmux.run("display", "-p", "-t", tmux.session, "#{pane_pid}").strip())
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def _wait_file(path: Path, what: str) -> str:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.05)
    return path.read_text().strip()


def _stalled_download_scene(tmp_path: Path, http_server, archive_factory):
    """A catalog of one build whose download stalls after 5,000 bytes, and the command that
    runs pytui on it: (command, the install root, the download's `.part`)."""
    from cli_harness import cache_name
    from fixtures_archives import file, write_uv_catalog

    home = tmp_path / "scene"
    home.mkdir()
    root, cache = home / "root", home / "cache"
    made = archive_factory.pbs(
        version="3.12.8", extra=[file("lib/payload.bin", os.urandom(200_000))]).serve(
        http_server, stall_at=5_000, stall_seconds=3600.0)
    catalog = write_uv_catalog(home / "catalog.json", [made.build])
    command = pytui_command(tmp_path, home, catalog, root, cache,
                             {"UV_HTTP_TIMEOUT": "3600", "PYTUI_HTTP_SPEED_LIMIT": "0"})
    return command, root, cache / (cache_name(made) + ".part"), made


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_quits_cleanly_and_gives_the_terminal_back(tmp_path: Path, http_server,
                                                            archive_factory, sig: int) -> None:
    command, root, part, made = _stalled_download_scene(tmp_path, http_server, archive_factory)
    tmux = Tmux(f"pytui-signal-{os.getpid()}")
    tmux.start(command)
    try:
        wait_screen(tmux, lambda s: "3.12.8" in s and "ONLINE" in s, "the main screen")
        tmux.keys("i")

        def downloading() -> bool:
            try:
                return part.stat().st_size > 0
            except FileNotFoundError:
                return False

        deadline = time.monotonic() + 60
        while not downloading():
            assert time.monotonic() < deadline, tmux.screen()
            time.sleep(0.05)
        os.kill(_pytui_pid(tmux), sig)
        status = _wait_file(tmp_path / "exit.txt", "pytui to exit")
        after = tmux.screen()
        flags = tmux.run("display", "-p", "-t", tmux.session,
                         "#{alternate_on} #{mouse_any_flag} #{cursor_flag}").split()
    finally:
        tmux.kill()
    assert status == f"pytui-exit={128 + sig}", (status, after)
    assert "Traceback" not in after, after
    assert flags == ["0", "0", "1"], ("alternate screen, mouse, cursor", flags, after)
    assert part.exists(), "the download's bytes are kept for a resume"
    temp = root / ".temp"
    stages = [n for n in os.listdir(temp) if n.startswith("pytui-")] if temp.is_dir() else []
    assert stages == [], stages
    assert not (root / made.build.key).exists()


def _gone(pid: int) -> bool:
    """Whether process `pid` has exited (a zombie has: only its parent has not waited yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_the_terminal_closing_under_a_download_ends_pytui(tmp_path: Path, http_server,
                                                          archive_factory) -> None:
    """The terminal window closed (here: its tmux server killed, so the pty is gone and the
    kernel sends SIGHUP): pytui cancels the job and exits. Before, Textual's writer thread died
    at its first write to the gone terminal, and the goodbye writes (mouse off, cursor back)
    waited forever for room in its queue: the process stayed, asleep, holding nothing but
    ignoring every later SIGTERM."""
    command, root, part, _ = _stalled_download_scene(tmp_path, http_server, archive_factory)
    tmux = Tmux(f"pytui-hangup-{os.getpid()}")
    tmux.start(command)
    pid = None
    try:
        wait_screen(tmux, lambda s: "3.12.8" in s and "ONLINE" in s, "the main screen")
        tmux.keys("i")
        deadline = time.monotonic() + 60
        while not (part.exists() and part.stat().st_size > 0):
            assert time.monotonic() < deadline, tmux.screen()
            time.sleep(0.05)
        pid = _pytui_pid(tmux)
    finally:
        tmux.kill()
    deadline = time.monotonic() + 60
    while not _gone(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            pytest.fail("pytui still runs a minute after its terminal closed")
        time.sleep(0.05)
    assert part.exists(), "the download's bytes are kept for a resume"
    temp = root / ".temp"
    stages = [n for n in os.listdir(temp) if n.startswith("pytui-")] if temp.is_dir() else []
    assert stages == [], stages
