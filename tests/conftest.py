"""Shared fixtures: the real uv catalog (from ../shared/data), hermetic environments."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Fixture modules owned by separate parts of the suite (tests/ is on sys.path via pyproject).
pytest_plugins = ["fixtures_http", "fixtures_archives"]

REPO = Path(__file__).resolve().parent.parent
UV_CATALOG = Path(os.environ.get("PYTUI_TEST_CATALOG", REPO.parent / "shared" / "data" / "download-metadata.json"))


@pytest.fixture
def uv_catalog_path() -> Path:
    """uv's real 5530-entry catalog; tests that need it skip where it is absent."""
    if not UV_CATALOG.is_file():
        pytest.skip(f"uv's real catalog is not at {UV_CATALOG} (set PYTUI_TEST_CATALOG)")
    return UV_CATALOG


@pytest.fixture(autouse=True)
def hermetic_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own uv/pytui dirs and env out of every test."""
    for name in list(os.environ):
        if name.startswith(("UV_", "PYTUI_")) and name != "PYTUI_TEST_CATALOG":
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_BIN_HOME", str(home / ".local" / "bin"))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setenv("UV_NO_PROGRESS", "1")
