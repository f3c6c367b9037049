"""UI test fixtures: a tmp install root / cache / state, and a uv catalog of real (synthetic
PBS) archives served by the loopback HTTP server (see ui_helpers.make_world)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_http import FaultyHTTPServer
from ui_helpers import UiWorld, make_world


@pytest.fixture
def ui_world(tmp_path: Path, http_server: FaultyHTTPServer) -> UiWorld:
    return make_world(tmp_path, http_server)
