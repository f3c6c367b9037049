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
when tmux is missing. `tests/ui/test_ui_tmux.py` runs it under pytest. The tmux session and
the world pytui runs in are tests/ui/tmux_session.py's; what a screen must show,
tests/ui/tmux_screens.py's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: the fixture modules

from fixtures_archives import file, write_uv_catalog  # noqa: E402
from tmux_screens import (  # noqa: E402
    details_key,
    install_line_at,
    installed_part,
    jobs_part,
    layout_problem,
)
from tmux_session import (  # noqa: E402
    HEIGHT,
    SIZE,
    VERSION,
    WIDTH,
    FaultyHTTPServer,
    Tmux,
    await_request,
    home_dirs,
    plain_text,
    pytui_command,
    quit_pytui,
    served,
    show_screens,
    wait_quiet,
    wait_screen,
)

SKIP = 77


def drive(work: Path, *, show: bool) -> list[tuple[str, str]]:
    """Run the whole scenario; return (step, screen text) pairs."""
    home, root, cache = home_dirs(work)
    screens: list[tuple[str, str]] = []
    with FaultyHTTPServer() as server:
        payload = [file("lib/payload.bin", os.urandom(3_000_000))]
        # About 4 s to download, so the progress bar is seen moving.
        made = served(work / "made", server, VERSION, extra=payload, rate=800_000)
        other = served(work / "made2", server, "3.13.1")
        catalog = write_uv_catalog(home / "catalog.json", [made.build, other.build])
        key = made.build.key
        command = pytui_command(work, home, catalog, root, cache)
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
            screen = wait_screen(tmux, lambda s: " done " in s or "done" in jobs_part(s),
                                 "the job to finish")
            # Installed shows a key that does not fit as its version (`3.12.8`).
            version = key.split("-")[1]
            screen = wait_screen(tmux, lambda s: named in installed_part(s)
                                 or f" {version} " in installed_part(s), "Installed row")
            screens.append(("installed", screen))
            assert "ok" in screen, "the Cached pane shows the archive as ok"
            assert "✓" in screen, "the Available row shows installed"
            executable = root / key / "bin" / f"python{VERSION.rsplit('.', 1)[0]}"
            assert executable.exists(), executable
            quit_pytui(tmux, work)
        finally:
            tmux.kill()
    show_screens(screens, show)
    return screens


def drive_stuck(work: Path, *, show: bool) -> list[tuple[str, str]]:
    """Cancel and quit while the mirror never answers (see the module's docstring)."""
    home, root, cache = home_dirs(work)
    screens: list[tuple[str, str]] = []
    with FaultyHTTPServer() as server:
        made = served(work / "made", server, VERSION)
        other = served(work / "made2", server, "3.13.1")
        catalog = write_uv_catalog(home / "catalog.json", [made.build, other.build])
        for each in (made, other):
            server.set_faults(each.url_path, mode="silent")
        command = pytui_command(work, home, catalog, root, cache,
                                 {"UV_HTTP_TIMEOUT": "3600", "PYTUI_HTTP_SPEED_LIMIT": "0"})
        tmux = Tmux(f"pytui-drive-{os.getpid()}")
        tmux.start(command)
        try:
            minor = VERSION.rsplit(".", 1)[0]
            wait_screen(tmux, lambda s: f"cpython-{minor}" in s and "ONLINE" in s,
                        "the main screen")
            tmux.keys("G")  # the last row: 3.12 (newest first)
            tmux.keys("i")
            await_request(server, made.url_path, tmux)
            screens.append(("waiting for the mirror", tmux.screen()))
            tmux.keys("c")
            screen = wait_screen(tmux, lambda s: "cancelled" in jobs_part(s),
                                 "the row to say cancelled", timeout=20)
            screens.append(("cancelled", screen))
            # The mirror answers again: the same build installs.
            server.set_faults(made.url_path, mode=None)
            tmux.keys("i")
            screen = wait_screen(tmux, lambda s: "done" in jobs_part(s), "the second install")
            screens.append(("installed after the cancel", screen))
            assert (root / made.build.key / "bin" / f"python{minor}").exists()
            # Another build stuck the same way, then quit.
            tmux.keys("g")
            tmux.keys("i")
            await_request(server, other.url_path, tmux)
            screens.append(("second build waiting", tmux.screen()))
            quit_pytui(tmux, work)
            assert not (root / other.build.key).exists()
            temp = root / ".temp"
            assert not temp.is_dir() or not any(temp.iterdir()), sorted(temp.iterdir())
        finally:
            tmux.kill()
    show_screens(screens, show)
    return screens


