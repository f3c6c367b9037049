"""UI test fixtures: a tmp install root / cache / state, and a uv catalog of real (synthetic
PBS) archives served by the loopback HTTP server (see ui_helpers.make_world)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from envs_scene import SCAN_VARIABLES, EnvsWorld
from fixtures_archives import MadeArchive
from fixtures_http import FaultyHTTPServer
from pytui.core.models import Build
from ui_helpers import UiWorld, make_world
from view_state import three_builds


@pytest.fixture(autouse=True)
def _no_disk_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The watch that lists the disk again when another process changed it (app/disk_watch.py)
    looks once an hour here: many tests stage what the panes show (jobs, partial downloads)
    and assert on it, and a listing landing in between would replace it. test_ui_disk_watch.py
    turns it back on (and runs jobs beside it)."""
    from pytui.app import pytui_app

    monkeypatch.setattr(pytui_app, "DISK_WATCH_INTERVAL", 3600.0)


@pytest.fixture(scope="session")
def world_archives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the UI world's archives are made once per session (ui_helpers.make_world)."""
    return tmp_path_factory.mktemp("ui-world-archives")


@pytest.fixture
def ui_world(tmp_path: Path, http_server: FaultyHTTPServer, world_archives: Path) -> UiWorld:
    return make_world(tmp_path, http_server, world_archives)


@pytest.fixture
def stuck_world(tmp_path: Path, http_server: FaultyHTTPServer, world_archives: Path,
                monkeypatch: pytest.MonkeyPatch) -> UiWorld:
    """The UI world with reads that would wait an hour (no speed floor to end them sooner);
    the tests that use it (test_ui_cancel_stuck.py, test_ui_cancel_early.py) run each body
    inside `_released`, which wakes the silent handlers when it ends."""
    monkeypatch.setenv("UV_HTTP_TIMEOUT", "3600")
    monkeypatch.setenv("PYTUI_HTTP_SPEED_LIMIT", "0")
    return make_world(tmp_path, http_server, world_archives)


@pytest.fixture
def builds() -> dict[str, Build]:
    """Three builds: 3.12.7, 3.12.8 and 3.13.1 (tests/ui/view_state.py)."""
    return three_builds()


@pytest.fixture
def envs_world(tmp_path: Path, http_server: FaultyHTTPServer, base_prefix_archive: MadeArchive,
               monkeypatch: pytest.MonkeyPatch) -> EnvsWorld:
    """A real interpreter served and in the catalog, not installed yet (tests/ui/envs_scene.py);
    the scan variables are restored after the test."""
    for name in SCAN_VARIABLES:
        monkeypatch.setenv(name, "")
    return EnvsWorld(tmp_path, http_server, base_prefix_archive)


@pytest.fixture
def upgrade_world(tmp_path: Path, http_server: FaultyHTTPServer, base_prefix_archive: MadeArchive,
                  monkeypatch: pytest.MonkeyPatch) -> EnvsWorld:
    """`envs_world` with a newer patch release of the same minor in the catalog too."""
    for name in SCAN_VARIABLES:
        monkeypatch.setenv(name, "")
    info = sys.version_info
    return EnvsWorld(tmp_path, http_server, base_prefix_archive,
                     newer=f"{info.major}.{info.minor}.{info.micro + 1}")
