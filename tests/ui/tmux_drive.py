"""Drive the real `pytui` in a tmux session, like a person would.

Starts a loopback HTTP server (tests/fixtures_http.py, as a plain class) serving synthetic
PBS archives for this host, writes a uv catalog pointing at it, runs `pytui` against a tmp
install root and cache, sends keys and checks the screen text with `tmux capture-pane`,
waiting for the text each step expects (never a fixed sleep). Two scenarios:

- `install` (default): `/` + version + Enter to filter, `i` to install; the job downloads,
  ends, and the build shows in Installed and Cached; `q` quits.
- `resize`: starts a download that trickles for minutes, then resizes the window through
  80x24, 120x36 and 200x50 (and back) while it runs; no frame written after the resize from
  200 to 80 columns has 200's columns (the first one did); at each size the header keeps both
  lines, the footer fits (every key from 120 columns on, `? All keys` when some are left out,
  the same line for the same width whatever came before), and whole build keys stay
  whole in the panes (from 120 columns on; at 80, through their version) and the job row; `c` cancels the job, `q` quits.
- `toast` (at 40x12): `y` raises a toast, `4` unfolds the Jobs panel under it; once the
  toast has gone no row keeps a trace of it (Textual repainted only part of where it was).
- `stuck` (at 80x24 by default): the mirror accepts the connection and never answers, with a
  read timeout of an hour (UV_HTTP_TIMEOUT=3600). `i` starts the install; once its request
  reached the server, `c` cancels it and the row must say "cancelled"; the mirror answers
  again and `i` installs the same build; a second build's install is stuck the same way and
  `q`, `y` must end the process, leaving nothing of it installed.

    python tests/ui/tmux_drive.py [--scenario resize|stuck] [--keep] [--show] [--size 80x24]

Exit 0 when every check passed; prints the captured screens with --show. Skips (exit 77)
when tmux is missing. `tests/ui/test_ui_tmux.py` runs it under pytest.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: the fixture modules

from archive_writers import Member  # noqa: E402
from fixtures_archives import (  # noqa: E402
    MadeArchive,
    file,
    host_platform,
    make_pbs_archive,
    write_uv_catalog,
)
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


def drive(work: Path, *, show: bool) -> list[tuple[str, str]]:
    """Run the whole scenario; return (step, screen text) pairs."""
    home, root, cache = _home(work)
    screens: list[tuple[str, str]] = []
    with FaultyHTTPServer() as server:
        payload = [file("lib/payload.bin", os.urandom(3_000_000))]
        # About 4 s to download, so the progress bar is seen moving.
        made = _served(work / "made", server, VERSION, extra=payload, rate=800_000)
        other = _served(work / "made2", server, "3.13.1")
        catalog = write_uv_catalog(home / "catalog.json", [made.build, other.build])
        key = made.build.key
        command = _pytui_command(work, home, catalog, root, cache)
        tmux = Tmux(f"pytui-drive-{os.getpid()}")
        tmux.start(command)
        try:
            # A narrow pane cuts the key with "…" after its version (at 80 columns): its start,
            # up to the version, is there at every size.
            named = "-".join(key.split("-")[:2])
            screen = wait_screen(tmux, lambda s: named in s and "ONLINE" in s, "the main screen")
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
            # Enter keeps the filter and gives the table the focus: the footer stops showing
            # the filter box's own keys. Only then is `i` a key for the table.
            wait_screen(tmux, lambda s: "Clear filter" not in s.splitlines()[-1],
                        "the table to have the focus again")
            tmux.keys("i")
            screen = wait_screen(tmux, lambda s: "download" in s and "%" in s,
                                 "the job downloading")
            screens.append(("downloading", screen))
            screen = wait_screen(tmux, lambda s: " done " in s or "done" in _jobs_part(s),
                                 "the job to finish")
            # Installed shows a key that does not fit as its version (`3.12.8`).
            version = key.split("-")[1]
            screen = wait_screen(tmux, lambda s: named in _installed_part(s)
                                 or f" {version} " in _installed_part(s), "Installed row")
            screens.append(("installed", screen))
            assert "ok" in screen, "the Cached pane shows the archive as ok"
            assert "✓" in screen, "the Available row shows installed"
            executable = root / key / "bin" / f"python{VERSION.rsplit('.', 1)[0]}"
            assert executable.exists(), executable
            _quit(tmux, work)
        finally:
            tmux.kill()
    _show(screens, show)
    return screens


def drive_stuck(work: Path, *, show: bool) -> list[tuple[str, str]]:
    """Cancel and quit while the mirror never answers (see the module's docstring)."""
    home, root, cache = _home(work)
    screens: list[tuple[str, str]] = []
    with FaultyHTTPServer() as server:
        made = _served(work / "made", server, VERSION)
        other = _served(work / "made2", server, "3.13.1")
        catalog = write_uv_catalog(home / "catalog.json", [made.build, other.build])
        for each in (made, other):
            server.set_faults(each.url_path, mode="silent")
        command = _pytui_command(work, home, catalog, root, cache,
                                 {"UV_HTTP_TIMEOUT": "3600", "PYTUI_HTTP_SPEED_LIMIT": "0"})
        tmux = Tmux(f"pytui-drive-{os.getpid()}")
        tmux.start(command)
        try:
            minor = VERSION.rsplit(".", 1)[0]
            wait_screen(tmux, lambda s: f"cpython-{minor}" in s and "ONLINE" in s,
                        "the main screen")
            tmux.keys("G")  # the last row: 3.12 (newest first)
            tmux.keys("i")
            _await_request(server, made.url_path, tmux)
            screens.append(("waiting for the mirror", tmux.screen()))
            tmux.keys("c")
            screen = wait_screen(tmux, lambda s: "cancelled" in _jobs_part(s),
                                 "the row to say cancelled", timeout=20)
            screens.append(("cancelled", screen))
            # The mirror answers again: the same build installs.
            server.set_faults(made.url_path, mode=None)
            tmux.keys("i")
            screen = wait_screen(tmux, lambda s: "done" in _jobs_part(s), "the second install")
            screens.append(("installed after the cancel", screen))
            assert (root / made.build.key / "bin" / f"python{minor}").exists()
            # Another build stuck the same way, then quit.
            tmux.keys("g")
            tmux.keys("i")
            _await_request(server, other.url_path, tmux)
            screens.append(("second build waiting", tmux.screen()))
            _quit(tmux, work)
            assert not (root / other.build.key).exists()
            temp = root / ".temp"
            assert not temp.is_dir() or not any(temp.iterdir()), sorted(temp.iterdir())
        finally:
            tmux.kill()
    _show(screens, show)
    return screens


def _home(work: Path) -> tuple[Path, Path, Path]:
    """A fresh home for the run, and the install root and cache dir in it."""
    home = work / "home"
    home.mkdir(parents=True)
    return home, home / "root", home / "cache"


def _served(dest: Path, server: FaultyHTTPServer, version: str, *, extra: Iterable[Member] = (),
            rate: int | None = None) -> MadeArchive:
    """A PBS archive of `version` for this host, served (trickled at `rate` bytes/s if given)."""
    os_name, arch, libc = host_platform()
    made = make_pbs_archive(dest, version=version, os_name=os_name, arch=arch, libc=libc,
                            extra=extra)
    return made.serve(server, rate=rate) if rate is not None else made.serve(server)


def _await_request(server: FaultyHTTPServer, url_path: str, tmux: Tmux) -> None:
    """Wait until the install's request for `url_path` reached the server (a hang detector
    bounds it)."""
    deadline = time.monotonic() + 60
    while server.count(url_path) < 1:
        assert time.monotonic() < deadline, f"no request reached the server:\n{tmux.screen()}"
        time.sleep(0.05)


def _show(screens: list[tuple[str, str]], show: bool) -> None:
    if show:
        for step, screen in screens:
            print(f"===== {step} =====")
            print(screen)


def _pytui_command(work: Path, home: Path, catalog: Path, root: Path, cache: Path,
                   extra_env: dict[str, str] | None = None) -> str:
    env = {
        "HOME": str(home), "XDG_STATE_HOME": str(home / "state"),
        "XDG_BIN_HOME": str(home / "bin"), "TEXTUAL_ANIMATIONS": "none",
        "PYTUI_IDLE_FILE": str(_idle_file(work)),
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


def _quit(tmux: Tmux, work: Path) -> None:
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


# The sizes the resize scenario goes through while a job runs (back and forth, so each
# width is seen after a wider and after a narrower one).
RESIZES = ((80, 24), (120, 36), (200, 50), (80, 24), (200, 50), (120, 36))


def drive_resize(work: Path, *, show: bool) -> list[tuple[str, str]]:
    """Resize through 80x24, 120x36 and 200x50 while a download trickles."""
    home, root, cache = _home(work)
    screens: list[tuple[str, str]] = []
    with FaultyHTTPServer() as server:
        payload = [file("lib/payload.bin", os.urandom(6_000_000))]
        # Minutes to download (above the downloader's speed floor): it runs through every
        # resize however loaded the machine is, and is cancelled at the end.
        made = _served(work / "made", server, VERSION, extra=payload, rate=20_000)
        others = [_served(work / f"made{v}", server, v) for v in ("3.13.1", "3.11.11")]
        catalog = write_uv_catalog(home / "catalog.json",
                                   [made.build, *(o.build for o in others)])
        key = made.build.key
        every_key = [made.build.key, *(o.build.key for o in others)]
        tmux = Tmux(f"pytui-resize-{os.getpid()}")
        tmux.start(_pytui_command(work, home, catalog, root, cache))
        try:
            screen = wait_screen(tmux, lambda s: key in s and "ONLINE" in s, "the main screen")
            # Highlight the slow build (newest first: 3.13.1, 3.12.8, ...) and install it.
            tmux.keys("Down")
            wait_screen(tmux, lambda s: _details_key(s) == key, "the slow build highlighted")
            tmux.keys("i")
            screen = wait_screen(tmux, lambda s: "download" in _jobs_part(s),
                                 "the job downloading")
            screens.append(("downloading", screen))
            footers: dict[int, str] = {}
            last_width = 0
            for width, height in RESIZES:
                # From 200 to 80 columns, what pytui writes is recorded: its first frame drew
                # Available with 200's columns (Support whole, Variant cut at the edge) before
                # the widths followed; no frame may show Variant, a column 80 has no room for.
                narrowed = work / f"narrowed-to-{width}.out"
                if (last_width, width) == (200, 80):
                    tmux.run("pipe-pane", "-O", "-t", tmux.session, f"cat > {narrowed}")
                last_width = width
                tmux.run("resize-window", "-t", tmux.session, "-x", str(width), "-y",
                         str(height))
                screen = wait_screen(
                    tmux, lambda s, w=width, h=height: _layout_problem(
                        s, w, h, every_key, key) is None,
                    f"the screen re-fitted to {width}x{height}",
                    explain=lambda s, w=width, h=height: _layout_problem(
                        s, w, h, every_key, key))
                screens.append((f"{width}x{height}", screen))
                if narrowed.exists():
                    tmux.run("pipe-pane", "-t", tmux.session)  # (no command: stops it)
                    written = _plain_text(narrowed.read_bytes())
                    narrowed.unlink()
                    # (A frame drawn at 200 columns just before the resize may be in it too:
                    # there Variant is followed by Build, not cut by the pane's edge.)
                    assert written and "Variant┃" not in written, \
                        f"a frame at {width} columns drew the columns of 200:\n{written[-3000:]}"
                    # Nor Details at 200's height: at 80x24 (`-short`) it shows its title
                    # and the support line, never the install path below them.
                    assert "install  ~/root" not in written, \
                        f"a frame at {width} columns drew Details as at 200x50:\n{written[-3000:]}"
                footer = screen.splitlines()[-1].rstrip()
                assert footers.setdefault(width, footer) == footer, \
                    f"the footer at {width} columns changed:\n{footers[width]}\n{footer}"
            tmux.keys("c")
            screen = wait_screen(tmux, lambda s: "cancelled" in _jobs_part(s), "the cancel")
            screens.append(("cancelled", screen))
            _quit(tmux, work)
        finally:
            tmux.kill()
    _show(screens, show)
    return screens


def drive_toast(work: Path, *, show: bool) -> list[tuple[str, str]]:
    """At 40x12 a toast over panes whose layout changes under it (`4` unfolds the Jobs panel)
    must leave nothing on the terminal once it has gone."""
    home, root, cache = _home(work)
    screens: list[tuple[str, str]] = []
    with FaultyHTTPServer() as server:
        made = _served(work / "made", server, VERSION)
        # Four builds, more than the 40x12 Available pane shows: the trace showed with them,
        # not with one or two.
        others = [_served(work / f"made{v}", server, v) for v in ("3.13.1", "3.11.11", "3.10.16")]
        catalog = write_uv_catalog(home / "catalog.json", [made.build, *(o.build for o in others)])
        command = _pytui_command(work, home, catalog, root, cache)
        # An install beforehand (`pytui install`): the panes as a user has them.
        subprocess.run(command.split(";")[0] + " install 3.11.11", shell=True, check=True,
                       capture_output=True)
        tmux = Tmux(f"pytui-toast-{os.getpid()}")
        tmux.start(command)
        try:
            wait_screen(tmux, lambda s: "ONLINE" in s and "✓●" in s, "the main screen, listed")
            # Nothing else redraws the panes meanwhile (a listing, a scan's end would hide
            # the trace): pytui says it is quiet.
            _quiet(work)
            tmux.keys("y")
            screens.append(("toast", wait_screen(tmux, lambda s: "Copied" in s, "the toast")))
            tmux.keys("4")
            screens.append(("jobs focused", wait_screen(
                tmux, lambda s: "┏━ Jobs" in s, "the Jobs panel focused")))
            # The toast goes after its time; every row it covered is drawn again.
            screen = wait_screen(
                tmux, lambda s: "Copied" not in s and "…/" not in s
                and s.splitlines()[1].lstrip().startswith("root"), "the toast gone, no trace")
            screens.append(("toast gone", screen))
            _quit(tmux, work)
        finally:
            tmux.kill()
    _show(screens, show)
    return screens


def _quiet(work: Path, timeout: float = 60.0) -> None:
    """Until pytui says it fell quiet (PYTUI_IDLE_FILE, app/idle_signal.py): its startup steps
    and every background thread are over and the frame after them is drawn, so nothing
    redraws the panes until a key. An event of the app's, not a screen unchanged for a time
    (which a scan slowed by a busy machine outlasted)."""
    idle = _idle_file(work)
    deadline = time.monotonic() + timeout
    while not (idle.exists() and idle.read_text().strip()):
        assert time.monotonic() < deadline, f"pytui never said it was quiet in {idle}"
        time.sleep(0.05)


def _idle_file(work: Path) -> Path:
    return work / "idle.txt"


def _plain_text(written: bytes) -> str:
    """What a terminal was sent, without its control sequences (each cell's text in order)."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|[\r\n]", "",
                  written.decode("utf-8", "replace"))


def _layout_problem(screen: str, width: int, height: int, keys: list[str],
                    job_key: str) -> str | None:
    """What is wrong with the screen at this size, or None when everything is in place.
    Polled until None: a frame drawn half-way through a resize is simply not the last."""
    lines = screen.splitlines()
    if len(lines) != height or any(len(line) > width for line in lines):
        return "not redrawn at this size yet"
    if not any(len(line.rstrip()) == width and line.rstrip()[-1:] in "╮┓" for line in lines):
        return "no pane reaches the right edge"
    for pane in ("Available", "Cached", "Installed", "Details", "Jobs"):
        if pane not in screen:
            return f"the {pane} pane is missing"
    # The header keeps both lines, the paths whole when they fit.
    if not (lines[0].lstrip().startswith("pytui") and "catalog" in lines[0]):
        return "the header's first line"
    if not (lines[1].lstrip().startswith("root ~/root") and "cache ~/cache" in lines[1]):
        return "the header's second line (root and cache)"
    # The footer: every key from 120 columns on, else the important ones and where the
    # rest are.
    footer = " ".join(lines[-1].split())
    wanted = ["i Install", "c Cancel", "q Quit", "/ Filter"]
    wanted += (["? Help", "p P Purge", "v Verify", "a A f View", "o Offline", "r Refresh"]
               if width >= 120 else ["? All keys"])
    missing = [part for part in wanted if part not in footer]
    if missing:
        return f"the footer lacks {missing}"
    if "Purgev" in lines[-1] or "Viewo" in lines[-1]:
        return "the footer glues labels to keys"
    # The columns are re-fitted: the last one (Size) is on screen, not past the edge.
    available = screen.split("Cached", 1)[0]
    if "Size" not in available:
        return "Available's columns are not re-fitted (Size is past the edge)"
    # Whole keys stay whole from 120 columns on: every build key in Available, the job's key
    # on its row. Narrower, the key gives way after the variant and the support status, down
    # to its version (`cpython-3.12.8-linux-x…`).
    if width >= 120:
        cut = [key for key in keys if key not in available]
    else:
        cut = [key for key in keys if "-".join(key.split("-")[:2]) not in available]
    if cut:
        return f"Available cuts {cut}"
    jobs = _jobs_part(screen)
    if job_key not in jobs or "download" not in jobs:
        return "the job row's key or phase is cut"
    return None


def _details_key(screen: str) -> str:
    """The key the Details panel shows (its first line's first word)."""
    lines = screen.splitlines()
    at = next((i for i, line in enumerate(lines) if "Details" in line), None)
    if at is None or at + 1 >= len(lines):
        return ""
    words = lines[at + 1].strip("│┃ ").split()
    return words[0] if words else ""


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
    parser.add_argument("--scenario", choices=("install", "resize", "stuck", "toast"),
                        default="install")
    args = parser.parse_args(argv)
    sizes = {"stuck": "80x24", "toast": "40x12"}
    size = (sizes.get(args.scenario, args.size) if "--size" not in (argv or sys.argv)
            else args.size)
    SIZE[:] = [int(part) for part in size.lower().split("x")]
    if shutil.which("tmux") is None:
        print("tmux is not installed; skipping", file=sys.stderr)
        return SKIP
    work = Path(tempfile.mkdtemp(prefix="pytui-tmux-"))
    try:
        {"resize": drive_resize, "stuck": drive_stuck, "toast": drive_toast}.get(
            args.scenario, drive)(work, show=args.show)
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
