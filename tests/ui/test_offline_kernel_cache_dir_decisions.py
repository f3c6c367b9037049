"""`i` offline on a build the cache lacks, with the cache dir on the kernel's own filesystems
(`--cache-dir /proc/self`): it said `Go online (o) or import its archive with `pytui cache import
FILE``, and both fail there (the TUI's install caches what it downloads). Now only an import into
another directory, by the rule the CLI's line follows (core/cache_offline.unusable_cache_dir).
Decided on the app state, no Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytui.app import decisions as d
from pytui.app import install_decisions as di
from pytui.app.state import AppState
from pytui.app.view_model import ViewModel
from pytui.core import kernel_fs
from pytui.core.catalog import Catalog
from pytui.core.settings import Settings
from view_state import HOST, NEW

ON_PROC = kernel_fs.kernel_filesystem("/proc/self") is not None
PROC_WORDS = "/proc is the kernel's proc filesystem, not storage: no file can be made there"


def _offline_state(tmp_path: Path, cache_dir: Path, *builds) -> AppState:
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=cache_dir, offline=True,
                                env={"HOME": str(tmp_path)})
    state = AppState(settings=settings, host=HOST, home=tmp_path, clock=lambda: 1000.0,
                     catalog=Catalog(list(builds), source="test"), disk_listed=True)
    state.offline = True
    return state


@pytest.mark.skipif(not ON_PROC, reason="/proc is not the kernel's proc filesystem here")
def test_tui_i_offline_with_a_proc_cache_dir_names_an_import_elsewhere(tmp_path: Path, builds) -> None:
    state = _offline_state(tmp_path, Path("/proc/self"), *builds.values())
    refused = di.decide_install(state, ViewModel(), "available", builds[NEW].key)
    assert isinstance(refused, d.Refuse), refused
    assert refused.message == (f"Offline: {builds[NEW].key} is not in the cache (/proc/self). The cache dir "
                               f"can hold no archive ({PROC_WORDS}): import the archive into another "
                               "directory (`pytui --cache-dir DIR cache import FILE`) and start pytui with "
                               "--cache-dir DIR."), refused.message


def test_tui_i_offline_with_a_cache_dir_that_takes_files_says_go_online_or_import(tmp_path: Path, builds) -> None:
    state = _offline_state(tmp_path, tmp_path / "cache", *builds.values())
    refused = di.decide_install(state, ViewModel(), "available", builds[NEW].key)
    assert isinstance(refused, d.Refuse), refused
    assert refused.message.endswith(". Go online (o) or import its archive with `pytui cache import FILE`."), refused
