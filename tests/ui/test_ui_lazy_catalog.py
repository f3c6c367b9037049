"""The TUI's catalog loaded lazily (make_app): the first screen makes only the builds it shows
from the parsed-catalog cache's columns, and shows exactly what a catalog with every build
made shows, in every view and for every host; the other builds are made after the first
frame; an entry whose offsets were forged is caught and the source read again."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from pytui.app.gateway import CoreGateway
from pytui.app.state import AppState, ViewOptions
from pytui.app.view_model import ViewModel
from pytui.core import parsed_cache
from pytui.core.catalog import Catalog
from pytui.core.models import Build, CachedArchive, Installation
from pytui.core.ordering import build_order
from pytui.core.platform_detect import HostPlatform
from pytui.core.requests import PythonRequest
from pytui.core.sealed import seal, unseal
from pytui.core.settings import Settings
from ui_helpers import SIZE, wait_for

HOSTS = [
    HostPlatform("linux", "x86_64", "gnu", x86_64_level="v3"),
    HostPlatform("linux", "aarch64", "musl"),
    HostPlatform("macos", "aarch64", "none"),
    HostPlatform("windows", "x86_64", "none"),
]
VIEWS = [ViewOptions(), ViewOptions(all_versions=True), ViewOptions(all_platforms=True),
         ViewOptions(variants=True), ViewOptions(all_versions=True, variants=True),
         ViewOptions(all_versions=True, all_platforms=True, variants=True)]


@pytest.fixture(scope="module")
def uv_settings(uv_catalog_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings reading uv's real catalog, with its parsed-cache entry written."""
    home = tmp_path_factory.mktemp("lazy-ui")
    settings = Settings.resolve(downloads_json=str(uv_catalog_file), install_dir=home / "root",
                                cache_dir=home / "cache",
                                env={"HOME": str(home), "XDG_STATE_HOME": str(home / "state")})
    CoreGateway().load_catalog(settings)  # the first load writes the entry
    return settings


def _state(settings: Settings, host: HostPlatform, catalog: Catalog, view: ViewOptions,
           older: list) -> AppState:
    state = AppState(settings=settings, host=host, home=Path("/nonexistent"),
                     clock=lambda: 1_796_040_000.0, catalog=catalog, view=view, disk_listed=True)
    # An older patch installed and another cached: listed beside the newest of their minor.
    if older:
        state.installations.append(Installation(older[0], settings.install_root / older[0].key,
                                                older[0].build))
    if len(older) > 1:
        state.archives.append(CachedArchive(settings.cache_dir / older[1].cache_filename, 10,
                                            older[1]))
    return state


def _plain_selection(state: AppState, builds: list[Build]) -> list[Build]:
    """The Available selection by its plain rule, over every build made (what the view
    model did before it chose by key fields)."""
    view, host = state.view, state.host
    request = PythonRequest.parse("any").for_host(
        host, any_platform=view.all_platforms).with_prereleases(True)
    family = "x86_64" if host.arch.startswith("x86_64") else host.arch
    chosen = sorted((b for b in builds if (view.variants or b.variant == "default")
                     and (view.all_platforms or b.arch == host.arch) and request.matches(b)),
                    key=lambda b: build_order(b, family))
    if view.all_versions:
        return chosen
    mine = state.installed_keys | set(state.cached_by_key())
    seen: set[tuple] = set()
    kept = []
    for build in chosen:
        group = (build.implementation, build.os, build.arch, build.libc, build.major,
                 build.minor, build.variant)
        if group not in seen or build.key in mine:
            kept.append(build)
        seen.add(group)
    return kept


@pytest.mark.parametrize("host", HOSTS, ids=lambda h: f"{h.os}-{h.arch}-{h.libc}")
def test_the_lazy_selection_is_the_whole_catalogs(uv_settings: Settings, host) -> None:
    eager = CoreGateway().load_catalog(uv_settings)
    # Older patches of this host's platform (the view keeps them beside the newest).
    mine = [b for b in eager.builds if b.os == host.os and b.arch == host.arch
            and b.libc == host.libc and b.variant == "default" and b.patch > 0]
    older = sorted(mine, key=lambda b: (b.minor, b.patch))[:2]
    for view in VIEWS:
        lazy = CoreGateway().load_catalog(uv_settings, lazy=True)
        assert lazy._lazy is not None
        state = _state(uv_settings, host, lazy, view, older)
        shown = ViewModel().visible_builds(state)
        whole = ViewModel().visible_builds(_state(uv_settings, host, eager, view, older))
        assert shown == whole == _plain_selection(state, eager.builds) and shown, view
        if view == ViewOptions():
            assert lazy._lazy is not None  # the default view made only its own builds
    rows = ViewModel().available_rows(_state(uv_settings, host, lazy, ViewOptions(), older))
    assert {row.build.key for row in rows} >= {build.key for build in older}


def _forge_offsets(settings: Settings) -> None:
    """Every URL offset one byte off, as a forger who knows the entry's format would (its
    CRC line made again): the first build made is caught."""
    (entry,) = (settings.state_dir / parsed_cache.CACHE_DIR).glob("*.json")
    body = unseal(entry.read_bytes())
    assert body is not None
    doc = json.loads(body)
    doc["url_at"] = [at + 1 for at in doc["url_at"]]
    # Written as pytui writes it (compact, ASCII): the entry's head is checked byte for byte
    # before it is decoded, and a forger keeps it.
    entry.write_bytes(seal(json.dumps(doc, separators=(",", ":")).encode()))


@pytest.mark.parametrize("forged", [False, True])
async def test_the_first_screen_from_a_lazy_catalog(uv_catalog_file: Path, tmp_path: Path,
                                                    forged: bool) -> None:
    """make_app loads the catalog lazily: the Available pane lists what the whole catalog
    gives, and every build is made after the first frame (also when the entry's offsets
    were forged: the source is read again)."""
    from pytui.app.tui import make_app

    settings = Settings.resolve(downloads_json=str(uv_catalog_file),
                                install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "st")})
    eager = CoreGateway().load_catalog(settings)
    if forged:
        _forge_offsets(settings)
    host = HOSTS[0]
    expected = ViewModel().visible_builds(_state(settings, host, eager, ViewOptions(), []))
    app = make_app(settings, host=host, refresh=False, show_eta=False, home=tmp_path)
    catalog = app.state.catalog
    assert catalog is not None and catalog._lazy is not None
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one("#available")
        await wait_for(pilot, lambda: table.row_count, what="the first screen's rows")
        assert [key.value for key in table.rows] == [b.key for b in expected]
        # The collector is paused for the first frame and while the builds are made, and on
        # again after both.
        await wait_for(pilot, lambda: catalog._lazy is None and gc.isenabled(),
                       what="every build made, the collector on again")
        assert catalog.builds == eager.builds
        assert app.state.catalog is catalog and not app.state.catalog_problem
        assert [key.value for key in table.rows] == [b.key for b in expected]
