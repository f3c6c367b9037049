"""The environments' UI scenes (tests/ui/test_ui_envs.py, test_ui_questions.py): a real
interpreter (this one's prefix packed in the PBS layout) served by the loopback server, the
install engine to install it, scan roots inside the private tmp HOME, and a scan the test holds
back until it lets it go. The fixtures are tests/ui/conftest.py's `envs_world` and
`upgrade_world`."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from fixtures_archives import MadeArchive, make_pbs_archive, write_uv_catalog
from fixtures_http import FaultyHTTPServer
from pytui.app.gateway import CoreGateway
from pytui.core.catalog import Catalog
from pytui.core.progress import CancelToken
from pytui.core.settings import Settings
from ui_helpers import HOST, wait_for

# Where environments are looked for and tools keep theirs: each test points them into its HOME.
SCAN_VARIABLES = ("PYTUI_SCAN_PATHS", "UV_TOOL_DIR", "PIPX_HOME", "WORKON_HOME")


class EnvsWorld:
    """A real install, its catalog and settings, and the scan roots of one test."""

    def __init__(self, tmp: Path, server: FaultyHTTPServer, real: MadeArchive,
                 newer: str | None = None) -> None:
        home = Path(os.environ["HOME"])
        self.home, self.tmp = home, tmp
        self.projects = home / "code"
        self.projects.mkdir(parents=True)
        # Scan roots and tool dirs: all inside the private tmp HOME.
        for name, value in (("PYTUI_SCAN_PATHS", self.projects), ("UV_TOOL_DIR", home / "uv-tools"),
                            ("PIPX_HOME", home / "pipx"), ("WORKON_HOME", home / "venvs")):
            os.environ[name] = str(value)
        self.real = real.serve(server)
        builds = [self.real.build]
        self.newer: MadeArchive | None = None
        if newer is not None:
            self.newer = make_pbs_archive(tmp / "newer", version=newer).serve(server)
            builds.append(self.newer.build)
        catalog_path = write_uv_catalog(home / "catalog.json", builds)
        self.settings = Settings.resolve(downloads_json=str(catalog_path))
        self.catalog = Catalog(builds, source="test catalog")
        self.key = self.real.build.key
        b = self.real.build
        self.mm = f"{b.major}.{b.minor}"
        self.root = self.settings.install_root

    def install_real(self) -> None:
        """Through the install engine, as `i` would (links the minor-version dir)."""
        CoreGateway().install(self.real.build, settings=self.settings, catalog=self.catalog,
                              progress=lambda _p: None, cancel=CancelToken(), reinstall=False,
                              downloader=None, on_warning=lambda _l: None, on_wait=lambda _l: None)

    @property
    def patch_python(self) -> Path:
        return self.root / self.key / "bin" / f"python{self.mm}"

    @property
    def minor_python(self) -> Path:
        return self.root / self.real.build.minor_key / "bin" / f"python{self.mm}"

    def make_app(self, **kwargs: object):
        from pytui.app.tui import make_app

        return make_app(self.settings, host=HOST, refresh=False, show_eta=False, home=self.home,
                        **kwargs)  # type: ignore[arg-type]


class HeldScan(CoreGateway):
    """Holds the environment scan until the test lets it go."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()

    def scan_envs(self, settings, *, cancelled, installed=None, **kwargs):  # type: ignore[override]
        self.entered.set()
        while not self.release.wait(0.02):
            if cancelled():
                break
        return super().scan_envs(settings, cancelled=cancelled, installed=installed, **kwargs)


async def scanned(pilot) -> None:
    """Wait until the environment scan has ended and its result is shown."""
    app = pilot.app
    await wait_for(pilot, lambda: app.state.environments is not None and not app.state.envs_scanning,
                   what="environment scan")
    await pilot.pause()
