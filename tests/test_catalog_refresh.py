"""Refreshing the kept catalog over HTTP: fetched, then revalidated with its ETag; a failed
refresh (an HTTP error, a body that does not parse, a server nobody answers for) keeps what
there was; offline, no socket is opened."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytui.core.kept_catalog import KEPT_CATALOG, KEPT_META, load_kept_catalog
from pytui.core.sources import load_catalog, refresh_catalog
from test_catalog import entry, settings_for, uv_json


class _CatalogHandler(http.server.BaseHTTPRequestHandler):
    """Serves `body` with an ETag; answers 304 to a matching If-None-Match."""

    body = b""
    etag = '"v1"'
    status = 200
    seen: list = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        cls = type(self)
        cls.seen.append(dict(self.headers))
        if cls.status != 200:
            self.send_response(cls.status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == cls.etag:
            self.send_response(304)
            self.send_header("ETag", cls.etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", cls.etag)
        self.send_header("Content-Length", str(len(cls.body)))
        self.end_headers()
        self.wfile.write(cls.body)


@pytest.fixture
def catalog_server() -> Iterator[type[_CatalogHandler]]:
    handler = type("Handler", (_CatalogHandler,), {"seen": [], "body": uv_json(entry())})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/download-metadata.json"
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def test_refresh_fetches_then_revalidates_with_etag(tmp_path: Path, catalog_server) -> None:
    settings = settings_for(tmp_path, catalog_url=catalog_server.url)
    first = refresh_catalog(settings)
    assert first.ok and first.changed and first.builds == 1
    assert "first fetch" in first.message
    kept, meta = settings.state_dir / KEPT_CATALOG, settings.state_dir / KEPT_META
    assert kept.read_bytes() == catalog_server.body
    assert json.loads(meta.read_text())["etag"] == '"v1"'
    assert "If-None-Match" not in catalog_server.seen[0]

    second = refresh_catalog(settings)
    assert second.ok and not second.changed and "up to date" in second.message
    assert catalog_server.seen[1].get("If-None-Match") == '"v1"'

    catalog_server.body = uv_json(entry(), entry(minor=13), entry(minor=14))
    catalog_server.etag = '"v2"'
    third = refresh_catalog(settings)
    assert third.changed and third.builds == 3 and "2 new" in third.message
    assert load_kept_catalog(settings.state_dir) is not None
    # The replacement was atomic: no temporary files left beside the kept copy.
    assert sorted(p.name for p in settings.state_dir.iterdir() if p.is_file()) == [
        KEPT_CATALOG, KEPT_META]
    merged = load_catalog(settings)
    assert merged.get("cpython-3.14.8-linux-x86_64-gnu") is not None


@pytest.mark.parametrize(("status", "body", "words"), [
    (500, b"", "HTTP 500"),
    (200, b"<html>not json</html>", "not valid JSON"),
    (200, b"[]", "top level is an array"),
    (200, json.dumps({"version": 2}).encode(), "format version"),
])
def test_failed_refresh_keeps_the_kept_copy(tmp_path: Path, catalog_server, status, body, words) -> None:
    settings = settings_for(tmp_path, catalog_url=catalog_server.url)
    assert refresh_catalog(settings).changed
    before = (settings.state_dir / KEPT_CATALOG).read_bytes()
    catalog_server.status, catalog_server.body, catalog_server.etag = status, body, '"v9"'
    result = refresh_catalog(settings)
    assert not result.ok and not result.changed
    assert words in result.message and "kept the catalog fetched" in result.message
    assert "\n" not in result.message
    # The parser's advice is for a file the user named: a refresh of the catalog URL said
    # "point --downloads-json at a uv download-metadata.json", a flag nobody had used.
    assert "--downloads-json" not in result.message, result.message
    assert (settings.state_dir / KEPT_CATALOG).read_bytes() == before


def test_unreachable_server_keeps_what_there_is(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = settings_for(tmp_path, catalog_url=f"http://127.0.0.1:{port}/meta.json")
    result = refresh_catalog(settings)
    assert not result.ok and "could not refresh" in result.message
    assert "kept the embedded catalog" in result.message and "\n" not in result.message


def test_offline_refresh_opens_no_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("a socket was opened while offline")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    settings = settings_for(tmp_path, env={"UV_OFFLINE": "1"})
    assert settings.offline
    result = refresh_catalog(settings)
    assert not result.ok and result.message.startswith("offline")
    catalog = load_catalog(settings, refresh=True)
    assert catalog.refresh_result is not None and not catalog.refresh_result.ok
