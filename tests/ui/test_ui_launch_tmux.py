"""`x` and `!` in a real terminal (tmux): pytui suspends, the install's interpreter runs its
REPL (`print(6*7)` shows 42, Ctrl+C reaches the REPL and not pytui), an install started
before goes on while the REPL runs, exiting it brings the TUI back; `!` opens a shell whose
PATH starts with the install's bin dir."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from fixtures_archives import file, host_platform, make_build, make_pbs_archive, write_uv_catalog
from fixtures_http import FaultyHTTPServer

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tmux_session import Tmux, pytui_in_shell, wait_screen  # noqa: E402


def _world(tmp_path: Path, server: FaultyHTTPServer) -> tuple[str, Path, str, Path]:
    """(the command running pytui, the install's bin dir, its key, where the served build
    installs): one install whose interpreter is this machine's CPython, and a newer build
    served slowly (about 3 s), under a catalog that lists both."""
    os_name, arch, libc = host_platform()
    served = make_pbs_archive(tmp_path / "made", version="3.99.1", os_name=os_name, arch=arch,
                              libc=libc, extra=[file("lib/payload.bin", os.urandom(1_500_000))])
    served = served.serve(server, rate=500_000)
    version = "{}.{}.{}".format(*sys.version_info[:3])
    build = make_build(version=version, os_name=os_name, arch=arch, libc=libc)
    home = tmp_path / "home"
    root, cache = home / "root", home / "cache"
    bin_dir = root / build.key / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / f"python{sys.version_info[0]}.{sys.version_info[1]}").symlink_to(
        os.path.realpath(sys.executable))
    (root / build.key / "BUILD").write_text(build.build or "")
    catalog = write_uv_catalog(home / "catalog.json", [served.build, build])
    command = pytui_in_shell(home, f"--downloads-json {catalog} --install-dir {root} --cache-dir {cache}",
                             SHELL="/bin/sh", PS1="shell$ ", PYTHONSTARTUP="")
    return command, bin_dir, build.key, root / served.build.key / "bin" / "python3.99"


def _tui(screen: str) -> bool:
    return "Installed" in screen and "ONLINE" in screen


def _wait_path(path: Path, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_x_runs_the_repl_and_comes_back_then_bang_opens_a_shell(tmp_path: Path) -> None:
    with FaultyHTTPServer() as server:
        command, bin_dir, key, served = _world(tmp_path, server)
        _drive(command, bin_dir, key, served)


def _drive(command: str, bin_dir: Path, key: str, served: Path) -> None:
    tmux = Tmux(f"pytui-launch-{os.getpid()}")
    tmux.start(command)
    try:
        wait_screen(tmux, lambda s: _tui(s) and key in s, "the main screen")
        tmux.keys("i")  # the newest build (first row): a slow download
        wait_screen(tmux, lambda s: "download" in s, "the install job downloading")
        tmux.keys("3")
        tmux.keys("x")
        wait_screen(tmux, lambda s: ">>>" in s and "returns to pytui" in s, "the REPL")
        tmux.keys("print(6*7)", "Enter")
        wait_screen(tmux, lambda s: "\n42\n" in s, "42 from the REPL")
        tmux.keys("C-c")
        wait_screen(tmux, lambda s: "KeyboardInterrupt" in s, "Ctrl+C reaching the REPL")
        # The job's thread was not paused with the screen: the install lands meanwhile.
        _wait_path(served, "the install to finish while the REPL runs")
        tmux.keys("exit()", "Enter")
        # The toast: its title names the REPL, its line says how it ended.
        screen = wait_screen(tmux, lambda s: _tui(s) and "REPL" in s and "exited" in s,
                             "the TUI again")
        assert "pytui-exit" not in screen and "Traceback" not in screen
        wait_screen(tmux, lambda s: "cpython-3.99.1" in s.split("Installed", 1)[-1],
                    "the new install listed")
        tmux.keys("!", literal=True)
        wait_screen(tmux, lambda s: "shell$" in s, "the shell")
        tmux.keys('echo "first=${PATH%%:*}"', "Enter")
        # The path may be longer than the pane is wide (a deep temp dir): read it unwrapped.
        wait_screen(tmux, lambda s: f"first={bin_dir}" in s.replace("\n", ""),
                    "the bin dir first on PATH")
        tmux.keys("exit", "Enter")
        wait_screen(tmux, lambda s: _tui(s) and "exited" in s, "the TUI after the shell")
        tmux.keys("q")
        screen = wait_screen(tmux, lambda s: "pytui-exit=" in s, "pytui to quit")
        assert "pytui-exit=0" in screen, screen
    finally:
        tmux.kill()


def test_the_terminal_closing_under_a_shell_ends_pytui_too(tmp_path: Path) -> None:
    """The terminal goes away (tmux killed: a window closed, an SSH connection dropped) while
    `!`'s shell runs. The shell has the terminal's foreground, so the hang-up reached it and
    not pytui, which came back to a terminal that was gone and stayed, spinning, for good."""
    with FaultyHTTPServer() as server:
        command, _, key, _ = _world(tmp_path, server)
    tmux = Tmux(f"pytui-hangup-{os.getpid()}")
    tmux.start(command)
    try:
        wait_screen(tmux, lambda s: _tui(s) and key in s, "the main screen")
        tmux.keys("3")
        tmux.keys("!", literal=True)
        wait_screen(tmux, lambda s: "shell$" in s, "the shell")
        pids = _pytui_pids(tmp_path)
        assert pids, "no pytui process found"
    finally:
        tmux.kill()
    deadline = time.monotonic() + 60
    while _pytui_pids(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _pytui_pids(tmp_path)
    for pid in left:
        os.kill(pid, 9)
    assert not left, "pytui outlived its terminal"


def _pytui_pids(tmp_path: Path) -> list[int]:
    """The pytui processes of this test (their command line names its temp dir)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"pytui" in a for a in argv[:2]) and any(str(tmp_path).encode() in a for a in argv):
            found.append(int(entry))
    return found
