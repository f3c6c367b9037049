"""Helpers for the UI tests: the world a test runs in, and waiting for the app."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fixtures_archives import (
    MadeArchive,
    file,
    make_build,
    make_pbs_archive,
    write_uv_catalog,
)
from fixtures_http import FaultyHTTPServer
from flock_holder import lock_held
from pytui.core.models import Build
from pytui.core.platform_detect import HostPlatform
from pytui.core.settings import Settings

# Every UI test shows this host, whatever machine runs it.
HOST = HostPlatform(os="linux", arch="x86_64", libc="gnu", x86_64_level="v3")
SIZE = (120, 36)
# A payload that makes an archive big enough to watch downloading (random: incompressible).
BIG_PAYLOAD = 1_500_000


@dataclass
class UiWorld:
    """Everything a UI test needs: settings, the catalog file, the served archives."""

    home: Path
    settings: Settings
    catalog_path: Path
    server: FaultyHTTPServer
    archives: dict[str, MadeArchive] = field(default_factory=dict)

    def build(self, version: str) -> Build:
        return self.archives[version].build

    def seed_cache(self, version: str) -> Path:
        """Put an archive in the cache as uv names it (what a previous download leaves)."""
        made = self.archives[version]
        self.settings.cache_dir.mkdir(parents=True, exist_ok=True)
        target = self.settings.cache_dir / made.build.cache_filename
        shutil.copyfile(made.path, target)
        return target

    def seed_loose_tree(self, *, manifest: bool = True, sha256: str = "ab" * 32) -> Path:
        """A kept tree no archive uses: its manifest names an archive that is not in the cache
        (cpython-3.10.16's), or (`manifest` False) it has none, so it reads as unreadable."""
        tree = self.settings.cache_dir / "trees" / sha256
        (tree / "tree" / "bin").mkdir(parents=True)
        (tree / "tree" / "bin" / "python3.11").write_bytes(b"z" * 100)
        if manifest:
            from pytui.core.tree_manifest import manifest_text, scan_tree

            name = "0123456ab-cpython-3.10.16-20250115-x86_64-unknown-linux-gnu-install_only.tar.gz"
            entries = scan_tree(str(tree / "tree"))
            (tree / "manifest.json").write_text(manifest_text(sha256, name, "cpython-3.10.16-linux-x86_64-gnu",
                                                              entries))
        return tree

    def uv_env(self, work: Path) -> dict[str, str]:
        """The environment for the real uv (beside this Python) on this world's install root
        and catalog, with its own cache and bin dir under `work`."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
        env.update({"UV_NO_CONFIG": "1", "UV_NO_PROGRESS": "1", "UV_CACHE_DIR": str(work / "uv-cache"),
                    "UV_PYTHON_INSTALL_DIR": str(self.settings.install_root),
                    "UV_PYTHON_BIN_DIR": str(work / "bin"),
                    "UV_PYTHON_DOWNLOADS_JSON_URL": str(self.catalog_path)})
        return env

    def installed_dir(self, version: str) -> Path:
        return self.settings.install_root / self.build(version).key

    def temp_leftovers(self) -> list[str]:
        """What is left in the install root's `.temp/` (an ended job leaves nothing)."""
        temp = self.settings.install_root / ".temp"
        return sorted(p.name for p in temp.iterdir()) if temp.is_dir() else []

    def odd_root(self, shape: str) -> Path:
        """An install root that is no directory (`file`, or a `dangling link`), in the settings."""
        root = self.home / "odd-root"
        if shape == "file":
            root.write_bytes(b"precious")
        else:
            root.symlink_to(self.home / "nowhere")
        self.settings = self.settings.replace(install_root=root)
        return root

    def make_app(self, **kwargs: object):
        from pytui.app.tui import make_app

        kwargs.setdefault("host", HOST)
        kwargs.setdefault("refresh", False)
        kwargs.setdefault("show_eta", False)
        kwargs.setdefault("home", self.home)
        return make_app(self.settings, **kwargs)  # type: ignore[arg-type]


# The world's archives made once in a session's directory (the big one's random payload took
# most of a UI test's setup); each world gets its own copies of the files.
_MADE: dict[tuple[Path, str, bool], MadeArchive] = {}


def _make(dest: Path, version: str, big: bool) -> MadeArchive:
    extra = [file("lib/payload.bin", os.urandom(BIG_PAYLOAD))] if big else []
    return make_pbs_archive(dest, version=version, extra=extra)


def _archive(dest: Path, version: str, *, big: bool = False,
             made_once: Path | None = None) -> MadeArchive:
    if made_once is None:
        return _make(dest, version, big)
    made = _MADE.get((made_once, version, big))
    if made is None:
        made = _MADE[(made_once, version, big)] = _make(made_once / f"{version}-{big}", version, big)
    dest.mkdir(parents=True, exist_ok=True)
    return dataclasses.replace(made, path=Path(shutil.copy2(made.path, dest / made.path.name)))


def make_world(tmp_path: Path, http_server: FaultyHTTPServer, made_once: Path | None = None) -> UiWorld:
    """Three builds for the host (3.13.1, 3.12.8, 3.11.11) and one for macOS, each a real PBS
    archive served by the loopback server; 3.12.8 is big and trickles slowly (for cancel
    tests); settings point the catalog at them (`--downloads-json`). With `made_once`, the
    archives are made there once and copied into `tmp_path`."""
    home = Path(os.environ["HOME"])
    archives_dir = tmp_path / "made"
    made: dict[str, MadeArchive] = {}
    for version in ("3.13.1", "3.11.11"):
        made[version] = _archive(archives_dir / version, version, made_once=made_once).serve(http_server)
    slow = _archive(archives_dir / "3.12.8", "3.12.8", big=True, made_once=made_once)
    # ~6 s to download, never waited for in full; a test that needs it still under way after
    # several steps (a cancel, a quit question) makes it crawl (`crawl`): on a loaded machine
    # those steps took longer than the download.
    made["3.12.8"] = slow.serve(http_server, rate=250_000)
    mac = make_build(version="3.13.1", os_name="macos", arch="aarch64", libc="none",
                     sha256="ab" * 32)
    catalog_path = write_uv_catalog(home / "catalog.json",
                                    [m.build for m in made.values()] + [mac])
    settings = Settings.resolve(downloads_json=str(catalog_path))
    return UiWorld(home=home, settings=settings, catalog_path=catalog_path, server=http_server,
                   archives=made)


async def wait_for(pilot, condition: Callable[[], object], *, timeout: float = 20.0,
                   what: str = "condition") -> None:
    """Let the app run until `condition()` is true (bounded; never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def first_and_settled_frames(world: UiWorld, before: tuple[int, int],
                                   after: tuple[int, int]) -> tuple[list[str], list[str]]:
    """The app (3.13.1 cached) at `before`, then the terminal resized to `after`: the first
    frame the terminal gets at that size and the screen once it has settled, each as its lines
    of text (the first frame after a resize is laid out and drawn before the Resize event
    reaches a widget)."""
    world.seed_cache("3.13.1")
    app = world.make_app()
    async with app.run_test(size=before) as pilot:
        await ready(pilot)
        await pilot.pause()
        frames: list[list[str]] = []
        display = app._display

        def spy(screen, update) -> None:  # each frame as the terminal gets it
            frames.append([strip.text for strip in screen._compositor.render_strips()])
            display(screen, update)

        app._display = spy
        await pilot.resize_terminal(*after)
        await wait_for(pilot, lambda: frames and len(frames[0]) == after[1], what="a frame at the new size")
        await pilot.pause()
        await pilot.pause()
        first = next(frame for frame in frames if len(frame) == after[1])
        return first, [strip.text for strip in app.screen._compositor.render_strips()]


async def ready(pilot) -> None:
    """Wait until the catalog and the first disk listing are shown."""
    app = pilot.app
    await wait_for(pilot, lambda: app.state.catalog is not None and app.state.disk_listed,
                   what="catalog and disk listing")
    await pilot.pause()


def _first_hit(app) -> str:
    """The command palette's first hit as text ("" while it lists none)."""
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    if not isinstance(app.screen, CommandPalette):
        return ""
    options = app.screen.query_one(OptionList)
    if not options.option_count:
        return ""
    prompt = options.get_option_at_index(0).prompt
    return getattr(prompt, "plain", str(prompt))


async def palette_pick(pilot, typed: str, expected: str, *, opener: str | None = "ctrl+p") -> None:
    """Open the command palette with `opener` (None: it is open), type `typed`, and run the
    first hit once it is `expected`: the palette searches asynchronously, so an enter pressed
    after a fixed pause ran nothing when the machine was busy."""
    from textual.command import CommandPalette

    app = pilot.app
    if opener is not None:
        await pilot.press(opener)
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
    await pilot.press(*typed)
    await wait_for(pilot, lambda: _first_hit(app).startswith(expected),
                   what=f"{expected!r} first in the palette")
    await pilot.press("enter")


async def press_install(pilot, key: str) -> None:
    """`i` on `key`'s Available row, and its new job once it is listed: `i`'s action runs a few
    queues after `press` returns, and a job looked up after a pause was not there yet on a busy
    machine."""
    from pytui.widgets.available_table import AvailableTable

    app = pilot.app
    before = set(app.state.jobs)
    table = app.query_one("#available", AvailableTable)
    table.focus()
    assert table.select_key(key)
    await pilot.press("i")
    await wait_for(pilot, lambda: any(job.key == key for job_id, job in app.state.jobs.items()
                                      if job_id not in before), what=f"{key}'s install job")
    await pilot.pause()


async def envs_keys_handled(pilot) -> None:
    """The keys pressed before on the Environments view are handled: `c` (Stop scan), pressed
    after them once no scan runs, has said it has none to stop (keys are handled in order;
    over a question, or on the main screen, `c` says no such thing). A fixed pause before
    asserting that a key did nothing passed whether or not the key had run."""
    from pytui.app.envs_view import NO_SCAN_NOTE

    app = pilot.app
    await wait_for(pilot, lambda: not app.state.envs_scanning, what="the scan's end")
    said = notes_saying(app, NO_SCAN_NOTE)
    await pilot.press("c")
    await wait_for(pilot, lambda: notes_saying(app, NO_SCAN_NOTE) > said,
                   what="c pressed after the keys, saying no scan runs")


def notes_saying(app, message: str) -> int:
    """How many toasts said `message` (History keeps each, also one a dialog held or a newer
    toast pushed off the screen)."""
    return sum(1 for entry in app.history.entries if entry.kind == "note" and entry.message == message)


async def asked(pilot, what: str = "the question"):  # -> ConfirmModal
    """The question once it is the screen and has its lines: a key's action pushes it a few
    queues after `press` returns, and its lines are composed in its own task after that (a
    pause, then reading them, found no question or no lines on a busy machine)."""
    from pytui.app.screens import ConfirmModal

    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal) and app.screen.is_mounted,
                   what=what)
    return app.screen


