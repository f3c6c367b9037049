"""A state without Textual for the Environments view's unit tests
(tests/ui/test_envs_view_model.py, test_envs_mend_details.py): builds installed and listed."""

from __future__ import annotations

from pathlib import Path

from fixtures_archives import make_build
from pytui.app.state import AppState
from pytui.core.catalog import Catalog
from pytui.core.models import Build, Installation
from pytui.core.settings import Settings
from ui_helpers import HOST


def installation(tmp: Path, build: Build) -> Installation:
    return Installation(build, tmp / "root" / build.key, build.build)


def envs_state(tmp: Path, installed: list[Build], catalog: list[Build]) -> AppState:
    settings = Settings.resolve(install_dir=tmp / "root", cache_dir=tmp / "cache",
                                env={"HOME": str(tmp)})
    state = AppState(settings=settings, host=HOST, home=tmp, clock=lambda: 1000.0,
                     catalog=Catalog(catalog, source="test"), disk_listed=True)
    state.installations.extend(installation(tmp, b) for b in installed)
    return state


OLD, NEW, NEWEST = (make_build(version=v) for v in ("3.12.7", "3.12.8", "3.12.9"))
MINOR = OLD.minor_key
