"""Render the README screenshots (SVG and PNG) from the app factory, with fixed data.

    python screenshots/make_screenshots.py [--out screenshots] [--no-png]

A fixed catalog of synthetic PBS builds (real archives, made by tests/fixtures_archives.py)
is served by a loopback HTTP server (tests/fixtures_http.py, port 8123) standing in as `--mirror`; two
builds are installed beforehand through the real install job. Then the app is driven with
Pilot and saved at each step:

    main.svg        the three panes, details and the (empty) jobs panel
    downloading.svg two jobs mid-download (a slow mirror)
    offline.svg     offline mode: uncached builds dimmed
    purge.svg       the purge-rules modal with its preview and bytes freed
    environments.svg the Environments view (`e`): venvs, a uv tool, a pin, a broken one
    help.svg        the `?` help screen
    light.svg       the light theme, the Installed pane focused
    narrow.svg      80x24 with a job downloading (the footer leaves keys out: `? All keys`)

PNGs are made with `rsvg-convert` (Debian: `apt-get install librsvg2-bin`) when present.
Nothing here touches the internet. This is a script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from fixtures_archives import MadeArchive, file, make_pbs_archive  # noqa: E402
from fixtures_http import FaultyHTTPServer  # noqa: E402

SIZE = (120, 36)
BUILD_DATE = "20250818"
# (version, variant, payload bytes): payloads make sizes and downloads look like something.
BUILDS = (
    ("3.14.0rc2", "default", 900_000),
    ("3.13.7", "default", 1_400_000),
    ("3.13.7", "freethreaded", 1_300_000),
    ("3.12.11", "default", 1_200_000),
    ("3.12.10", "default", 1_200_000),
    ("3.11.13", "default", 1_100_000),
    ("3.10.18", "default", 1_000_000),
    ("3.9.23", "default", 1_000_000),
)
INSTALLED = ("3.12.11", "3.11.13")
DOWNLOAD_RATE = 220_000  # bytes/s: slow enough to catch the jobs mid-download
# The mirror's port: the downloading shot's Details names the URL a job downloads from, and an
# ephemeral port changed it (and the SVG and PNG in git) every time the shots were made.
MIRROR_PORT = 8123


def mirror_server() -> FaultyHTTPServer:
    """The loopback mirror on MIRROR_PORT; on another port when that one is taken (said: the
    downloading shot then names it)."""
    try:
        return FaultyHTTPServer(port=MIRROR_PORT)
    except OSError as err:
        print(f"port {MIRROR_PORT} is taken ({err.strerror}): the mirror listens on another, "
              "which downloading.svg names", file=sys.stderr)
        return FaultyHTTPServer()


def make_world(work: Path, server: FaultyHTTPServer):
    """Archives, catalog and settings; the mirror is the loopback server."""
    from pytui.core.catalog import Catalog
    from pytui.core.settings import Settings

    made: dict[tuple[str, str], MadeArchive] = {}
    for index, (version, variant, payload) in enumerate(BUILDS):
        # Seeded, not os.urandom: the same archives (and sha256 prefixes in Cached's File
        # column) every time the shots are made; random bytes still do not compress.
        extra = [file("lib/payload.bin", random.Random(f"{version}-{variant}").randbytes(payload))]
        archive = make_pbs_archive(work / "made" / str(index), version=version, variant=variant,
                                   build_date=BUILD_DATE, flavor="install_only_stripped",
                                   extra=extra)
        # Served where a PBS mirror keeps it; the catalog keeps the GitHub release URL.
        server.add_file(archive.url_path, archive.path, rate=DOWNLOAD_RATE)
        made[(version, variant)] = archive
    home = Path(os.environ["HOME"])  # the tmp home `hermetic_home` set up
    settings = Settings.resolve(mirror=server.base_url)
    builds = [archive.build for archive in made.values()]
    catalog = Catalog(builds, source="download-metadata.json", fetched_at=FIXED_NOW - 3 * 3600)
    return home, settings, catalog, made


FIXED_NOW = 1_755_600_000.0


def preinstall(settings, catalog, made) -> None:
    """Install two builds with the real job (and leave a cancelled download's `.part`)."""
    from pytui.core.jobs import InstallJob

    for version in INSTALLED:
        build = made[(version, "default")].build
        InstallJob(build, settings=settings, catalog=catalog).run()
    # An old build of 3.12.11 nobody names any more: an orphan for the purge preview.
    orphan = settings.cache_dir / "4f0c1a2b3-cpython-3.12.11-20250723-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz"
    orphan.write_bytes(random.Random("orphan").randbytes(700_000))


def make_environments(home: Path, settings) -> None:
    """Environments as `uv venv -p 3.12`, `python -m venv` from a patch dir, uv tools and
    virtualenvwrapper lay them out (pyvenv.cfg and the bin/python link: the synthetic
    installs do not run, so nothing is executed), a pin, and one whose Python is gone."""
    root = settings.install_root
    minor = root / "cpython-3.12-linux-x86_64-gnu" / "bin" / "python3.12"
    patch = root / "cpython-3.11.13-linux-x86_64-gnu" / "bin" / "python3.11"
    gone = root / "cpython-3.10.16-linux-x86_64-gnu" / "bin" / "python3.10"

    def env(dest: Path, python: Path, version: str) -> None:
        (dest / "bin").mkdir(parents=True)
        (dest / "bin" / "python").symlink_to(python)
        (dest / "pyvenv.cfg").write_text(f"home = {python.parent}\ninclude-system-site-packages"
                                         f" = false\nversion = {version}\n")

    env(home / "code" / "api" / ".venv", minor, "3.12.11")
    (home / "code" / "api" / ".python-version").write_text("3.12\n")
    env(home / "code" / "legacy" / ".venv", patch, "3.11.13")
    env(home / "code" / "scraper" / ".venv", minor, "3.12.11")
    env(home / ".local" / "share" / "uv" / "tools" / "ruff", minor, "3.12.11")
    env(home / ".virtualenvs" / "old-notebooks", gone, "3.10.16")


async def settle(pilot, condition=lambda: True, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await pilot.pause(0.05)
    await pilot.pause()


def save(app, out: Path, name: str) -> Path:
    app.save_screenshot(f"{name}.svg", path=str(out))
    return out / f"{name}.svg"


async def shoot(out: Path) -> list[Path]:
    from pytui.app import pytui_app
    from pytui.app.tui import make_app
    from pytui.core.platform_detect import HostPlatform

    # The same images every time: no listing asked for by the disk watch (app/disk_watch.py)
    # lands between a step and its shot (the jobs here list the disk when they end anyway).
    pytui_app.DISK_WATCH_INTERVAL = 3600.0

    host = HostPlatform(os="linux", arch="x86_64", libc="gnu", x86_64_level="v3")
    shots: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="pytui-shots-") as tmp, mirror_server() as server:
        work = Path(tmp)
        hermetic_home(work / "home")
        home, settings, catalog, made = make_world(work, server)
        assert str(settings.install_root).startswith(tmp), settings.install_root
        # The pre-installs download at full speed.
        for version in INSTALLED:
            server.set_faults(made[(version, "default")].url_path, rate=None)
        preinstall(settings, catalog, made)
        make_environments(home, settings)

        # Shots that download nothing show what a user without --mirror sees: Details names
        # the URL an install downloads from (Astral's mirror), not the loopback server's.
        from pytui.core.settings import Settings

        default_settings = Settings.resolve()

        def app_for(mirrored: bool = True):
            return make_app(settings if mirrored else default_settings, catalog=catalog, host=host,
                            refresh=False, show_eta=True, clock=lambda: FIXED_NOW, home=home)

        app = app_for(mirrored=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: app.state.disk_listed and app.state.sizes
                         and app.state.environments and not app.state.envs_scanning)
            app.query_one("#available").select_key(made[("3.13.7", "default")].build.key)
            await settle(pilot)
            shots.append(save(app, out, "main"))

        app = app_for()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: app.state.disk_listed and app.state.sizes
                         and app.state.environments and not app.state.envs_scanning)
            table = app.query_one("#available")
            await pilot.press("f")  # show the free-threaded build too
            await settle(pilot)
            for key in (made[("3.14.0rc2", "default")].build.key,
                        made[("3.13.7", "freethreaded")].build.key):
                table.select_key(key)
                await pilot.press("i")
            jobs = list(app.state.jobs.values())
            # Saved while at least one is well under way (the other may be ahead or behind).
            await settle(pilot, lambda: any(j.phase == "download" and j.total and
                                            j.done > 0.4 * j.total for j in jobs),
                         timeout=30)
            shots.append(save(app, out, "downloading"))
            for job in jobs:
                app.runner.cancel(job.job_id)
            await settle(pilot, lambda: all(app.runner.stopped(j.job_id) for j in jobs))

        app = app_for(mirrored=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: app.state.disk_listed and app.state.sizes)
            await pilot.press("o")
            await settle(pilot)
            app.clear_notifications()
            app.query_one("#available").select_key(made[("3.13.7", "default")].build.key)
            await settle(pilot)
            shots.append(save(app, out, "offline"))

            await pilot.press("P")
            modal = app.screen
            await settle(pilot, lambda: getattr(modal, "plan", None))
            shots.append(save(app, out, "purge"))
            await pilot.press("escape")
            await pilot.press("question_mark")
            await settle(pilot)
            shots.append(save(app, out, "help"))
            await pilot.press("escape")
            await pilot.press("e")
            await settle(pilot, lambda: app.state.environments and not app.state.envs_scanning)
            await settle(pilot)
            shots.append(save(app, out, "environments"))

            await pilot.press("escape")
            app.theme = "textual-light"
            await pilot.press("o")  # online again
            await pilot.press("tab", "tab")  # Available -> Cached -> Installed
            await settle(pilot)
            app.clear_notifications()
            await settle(pilot)
            shots.append(save(app, out, "light"))

        app = app_for()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot, lambda: app.state.disk_listed and app.state.sizes)
            table = app.query_one("#available")
            table.select_key(made[("3.13.7", "default")].build.key)
            await pilot.press("i")
            jobs = list(app.state.jobs.values())
            await settle(pilot, lambda: all(j.phase == "download" and j.total and
                                            j.done > 0.4 * j.total for j in jobs),
                         timeout=30)
            shots.append(save(app, out, "narrow"))
            for job in jobs:
                app.runner.cancel(job.job_id)
            await settle(pilot, lambda: all(app.runner.stopped(j.job_id) for j in jobs))
    return shots