async def open_purge_rules(pilot):  # -> PurgeRulesModal
    """`P`, and the Purge by rule dialog once it is the screen (its preview may still be
    under way: wait for `modal.plan` where it matters)."""
    from pytui.app.purge_screen import PurgeRulesModal

    app = pilot.app
    await pilot.press("P")
    await wait_for(pilot, lambda: isinstance(app.screen, PurgeRulesModal), what="Purge by rule")
    return app.screen


def crawl(world: UiWorld, version: str) -> None:
    """The build's download now takes minutes (still above the downloader's speed floor): a
    test that cancels or quits mid-download finds it under way however loaded the machine
    is. The world's slow build (~6 s) was not slow enough: a resumed download ended while the
    quit question was open."""
    build = world.build(version)
    world.server.set_faults(build.url.split(world.server.base_url, 1)[1], rate=20_000)


async def quit_answering_yes(pilot) -> None:
    """`q` while a job runs: the quit question is asked; `y`, and the app has exited. The job
    must outlive the question (a crawling download, a held thread): one ending while it is
    open changes the question, and a `y` typed before the change is drawn is refused by
    design (ConfirmModal.on_key), which read as a timeout waiting for the exit."""
    from pytui.app.screens import ConfirmModal

    app = pilot.app
    assert app.state.running_jobs(), "no job runs: q would quit without asking"
    await pilot.press("q")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the quit question")
    question = app.screen
    await pilot.press("y")
    await wait_for(pilot, lambda: not app.is_running or _yes_refused(question),
                   what="the app's exit")
    assert not app.is_running, f"y was refused: the question changed under it ({question.question})"


