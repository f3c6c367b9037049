"""The first screen with archives in the cache (make_app lists the disk before the first
frame): the archives are matched to the catalog's builds without making all of them
(Catalog.build_of_cached: the builds of the key each name carries). Matching every name made
all of uv's 5,530 builds (112-132 ms) and imported `json` (the null-sha256 check) before the
first frame whenever the cache held an archive; the bench's first screen had an empty cache.
An archive no build of its key names is matched by every build's name once they are made after
the first frame (the disk is listed again then)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fixtures_archives import write_uv_catalog
from pytui.core.models import Build
from ui_helpers import UiWorld, ready, wait_for

CHILD = r"""
import sys
from pathlib import Path
from pytui.app.tui import make_app
from pytui.core.settings import Settings

home = Path(sys.argv[1])
settings = Settings.resolve(install_dir=home / "root", cache_dir=home / "cache",
                            downloads_json=sys.argv[2],
                            env={"HOME": str(home), "XDG_STATE_HOME": str(home / "state")})
app = make_app(settings, refresh=False, show_eta=False)
archives = app._preloaded_disk[0]
print("MATCHED", *sorted(str(a.build.key if a.build else None) for a in archives))
print("LAZY", app.state.catalog._lazy is not None, "json" in sys.modules)
"""


def test_archives_are_matched_without_making_every_build(tmp_path: Path, uv_catalog_path: Path) -> None:
    from pytui.app.gateway import CoreGateway
    from pytui.core.settings import Settings

    settings = Settings.resolve(downloads_json=str(uv_catalog_path), env={"HOME": str(tmp_path)})
    catalog = CoreGateway().load_catalog(settings)
    build = catalog.get("cpython-3.12.11-linux-x86_64-gnu")
    assert build is not None
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / build.cache_filename).write_bytes(b"not checked here")
    # A build of that key the catalog does not list (another build date): no build.
    older = "012345678" + build.cache_filename[9:].replace(build.cache_filename.split("-")[3], "20200101")
    assert older != build.cache_filename
    (cache / older).write_bytes(b"")
    # Twice: the second run reads the parsed-catalog cache the first wrote (builds as columns).
    for _ in ("parsed", "cached"):
        done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path), str(uv_catalog_path)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert lines["MATCHED"] == f"None {build.key}", lines
    assert lines["LAZY"] == "True False", lines  # builds still columns; json not imported


async def test_an_archive_whose_build_has_another_keys_url_is_matched_after_the_first_frame(
        ui_world: UiWorld) -> None:
    # A catalog entry of 3.13.1 whose URL names the 3.12.8 archive's file: its cache file name
    # carries 3.12.8's key, so only every build's names find it.
    real = ui_world.build("3.13.1")
    other = ui_world.build("3.12.8")
    odd = Build(*real[:10], other.url, real.sha256, real.flavor)
    catalog_path = write_uv_catalog(ui_world.home / "odd.json", [odd])
    name = odd.cache_filename
    ui_world.settings.cache_dir.mkdir(parents=True, exist_ok=True)
    (ui_world.settings.cache_dir / name).write_bytes(b"")
    from pytui.core.settings import Settings

    settings = Settings.resolve(downloads_json=str(catalog_path))
    assert settings.cache_dir == ui_world.settings.cache_dir
    ui_world.settings = settings
    ui_world.make_app()  # parses the catalog (and keeps it parsed)
    app = ui_world.make_app()  # reads it kept: the builds stay columns
    # Matched by the key its name carries before the first frame: none.
    assert [a.build for a in app._preloaded_disk[0]] == [None]
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: [a.build for a in app.state.archives] == [odd],
                       what="the archive matched to its build")
