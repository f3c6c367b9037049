"""The real `pytui` in a private tmux server, driven as a person drives it: the session (keys
in, screen text out, waiting for the text a step expects, never a fixed time), the world it runs
in (a home, served PBS archives for this host, its command line with PYTUI_IDLE_FILE set) and
its end (`q`, exit 0, no traceback). The scenarios are tests/ui/tmux_drive.py's; what a screen
must show, tests/ui/tmux_screens.py's."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: the fixture modules

from archive_writers import Member  # noqa: E402
from fixtures_archives import MadeArchive, host_platform, make_pbs_archive, write_uv_catalog  # noqa: E402
from fixtures_http import FaultyHTTPServer  # noqa: E402

WIDTH, HEIGHT = 120, 36
SIZE = [WIDTH, HEIGHT]  # tmux_drive's --size changes it
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

    def kill(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True)


def wait_screen(tmux: Tmux, check: Callable[[str], bool], what: str,
                timeout: float = 60.0,
                explain: Callable[[str], str | None] | None = None) -> str:
    """Poll the screen until `check` passes (a generous deadline: the machine may be busy);
    on timeout say what was wrong with the last screen."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux.screen()
        if check(screen):
            return screen
        time.sleep(0.2)
    why = f" ({explain(screen)})" if explain is not None else ""
    raise AssertionError(f"timed out waiting for {what}{why}; screen was:\n{screen}")


def home_dirs(work: Path) -> tuple[Path, Path, Path]:
    """A fresh home for the run, and the install root and cache dir in it."""
    home = work / "home"
    home.mkdir(parents=True)
    return home, home / "root", home / "cache"


def served(dest: Path, server: FaultyHTTPServer, version: str, *, extra: Iterable[Member] = (),
            rate: int | None = None) -> MadeArchive:
    """A PBS archive of `version` for this host, served (trickled at `rate` bytes/s if given)."""
    os_name, arch, libc = host_platform()
    made = make_pbs_archive(dest, version=version, os_name=os_name, arch=arch, libc=libc,
                            extra=extra)
    return made.serve(server, rate=rate) if rate is not None else made.serve(server)


def one_build_world(work: Path, server: FaultyHTTPServer, version: str = "3.13.1",
                    extra_env: dict[str, str] | None = None) -> tuple[MadeArchive, Path, str]:
    """A fresh home under `work` whose catalog lists one build of `version` for this host,
    served by `server`: that build, the install root and the command that starts pytui there."""
    home, root, cache = home_dirs(work)
    made = served(work / "made", server, version)
    catalog = write_uv_catalog(home / "catalog.json", [made.build])
    return made, root, pytui_command(work, home, catalog, root, cache, extra_env=extra_env)


def await_request(server: FaultyHTTPServer, url_path: str, tmux: Tmux) -> None:
    """Wait until the install's request for `url_path` reached the server (a hang detector
    bounds it)."""
    deadline = time.monotonic() + 60
    while server.count(url_path) < 1:
        assert time.monotonic() < deadline, f"no request reached the server:\n{tmux.screen()}"
        time.sleep(0.05)


def show_screens(screens: list[tuple[str, str]], show: bool) -> None:
    if show:
        for step, screen in screens:
            print(f"===== {step} =====")
            print(screen)


def pytui_in_shell(home: Path, args: str, **extra_env: str) -> str:
    """The shell command that runs `pytui ARGS` in a home of its own (state, config and bin dirs
    under `home`; no COLUMNS, LINES or uv install variables of the developer), prints
    `pytui-exit=N` on the screen once it ends and keeps the pane open a while after, for a test
    that reads what pytui left on the terminal."""
    env = {"HOME": str(home), "XDG_STATE_HOME": str(home / "state"),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_BIN_HOME": str(home / "bin"),
           "TEXTUAL_ANIMATIONS": "none", "TERM": "xterm-256color", **extra_env}
    pytui = shutil.which("pytui") or str(Path(sys.executable).with_name("pytui"))
    return ("env -u COLUMNS -u LINES -u UV_OFFLINE -u UV_PYTHON_INSTALL_DIR "
            + " ".join(f"{k}={v}" for k, v in env.items())
            + f" {pytui} {args}; echo pytui-exit=$?; sleep 30")


def pytui_command(work: Path, home: Path, catalog: Path, root: Path, cache: Path,
                   extra_env: dict[str, str] | None = None) -> str:
    env = {
        "HOME": str(home), "XDG_STATE_HOME": str(home / "state"),
        "XDG_BIN_HOME": str(home / "bin"), "TEXTUAL_ANIMATIONS": "none",
        "PYTUI_IDLE_FILE": str(idle_file(work)),
        "TERM": os.environ.get("TERM", "xterm-256color") if os.environ.get("TERM") not in
        (None, "", "dumb") else "xterm-256color",
        **(extra_env or {}),
    }
    pytui = shutil.which("pytui") or str(Path(sys.executable).with_name("pytui"))
    return (
        "env -u COLUMNS -u LINES -u UV_OFFLINE -u UV_PYTHON_INSTALL_DIR "
        + " ".join(f"{k}={v}" for k, v in env.items())
        + f" {pytui} --downloads-json {catalog} --install-dir {root} --cache-dir {cache}"
        # Textual draws on stderr, so only the exit status is recorded (written aside and
        # renamed: a test waits for the file, and `>` makes it empty before echo writes it;
        # read in that gap once, beside a CPU hog on each core); then the pane stays open a
        # moment so a traceback (if any) can be captured.
        + f"; echo pytui-exit=$? > {work / 'exit.txt.tmp'}; mv {work / 'exit.txt.tmp'} {work / 'exit.txt'}"
        + "; sleep 1"
    )


def quit_pytui(tmux: Tmux, work: Path) -> None:
    """`q` (answering `y` if it asks), then pytui must have exited 0 without a traceback."""
    tmux.keys("q")
    exit_file = work / "exit.txt"
    deadline = time.monotonic() + 20
    while not exit_file.exists() and time.monotonic() < deadline:
        if "Quit" in tmux.screen() and "(y)" in tmux.screen():
            tmux.keys("y")
        time.sleep(0.1)
    after = tmux.screen()
    assert exit_file.exists(), f"pytui did not quit on q:\n{after}"
    assert exit_file.read_text().strip() == "pytui-exit=0", (exit_file.read_text(), after)
    assert "Traceback" not in after, after


def wait_quiet(work: Path, timeout: float = 60.0) -> None:
    """Until pytui says it fell quiet (PYTUI_IDLE_FILE, app/idle_signal.py): its startup steps
    and every background thread are over and the frame after them is drawn, so nothing
    redraws the panes until a key. An event of the app's, not a screen unchanged for a time
    (which a scan slowed by a busy machine outlasted)."""
    idle = idle_file(work)
    deadline = time.monotonic() + timeout
    while not (idle.exists() and idle.read_text().strip()):
        assert time.monotonic() < deadline, f"pytui never said it was quiet in {idle}"
        time.sleep(0.05)


def idle_file(work: Path) -> Path:
    return work / "idle.txt"


def plain_text(written: bytes) -> str:
    """What a terminal was sent, without its control sequences (each cell's text in order)."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|[\r\n]", "",
                  written.decode("utf-8", "replace"))
