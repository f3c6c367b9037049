"""The catalog's refresh at start is quiet when it works: the header says the catalog's age
(`just now`) and History keeps the line, but no toast says `catalog reloaded from …` on
every launch over the Jobs panel (lazygit and k9s say nothing when all is well). A refresh
asked for with `r` still answers with a toast, and a failed one always says why
(tests/ui/test_ui_panes.py, test_a_failed_refresh_at_start_says_what_to_do_next)."""

from __future__ import annotations

from fixtures_archives import make_build, write_uv_catalog
from fixtures_http import FaultyHTTPServer
from pytui.core.settings import Settings
from ui_helpers import HOST, SIZE, ready, wait_for


def _refreshes(app) -> list[str]:
    return [entry.message for entry in app.history.entries if entry.kind == "refresh"]


def _catalog_toasts(app) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Catalog"]


async def test_the_refresh_at_start_says_nothing_when_it_works_and_r_is_answered(
        tmp_path, http_server: FaultyHTTPServer) -> None:
    from pytui.app.tui import make_app

    catalog = write_uv_catalog(tmp_path / "download-metadata.json",
                               [make_build(version="3.13.1", sha256="ab" * 32)])
    url = http_server.add("/download-metadata.json", catalog.read_bytes())
    app = make_app(Settings.resolve(downloads_json=url), host=HOST, refresh=True,
                   show_eta=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: _refreshes(app), what="the refresh at start")
        await pilot.pause()
        assert "reloaded" in _refreshes(app)[0] and not app.state.catalog_problem
        assert _catalog_toasts(app) == []
        await pilot.press("r")
        await wait_for(pilot, lambda: len(_refreshes(app)) == 2, what="the refresh r asked for")
        await wait_for(pilot, lambda: _catalog_toasts(app), what="the answer to r")
        assert "reloaded" in _catalog_toasts(app)[0]

