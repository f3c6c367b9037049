"""Fixtures and helpers for the core/install_root tests (a plugin: tests/conftest.py): a fresh
install root and bin dir, a synthetic PBS archive, installing one through a stage, and the real uv's environment on
the root."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from fixtures_archives import MadeArchive, make_pbs_archive
from pytui.core.extract import extract_archive
from pytui.core.install_root import InstallRoot

UV = Path(sys.executable).parent / "uv"
KEY = "cpython-3.12.8-linux-x86_64-gnu"
MINOR = "cpython-3.12-linux-x86_64-gnu"


def install(root: InstallRoot, made: MadeArchive, bin_dir: Path | None, **kwargs: object):
    with root.stage() as stage:
        prefix = extract_archive(made.path, stage / "x")
        return root.commit(made.build, prefix, bin_dir=bin_dir, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def root(tmp_path: Path) -> InstallRoot:
    return InstallRoot(tmp_path / "root")


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    return tmp_path / "bin"


def archive(tmp_path: Path, version: str = "3.12.8", build_date: str = "20250115", **kwargs: object) -> MadeArchive:
    return make_pbs_archive(tmp_path / "archives" / f"{version}-{build_date}", version=version,
                            build_date=build_date, **kwargs)  # type: ignore[arg-type]


def uv_env(tmp_path: Path, root: InstallRoot, catalog: Path) -> dict[str, str]:
    """The real uv's environment on `root` and `catalog`: offline, no config, its own dirs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    env.update({
        "UV_PYTHON_INSTALL_DIR": str(root.path), "UV_NO_CONFIG": "1", "UV_OFFLINE": "1",
        "UV_PYTHON_DOWNLOADS_JSON_URL": str(catalog), "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "UV_PYTHON_BIN_DIR": str(tmp_path / "uv-bin"), "UV_NO_PROGRESS": "1",
    })
    return env
