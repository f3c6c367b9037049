"""Drive the real `pytui` in a 120x36 tmux session, like a person would.

Starts a loopback HTTP server (tests/fixtures_http.py, as a plain class) serving a synthetic
PBS archive for this host, writes a uv catalog pointing at it, runs `pytui` against a tmp
install root and cache, then sends keys: `/` + version + Enter to filter, `i` to install,
and checks the screen text with `tmux capture-pane` at each step (job downloading, job done,
build in Installed and Cached), then `q` quits.

    python tests/ui/tmux_drive.py [--keep] [--show] [--size 80x24]

Exit 0 when every check passed; prints the captured screens with --show. Skips (exit 77)
when tmux is missing. `tests/ui/test_ui_tmux.py` runs it under pytest.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: the fixture modules

from fixtures_archives import file, host_platform, make_pbs_archive, write_uv_catalog  # noqa: E402
from fixtures_http import FaultyHTTPServer  # noqa: E402

SKIP = 77
WIDTH, HEIGHT = 120, 36
SIZE = [WIDTH, HEIGHT]  # --size changes it
VERSION = "3.12.8"


class Tmux:
    """One private tmux server (`-L`) with one session."""

    def __init__(self, socket: str, session: str = "pytui") -> None:
        self.base = ["tmux", "-L", socket]
        self.session = session

    def run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run([*self.base, *args], capture_output=True, text=True, check=check)
        return done.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", self.session, "-x", str(SIZE[0]), "-y",
                 str(SIZE[1]), command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session, check=False)

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def alive(self) -> bool:
        return subprocess.run([*self.base, "has-session", "-t", self.session],
                              capture_output=True).returncode == 0

    def kill(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True)


def wait_screen(tmux: Tmux, check: Callable[[str], bool], what: str,
                timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux.screen()
        if check(screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; screen was:\n{screen}")


def drive(work: Path, *, show: bool) -> list[tuple[str, str]]:
    """Run the whole scenario; return (step, screen text) pairs."""
    os_name, arch, libc = host_platform()
    home = work / "home"
    home.mkdir(parents=True)
    root, cache = home / "root", home / "cache"
    screens: list[tuple[str, str]] = []
    with FaultyHTTPServer() as server:
        payload = [file("lib/payload.bin", os.urandom(3_000_000))]
        made = make_pbs_archive(work / "made", version=VERSION, os_name=os_name, arch=arch,
                                libc=libc, extra=payload)
        # About 4 s to download, so the progress bar is seen moving.
        made = made.serve(server, rate=800_000)
        other = make_pbs_archive(work / "made2", version="3.13.1", os_name=os_name, arch=arch,
                                 libc=libc).serve(server)
        catalog = write_uv_catalog(home / "catalog.json", [made.build, other.build])
        key = made.build.key
        env = {
            "HOME": str(home), "XDG_STATE_HOME": str(home / "state"),
            "XDG_BIN_HOME": str(home / "bin"), "TEXTUAL_ANIMATIONS": "none",
            "TERM": os.environ.get("TERM", "xterm-256color") if os.environ.get("TERM") not in
            (None, "", "dumb") else "xterm-256color",
        }
        pytui = shutil.which("pytui") or str(Path(sys.executable).with_name("pytui"))
        command = (
            "env -u COLUMNS -u LINES -u UV_OFFLINE -u UV_PYTHON_INSTALL_DIR "
            + " ".join(f"{k}={v}" for k, v in env.items())
            + f" {pytui} --downloads-json {catalog} --install-dir {root} --cache-dir {cache}"
            # Textual draws on stderr, so only the exit status is recorded; then the pane
            # stays open a moment so a traceback (if any) can be captured.
            + f"; echo pytui-exit=$? > {work / 'exit.txt'}; sleep 1"
        )
        tmux = Tmux(f"pytui-drive-{os.getpid()}")
        tmux.start(command)
        try:
            screen = wait_screen(tmux, lambda s: key in s and "ONLINE" in s, "the main screen")
            screens.append(("start", screen))
            size = tmux.run("display", "-p", "-t", tmux.session, "#{pane_width}x#{pane_height}")
            assert size.strip() == f"{SIZE[0]}x{SIZE[1]}", size
            tmux.keys("/")
            # Type only once the filter box is there: keys sent earlier would reach the table
            # (the app may still be busy starting up on a loaded machine).
            wait_screen(tmux, lambda s: "filter:" in s, "the filter box")
            tmux.keys(VERSION, literal=True)
            screen = wait_screen(tmux, lambda s: "3.13.1" not in s.split("Cached")[0],
                                 "the filter to hide 3.13.1")
            screens.append(("filtered", screen))
            tmux.keys("Enter")
            time.sleep(0.3)
            tmux.keys("i")
            screen = wait_screen(tmux, lambda s: "download" in s and "%" in s,
                                 "the job downloading")
            screens.append(("downloading", screen))
            screen = wait_screen(tmux, lambda s: " done " in s or "done" in _jobs_part(s),
                                 "the job to finish")
            screen = wait_screen(tmux, lambda s: key in _installed_part(s), "Installed row")
            screens.append(("installed", screen))
            assert "ok" in screen, "the Cached pane shows the archive as ok"
            assert "✓" in screen, "the Available row shows installed"
            executable = root / key / "bin" / f"python{VERSION.rsplit('.', 1)[0]}"
            assert executable.exists(), executable
            tmux.keys("q")
            exit_file = work / "exit.txt"
            deadline = time.monotonic() + 10
            while not exit_file.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            after = tmux.screen()
            assert exit_file.exists(), f"pytui did not quit on q:\n{after}"
            assert exit_file.read_text().strip() == "pytui-exit=0", (exit_file.read_text(), after)
            assert "Traceback" not in after, after
        finally:
            tmux.kill()
    if show:
        for step, screen in screens:
            print(f"===== {step} =====")
            print(screen)
    return screens


def _jobs_part(screen: str) -> str:
    return screen.split("Jobs", 1)[1] if "Jobs" in screen else ""


def _installed_part(screen: str) -> str:
    """The right half of the lower panes (the Installed pane sits beside Cached)."""
    lines = screen.splitlines()
    start = next((i for i, line in enumerate(lines) if "Installed" in line and "Cached" in line),
                 None)
    if start is None:
        return ""
    end = next((i for i in range(start + 1, len(lines)) if "Details" in lines[i]), len(lines))
    return "\n".join(line[SIZE[0] // 2:] for line in lines[start:end])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--show", action="store_true", help="print the captured screens")
    parser.add_argument("--size", default=f"{WIDTH}x{HEIGHT}", help="terminal size, WxH")
    args = parser.parse_args(argv)
    SIZE[:] = [int(part) for part in args.size.lower().split("x")]
    if shutil.which("tmux") is None:
        print("tmux is not installed; skipping", file=sys.stderr)
        return SKIP
    work = Path(tempfile.mkdtemp(prefix="pytui-tmux-"))
    try:
        drive(work, show=args.show)
    except AssertionError as err:
        print(f"FAILED: {err}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work directory kept: {work}", file=sys.stderr)
    print("tmux drive: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
