"""`U` when the catalog's newest build of a minor is a newer build of the patch installed (the
same key): the preview asks, and yes replaces the install with that build, as `uv python
upgrade` and `pytui upgrade` do (tests/test_upgrade_same_patch_build.py). The job found the key
installed and did nothing ('already'): the old build stayed, and a second U asked again."""

from __future__ import annotations

import os
from pathlib import Path

from fixtures_archives import make_pbs_archive, write_uv_catalog
from fixtures_http import FaultyHTTPServer
from pytui.app.gateway import CoreGateway
from pytui.app.screens import ConfirmModal
from pytui.core.catalog import Catalog
from pytui.core.progress import CancelToken
from pytui.core.settings import Settings
from ui_helpers import HOST, SIZE, asked, ready, wait_for


async def test_u_replaces_an_install_with_a_newer_build_of_its_patch(
        tmp_path: Path, http_server: FaultyHTTPServer) -> None:
    home = Path(os.environ["HOME"])
    old = make_pbs_archive(tmp_path / "old", version="3.12.3", build_date="20240415").serve(http_server)
    new = make_pbs_archive(tmp_path / "new", version="3.12.3", build_date="20240814").serve(http_server)
    assert old.build.key == new.build.key
    catalog_path = write_uv_catalog(home / "catalog.json", [old.build])
    settings = Settings.resolve(downloads_json=str(catalog_path))
    CoreGateway().install(old.build, settings=settings, catalog=Catalog([old.build], source="test"),
                          progress=lambda _p: None, cancel=CancelToken(), reinstall=False,
                          downloader=None, on_warning=lambda _l: None, on_wait=lambda _l: None)
    write_uv_catalog(catalog_path, [new.build])
    build_file = settings.install_root / new.build.key / "BUILD"
    assert build_file.read_text().strip() == "20240415"

    from pytui.app.tui import make_app

    app = make_app(settings, host=HOST, refresh=False, show_eta=False, home=home)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("U")
        lines = [str(w.content) for w in (await asked(pilot, "preview")).query(".dialog-line")]
        # Its builds, not `3.12.3 → 3.12.3` (read as nothing to do); the old build is replaced,
        # not kept as an older patch is ('Old patches stay installed' was said).
        assert lines[0] == f"3.12.3 build 20240415 → build 20240814  ({new.build.key})", lines
        assert lines[-1].startswith("The installed build is replaced; "), lines
        await pilot.press("y")
        await wait_for(pilot, lambda: any(j.key == new.build.key and j.phase == "done"
                                          for j in app.state.jobs.values()),
                       timeout=60, what="upgrade job done")
        assert build_file.read_text().strip() == "20240814"
        # Said as a new build, not as its minor-version link now leading to a new patch (it
        # already led there; 'environments made through it run the new patch' was said).
        done = next(j for j in app.state.jobs.values() if j.key == new.build.key)
        assert done.summary.startswith(f"Reinstalled {new.build.key}"), done.summary
        assert done.summary.endswith(" with build 20240814 (environments using it run the new "
                                     "build)"), done.summary
        assert "new patch" not in done.summary
        await wait_for(pilot, lambda: any(i.build == "20240814" for i in app.state.installations),
                       what="listing after the upgrade")
        app.clear_notifications()
        await pilot.press("U")  # nothing left to upgrade: said, and no question
        await wait_for(pilot, lambda: any("already on latest" in n.message for n in app._notifications),
                       what="'already on latest' said")
        assert not isinstance(app.screen, ConfirmModal)


async def test_u_replaces_a_newer_build_of_the_older_patch_and_the_link_stays(
        tmp_path: Path, http_server: FaultyHTTPServer) -> None:
    """3.12.6 and 3.12.7 installed, the catalog's newest 3.12 a newer build of 3.12.6 (it no
    longer lists 3.12.7): U replaces 3.12.6, as `pytui upgrade` and uv do
    (tests/test_upgrade_two_patches.py), and the minor-version link stays on 3.12.7. The
    preview said `3.12.7 → 3.12.6`, a downgrade of the patch the link leads to."""
    home = Path(os.environ["HOME"])
    old = make_pbs_archive(tmp_path / "old", version="3.12.6", build_date="20240101").serve(http_server)
    top = make_pbs_archive(tmp_path / "top", version="3.12.7", build_date="20240101").serve(http_server)
    new = make_pbs_archive(tmp_path / "new", version="3.12.6", build_date="20250101").serve(http_server)
    catalog_path = write_uv_catalog(home / "catalog.json", [old.build, top.build])
    settings = Settings.resolve(downloads_json=str(catalog_path))
    catalog = Catalog([old.build, top.build], source="test")
    for made in (old, top):
        CoreGateway().install(made.build, settings=settings, catalog=catalog, progress=lambda _p: None,
                              cancel=CancelToken(), reinstall=False, downloader=None,
                              on_warning=lambda _l: None, on_wait=lambda _l: None)
    write_uv_catalog(catalog_path, [new.build])
    link = settings.install_root / "cpython-3.12-linux-x86_64-gnu"
    assert link.readlink().name == top.build.key

    from pytui.app.tui import make_app

    app = make_app(settings, host=HOST, refresh=False, show_eta=False, home=home)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("U")
        lines = [str(w.content) for w in (await asked(pilot, "preview")).query(".dialog-line")]
        assert lines == [f"3.12.6 build 20240101 → build 20250101  ({new.build.key})",
                         "The installed build is replaced; downloads 1 archive."], lines
        await pilot.press("y")
        await wait_for(pilot, lambda: any(j.key == new.build.key and j.phase == "done"
                                          for j in app.state.jobs.values()),
                       timeout=60, what="upgrade job done")
        done = next(j for j in app.state.jobs.values() if j.key == new.build.key)
        assert done.summary == (f"Reinstalled {new.build.key} with build 20250101 (environments "
                                "using it run the new build)"), done.summary
    assert (settings.install_root / new.build.key / "BUILD").read_text().strip() == "20250101"
    assert link.readlink().name == top.build.key
