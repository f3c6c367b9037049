"""A parsed-catalog cache entry forged under its right stamp (anyone who reads the source can
compute it): its key columns are the entry's own, checked only as values, and a first screen
made from the columns shows them. Once every build is made after the first frame, an offset
that names no URL of the source shows the entry is not pytui's and the source is read again:
the panes must then show what the source says, not the forged rows the first frame drew."""

from __future__ import annotations

import json
from pathlib import Path

from pytui.app.gateway import CoreGateway
from pytui.app.state import AppState, ViewOptions
from pytui.app.view_model import ViewModel
from pytui.core import parsed_cache
from pytui.core.platform_detect import HostPlatform
from pytui.core.sealed import seal, unseal
from pytui.core.settings import Settings
from ui_helpers import SIZE, wait_for

HOST = HostPlatform("linux", "x86_64", "gnu", x86_64_level="v3")


def _forge(settings: Settings, renamed: int, broken: int) -> None:
    """The build at place `renamed` given patch 200 (a valid value: the CRC line is made
    again, as a forger who knows the format would), and the URL offset of the build at
    `broken`, one the first screen does not show, moved one byte."""
    (entry,) = (settings.state_dir / parsed_cache.CACHE_DIR).glob("*.json")
    body = unseal(entry.read_bytes())
    assert body is not None
    doc = json.loads(body)
    doc["columns"][3][renamed] = 200  # patch
    doc["url_at"][broken] += 1
    entry.write_bytes(seal(json.dumps(doc, separators=(",", ":")).encode()))


async def test_a_forged_entry_found_after_the_first_frame_leaves_no_forged_row(
        uv_catalog_file: Path, tmp_path: Path) -> None:
    from pytui.app.tui import make_app

    settings = Settings.resolve(downloads_json=str(uv_catalog_file),
                                install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "st")})
    eager = CoreGateway().load_catalog(settings)  # writes the entry
    state = AppState(settings=settings, host=HOST, home=Path("/nonexistent"),
                     clock=lambda: 1_796_040_000.0, catalog=eager, view=ViewOptions(),
                     disk_listed=True)
    expected = [build.key for build in ViewModel().visible_builds(state)]
    shown = {build.key for build in ViewModel().visible_builds(state)}
    renamed = next(place for place, build in enumerate(eager.builds) if build.key == expected[0])
    broken = next(place for place, build in enumerate(eager.builds)
                  if build.os == "windows" and build.key not in shown)
    _forge(settings, renamed, broken)
    app = make_app(settings, host=HOST, refresh=False, show_eta=False, home=tmp_path)
    catalog = app.state.catalog
    assert catalog is not None and catalog._lazy is not None
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one("#available")
        await wait_for(pilot, lambda: table.row_count, what="the first screen's rows")
        first = [key.value for key in table.rows]
        assert first != expected and ".200" in first[0]  # the forged row reached the screen
        await wait_for(pilot, lambda: catalog._lazy is None, what="every build made")
        assert catalog.builds == eager.builds  # the source was read again
        await pilot.pause()
        assert [key.value for key in table.rows] == expected
