"""An `AppState` without an app, for the tests of the view model and of the key decisions:
three builds of two minor versions, installs and cached archives of them."""

from __future__ import annotations

from pathlib import Path

from fixtures_archives import make_build
from pytui.app.job_record import Job
from pytui.app.state import AppState
from pytui.core.catalog import Catalog
from pytui.core.models import Build, CachedArchive, Installation
from pytui.core.settings import Settings
from ui_helpers import HOST

OLD, NEW, OTHER = "3.12.7", "3.12.8", "3.13.1"
# 2026-11-30 12:00 UTC: 3.8 to 3.10 past their end of life, 3.11 to 3.13 security fixes only,
# 3.14 bugfix.
NOV_2026 = 1_796_040_000.0


def three_builds() -> dict[str, Build]:
    """OLD, NEW and OTHER by version (the `builds` fixture of tests/ui/conftest.py)."""
    return {v: make_build(version=v, sha256=f"{i:02x}" * 32)
            for i, v in enumerate((OLD, NEW, OTHER))}


def an_installation(root: Path, build: Build, *, build_date: str | None = None) -> Installation:
    return Installation(build, root / build.key, build_date or build.build)


def a_state(tmp_path: Path, *builds: Build) -> AppState:
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(tmp_path)})
    return AppState(settings=settings, host=HOST, home=tmp_path, clock=lambda: 1000.0,
                    catalog=Catalog(list(builds), source="test"), disk_listed=True)


def a_cached_archive(state: AppState, build: Build, size: int = 1000) -> CachedArchive:
    """A cached archive as the listing found it, its file on disk (decisions look)."""
    archive = CachedArchive(state.settings.cache_dir / build.cache_filename, size, build)
    archive.path.parent.mkdir(parents=True, exist_ok=True)
    archive.path.write_bytes(bytes(size))
    state.archives.append(archive)
    return archive


def a_download(state: AppState, build: Build, done: int = 10, total: int = 40) -> Job:
    """An install of `build` in its download phase, `done` of `total` bytes in."""
    job = state.add_job("install", build.key, build=build)
    state.progress(job.job_id, "download", done, total)
    return job