# The sizes the resize scenario goes through while a job runs (back and forth, so each
# width is seen after a wider and after a narrower one).
RESIZES = ((80, 24), (120, 36), (200, 50), (80, 24), (200, 50), (120, 36))


def drive_resize(work: Path, *, show: bool) -> list[tuple[str, str]]:
    """Resize through 80x24, 120x36 and 200x50 while a download trickles."""
    home, root, cache = home_dirs(work)
    screens: list[tuple[str, str]] = []
    with FaultyHTTPServer() as server:
        payload = [file("lib/payload.bin", os.urandom(6_000_000))]
        # Minutes to download (above the downloader's speed floor): it runs through every
        # resize however loaded the machine is, and is cancelled at the end.
        made = served(work / "made", server, VERSION, extra=payload, rate=20_000)
        others = [served(work / f"made{v}", server, v) for v in ("3.13.1", "3.11.11")]
        catalog = write_uv_catalog(home / "catalog.json",
                                   [made.build, *(o.build for o in others)])
        key = made.build.key
        every_key = [made.build.key, *(o.build.key for o in others)]
        tmux = Tmux(f"pytui-resize-{os.getpid()}")
        tmux.start(pytui_command(work, home, catalog, root, cache))
        try:
            screen = wait_screen(tmux, lambda s: key in s and "ONLINE" in s, "the main screen")
            # Highlight the slow build (newest first: 3.13.1, 3.12.8, ...) and install it.
            tmux.keys("Down")
            wait_screen(tmux, lambda s: details_key(s) == key, "the slow build highlighted")
            tmux.keys("i")
            screen = wait_screen(tmux, lambda s: "download" in jobs_part(s),
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
                    tmux, lambda s, w=width, h=height: layout_problem(
                        s, w, h, every_key, key) is None,
                    f"the screen re-fitted to {width}x{height}",
                    explain=lambda s, w=width, h=height: layout_problem(
                        s, w, h, every_key, key))
                screens.append((f"{width}x{height}", screen))
                if narrowed.exists():
                    tmux.run("pipe-pane", "-t", tmux.session)  # (no command: stops it)
                    raw = narrowed.read_bytes()
                    written = plain_text(raw)
                    narrowed.unlink()
                    # (A frame drawn at 200 columns just before the resize may be in it too:
                    # there Variant is followed by Build, not cut by the pane's edge.)
                    assert written and "Variant┃" not in written, \
                        f"a frame at {width} columns drew the columns of 200:\n{written[-3000:]}"
                    # Nor Details at 200's height: at 80x24 (`-short`) it shows its title
                    # and the support line, never the install path below them.
                    drawn = install_line_at(raw, height)
                    assert drawn is None, \
                        f"a frame at {width}x{height} drew Details as at 200x50: {drawn!r}"
                footer = screen.splitlines()[-1].rstrip()
                assert footers.setdefault(width, footer) == footer, \
                    f"the footer at {width} columns changed:\n{footers[width]}\n{footer}"
            tmux.keys("c")
            screen = wait_screen(tmux, lambda s: "cancelled" in jobs_part(s), "the cancel")
            screens.append(("cancelled", screen))
            quit_pytui(tmux, work)
        finally:
            tmux.kill()
    show_screens(screens, show)
    return screens


def drive_toast(work: Path, *, show: bool) -> list[tuple[str, str]]:
    """At 40x12 a toast over panes whose layout changes under it (`4` unfolds the Jobs panel)
    must leave nothing on the terminal once it has gone."""
    home, root, cache = home_dirs(work)
    screens: list[tuple[str, str]] = []
    with FaultyHTTPServer() as server:
        made = served(work / "made", server, VERSION)
        # Four builds, more than the 40x12 Available pane shows: the trace showed with them,
        # not with one or two.
        others = [served(work / f"made{v}", server, v) for v in ("3.13.1", "3.11.11", "3.10.16")]
        catalog = write_uv_catalog(home / "catalog.json", [made.build, *(o.build for o in others)])
        command = pytui_command(work, home, catalog, root, cache)
        # An install beforehand (`pytui install`): the panes as a user has them.
        subprocess.run(command.split(";")[0] + " install 3.11.11", shell=True, check=True,
                       capture_output=True)
        tmux = Tmux(f"pytui-toast-{os.getpid()}")
        tmux.start(command)
        try:
            wait_screen(tmux, lambda s: "ONLINE" in s and "✓●" in s, "the main screen, listed")
            # Nothing else redraws the panes meanwhile (a listing, a scan's end would hide
            # the trace): pytui says it is quiet.
            wait_quiet(work)
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
            quit_pytui(tmux, work)
        finally:
            tmux.kill()
    show_screens(screens, show)
    return screens


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