def _yes_refused(modal) -> bool:
    """The question says it changed under a `y` (its news line shown)."""
    news = modal.query("#dialog-news")
    return bool(news) and news.first().display


@contextlib.contextmanager
def no_requests(server: FaultyHTTPServer) -> Iterator[None]:
    before = server.count()
    yield
    assert server.count() == before, [r.path for r in server.requests[before:]]


@contextlib.contextmanager
def root_lock_held(root: Path) -> Iterator[Callable[[], None]]:
    """Another process holds the install root's lock (as uv does while it installs); the
    yielded function releases it (the process ends and its lock goes with it)."""
    root.mkdir(parents=True, exist_ok=True)
    with lock_held(root / ".lock") as holder:
        assert holder.stdin is not None
        yield holder.stdin.close


@contextlib.asynccontextmanager
async def stalled_install(world: UiWorld, stall_at: int, *, faults: dict[str, object] | None = None,
                          notifications: bool = False,
                          **app_options: object) -> AsyncIterator[tuple]:
    """The app with 3.12.8's install started and its download stalled after its first
    `stall_at` bytes, all of them in the job's state (the server sends them, then nothing;
    `faults` adds to the server's faults for it): (pilot, a function giving the job).
    `notifications`: toasts are drawn (Pilot draws none by default)."""
    build = world.build("3.12.8")
    path = build.url.split(world.server.base_url, 1)[1]
    world.server.set_faults(path, rate=None, stall_at=stall_at, stall_seconds=3600, **(faults or {}))
    app = world.make_app(**app_options)
    try:
        async with app.run_test(size=SIZE, notifications=notifications) as pilot:
            await ready(pilot)
            await press_install(pilot, build.key)

            def job():
                return next((j for j in app.state.jobs.values() if j.key == build.key), None)

            await wait_for(pilot, lambda: job() is not None and job().done == stall_at,
                           what=f"the bytes before the stall: {job() and (job().phase, job().done)}")
            yield pilot, job
    finally:
        world.server.stop()  # wakes the stalled handler


def toast_texts(app, keep: Callable[[object], bool] = lambda notification: True) -> list[str]:
    """What each toast on screen says, as one line: the text it was given (paths from `~`, URLs
    short), not its message, which pytui wraps itself (app/toast_text.py: line breaks at spaces
    and after a `/` inside a long name). A toast with no such text (the line counting those
    in History) is its message's words."""
    from pytui.app.toast_text import shorten_urls

    given = {id(shown): said for shown, said in app._toasts}
    return [shorten_urls(given[id(shown)]) if id(shown) in given else " ".join(shown.message.split())
            for shown in app._notifications if keep(shown)]


def available_table(app):  # -> AvailableTable
    """The app's Available pane."""
    from pytui.widgets.available_table import AvailableTable

    return app.query_one("#available", AvailableTable)


def header_text(app) -> str:
    """The header as drawn now."""
    from pytui.widgets.header import HeaderBar

    return str(app.query_one("#header", HeaderBar).render())
