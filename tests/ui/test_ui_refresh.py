"""Pilot tests of the catalog's refresh: `r` fetches it (and lists the cache again), the
background refresh at start (none offline), and a failed one's notification naming the next
step only where the line has none of its own."""

from __future__ import annotations

from pytui.widgets.cache_table import CacheTable
from ui_helpers import SIZE, UiWorld, available_table, header_text, ready, toast_texts, wait_for


def _served_catalog(http_server, version: str = "3.15.9") -> tuple[str, str]:
    """A uv catalog on the loopback server holding one build the embedded catalog lacks."""
    import json

    from fixtures_archives import make_build, uv_catalog_entry

    build = make_build(version=version, sha256="cd" * 32)
    key, entry = uv_catalog_entry(build)
    url = http_server.add("/download-metadata.json", json.dumps({key: entry}).encode())
    return url, build.key


async def test_refresh_key_fetches_the_catalog(http_server) -> None:
    from pytui.app.tui import make_app
    from pytui.core.settings import Settings
    from ui_helpers import HOST

    url, key = _served_catalog(http_server)
    settings = Settings.resolve(catalog_url=url)
    app = make_app(settings, host=HOST, refresh=False, show_eta=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.state.catalog.get(key) is None and http_server.count() == 0
        await pilot.press("r")
        await wait_for(pilot, lambda: key in available_table(app).row_keys, what="refreshed catalog")
        assert (settings.state_dir / "catalog.json").is_file()
        assert any("refreshed" in n.message for n in app._notifications)
        assert "refresh failed" not in header_text(app)


async def test_background_refresh_at_start_unless_offline(http_server) -> None:
    from pytui.app.tui import make_app
    from pytui.core.settings import Settings
    from ui_helpers import HOST

    url, key = _served_catalog(http_server)
    offline = make_app(Settings.resolve(catalog_url=url, offline=True), host=HOST)
    async with offline.run_test(size=SIZE) as pilot:
        await ready(pilot)
        # Quiet (the startup's steps run, no worker running): a refresh started at start would
        # have ended by then and said so. A fixed pause proved nothing on a busy machine.
        await wait_for(pilot, offline._quiet, what="the app quiet after its start")
        assert not [entry.message for entry in offline.history.entries if entry.kind == "refresh"]
        assert http_server.count() == 0
        assert "OFFLINE" in header_text(offline) and "refresh" not in header_text(offline)
    online = make_app(Settings.resolve(catalog_url=url), host=HOST)
    async with online.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: key in available_table(online).row_keys,
                       what="background refresh")


async def test_refresh_lists_the_cache_again(ui_world: UiWorld) -> None:
    """An archive removed from another shell (`pytui cache verify`, rm) leaves the Cached
    pane when `r` is pressed, without `v`."""
    archive = ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        assert archive.name in cached.row_keys
        archive.unlink()
        await pilot.press("r")
        await wait_for(pilot, lambda: archive.name not in cached.row_keys,
                       what="the removed archive's row to go")
        assert not app.state.archives


async def test_a_failed_refresh_at_start_says_what_to_do_next(tmp_path) -> None:
    """The catalog URL refuses connections: the notification keeps the cause and the kept
    catalog, then names the next step with keys and options that exist."""
    import socket

    from pytui.app.keymap import KEYMAP
    from pytui.app.parser import build_parser
    from pytui.app.toast_text import shorten_urls
    from pytui.app.tui import make_app
    from pytui.core.settings import Settings
    from ui_helpers import HOST

    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings.resolve(catalog_url=f"http://127.0.0.1:{port}/download-metadata.json")
    app = make_app(settings, host=HOST, refresh=True, show_eta=False)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: any("could not refresh" in text for text in toast_texts(app)),
                       what="the failure")
        said = next(text for text in toast_texts(app) if "could not refresh" in text)
        assert "kept the embedded catalog" in said
        assert said.endswith("Next: r tries again, o works offline (installs from the cache), "
                             "or PYTUI_CATALOG_URL / --downloads-json names a reachable catalog.")
        # The same line in History, the whole URL in it (the toast names host and file).
        kept = app.history.entries[-1].message
        assert said == shorten_urls(kept) and settings.catalog_url in kept
        # The header: the failure right after the mode, which catalog is shown, the key that
        # retries (it read `ONLINE … · refresh failed`, as if both were the connection's state).
        first = header_text(app).splitlines()[0]
        assert first.startswith("pytui  ONLINE   refresh failed · showing embedded"), first
        assert first.endswith(" builds · r retries"), first
    actions = {key.keys: key.action for key in KEYMAP}
    assert actions["r"] == "refresh" and actions["o"] == "toggle_offline"
    assert "--downloads-json" in build_parser().format_help()


def test_only_a_refresh_that_fetched_nothing_usable_gets_the_next_step() -> None:
    """Lines with their own next step (state dir, a --downloads-json URL) get no second one."""
    from pytui.app.listing_messages import refresh_next_step

    for fetched_nothing in ("could not refresh the catalog from https://x/c.json (HTTP 503); "
                            "kept the embedded catalog",
                            "refused the catalog from https://x/c.json: it lists no builds "
                            "pytui understands; kept the catalog fetched 2 days ago"):
        assert refresh_next_step(fetched_nothing).startswith(". Next: r tries again")
    for has_its_own in ("fetched the catalog from https://x/c.json but could not keep it in the "
                        "state dir /s: read-only; set PYTUI_STATE_DIR to another directory; "
                        "kept the embedded catalog",
                        "catalog https://x/c.json could not be fetched (ConnectError); check the "
                        "URL and the network, or use a local file"):
        assert refresh_next_step(has_its_own) == ""