def to_png(svg: Path) -> Path | None:
    converter = shutil.which("rsvg-convert")
    if converter is None:
        return None
    png = svg.with_suffix(".png")
    # rsvg-convert drops the leading no-break space of Rich's text runs unless told to keep
    # white space (the PNG would show "?Help" where the terminal shows "? Help").
    kept = svg.with_suffix(".preserve.svg")
    kept.write_text(svg.read_text().replace("<svg ", '<svg xml:space="preserve" ', 1))
    try:
        subprocess.run([converter, "-o", str(png), str(kept)], check=True)
    finally:
        kept.unlink()
    return png


def hermetic_home(home: Path) -> None:
    """Point HOME and every XDG / uv / pytui variable at a tmp home, so the installs and
    archives the screenshots need never land in the real user's directories."""
    for name in list(os.environ):
        if name.startswith(("UV_", "PYTUI_", "XDG_")):
            del os.environ[name]
    home.mkdir(parents=True, exist_ok=True)
    os.environ["HOME"] = str(home)
    os.environ["XDG_DATA_HOME"] = str(home / ".local" / "share")
    os.environ["XDG_CACHE_HOME"] = str(home / ".cache")
    os.environ["XDG_STATE_HOME"] = str(home / ".local" / "state")
    os.environ["XDG_BIN_HOME"] = str(home / ".local" / "bin")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--no-png", action="store_true")
    args = parser.parse_args(argv)
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    args.out.mkdir(parents=True, exist_ok=True)
    shots = asyncio.run(shoot(args.out))
    for svg in shots:
        png = None if args.no_png else to_png(svg)
        print(svg, png or "(no PNG: install librsvg2-bin for rsvg-convert)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
