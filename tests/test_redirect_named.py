"""A failure at the place a redirect led names that place. httpx's errors name no URL, so the
catalog fetch (always httpx) and an archive redirected to https (httpx follows the chain) said
`ConnectError: [Errno 111] Connection refused` under the first URL, whose server had answered
with the redirect: the user went to check a mirror that was up. The plain client's errors said
`(redirected to …)` already; now every one does. Caches and installs stay as they were."""

from __future__ import annotations

import socket

from cli_harness import Pytui, assert_clean_failure, snapshot
from fixtures_archives import MadeArchive


def _closed_port() -> int:
    """A loopback port nothing listens on (taken from the kernel, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_archive_redirected_to_an_https_host_that_refuses_names_that_host(
        pytui: Pytui, baseline: MadeArchive) -> None:
    target = f"https://127.0.0.1:{_closed_port()}/elsewhere.tar.gz"
    pytui.add("3.12.8", faults={"mode": "redirect", "mode_args": {"location": target}})
    before = snapshot(pytui.root, pytui.bin, pytui.cache)
    line = assert_clean_failure(pytui.run("install", "3.12"))
    assert f"refused the connection (no server listens there, or a firewall rejects it) (redirected to {target})" in line, line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before


def test_an_archive_redirected_over_plain_http_to_a_host_that_refuses_says_the_same_line(
        pytui: Pytui, baseline: MadeArchive) -> None:
    """core/plain_http (an http archive's client) said `ConnectError: Connection refused
    (redirected to …)` where httpx's said which host refused: the same line now."""
    target = f"http://127.0.0.1:{_closed_port()}/elsewhere.tar.gz"
    pytui.add("3.12.8", faults={"mode": "redirect", "mode_args": {"location": target}})
    before = snapshot(pytui.root, pytui.bin, pytui.cache)
    line = assert_clean_failure(pytui.run("install", "3.12"))
    assert (f": {target.split('/')[2]} refused the connection (no server listens there, or a "
            f"firewall rejects it) (redirected to {target}))") in line, line
    assert "ConnectError" not in line, line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before


def test_a_catalog_redirected_to_a_host_that_refuses_names_that_host(pytui: Pytui,
                                                                     baseline: MadeArchive) -> None:
    target = f"http://127.0.0.1:{_closed_port()}/download-metadata.json"
    url = pytui.server.add("/c.json", b"{}", mode="redirect", mode_args={"location": target})
    before = snapshot(pytui.root, pytui.bin, pytui.cache)
    line = assert_clean_failure(pytui.run("list", "--downloads-json", url))
    assert line.startswith(f"error: catalog {url} could not be fetched (") and \
        f"refused the connection (no server listens there, or a firewall rejects it) (redirected to {target}))" in line, line
    assert snapshot(pytui.root, pytui.bin, pytui.cache) == before


class _Failed(Exception):
    """An error carrying the request it failed on, as httpx's do."""

    def __init__(self, url: str) -> None:
        super().__init__("refused")
        self.request = type("Request", (), {"url": url})()


def test_the_same_url_as_httpx_writes_it_back_is_no_redirect() -> None:
    from pytui.core.errors import redirect_note

    url = "http://mirror.example/a/cpython-3.12.8%2B20250115.tar.gz"
    for same in ("http://mirror.example:80/a/cpython-3.12.8+20250115.tar.gz",
                 "HTTP://mirror.example/a/cpython-3.12.8%2b20250115.tar.gz", url):
        assert redirect_note(_Failed(same), url) == "", same
    assert redirect_note(_Failed("https://mirror.example/a/x"), url) == " (redirected to https://mirror.example/a/x)"
    assert redirect_note(ValueError("no request"), url) == ""
