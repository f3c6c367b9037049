"""A catalog server that accepts and never answers: the refresh said `(ReadTimeout: timed
out)`, the client's class name, where the other causes name the server and what to do."""

from __future__ import annotations

import socket

import httpx
import pytest
from pytui.core import plain_http
from pytui.core.errors import describe_network_error

URL = "http://user:secret@127.0.0.1:8767/download-metadata.json"


@pytest.mark.parametrize("err", [httpx.ReadTimeout("timed out"), plain_http.ReadTimeout("timed out"),
                                 TimeoutError("timed out")])
def test_a_silent_server_is_said_with_the_variable_that_sets_the_wait(err) -> None:
    assert describe_network_error(err, URL) == \
        "127.0.0.1:8767 did not answer in time: UV_HTTP_TIMEOUT sets how long to wait"


@pytest.mark.parametrize("err", [httpx.ConnectTimeout("timed out"),
                                 plain_http.ConnectTimeout("timed out")])
def test_a_connection_not_made_in_time_names_the_connect_timeout(err) -> None:
    assert describe_network_error(err, URL) == \
        "could not connect to 127.0.0.1:8767 in time: UV_HTTP_CONNECT_TIMEOUT sets how long to wait"


def test_other_failures_keep_their_type_and_text() -> None:
    err = httpx.ConnectError("[Errno 111] Connection refused")  # no cause kept: no errno known
    assert describe_network_error(err, URL) == "ConnectError: [Errno 111] Connection refused"


def _closed_port() -> int:
    """A loopback port nothing listens on (taken from the kernel, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("client", ["httpx", "plain"])
def test_a_refused_connection_names_the_place_not_the_errno(client: str) -> None:
    """A server that is not running read `ConnectError: [Errno 111] Connection refused` (httpx)
    or `ConnectError: Connection refused`, after `could not download after 3 retries`."""
    port = _closed_port()
    url = f"http://user:secret@127.0.0.1:{port}/x.tar.gz"
    with pytest.raises(Exception) as caught:
        if client == "httpx":
            httpx.get(url)
        else:
            plain_http.PlainClient("t").stream("GET", url, headers={}, timeout=(5.0, 5.0))
    assert describe_network_error(caught.value, url) == \
        f"127.0.0.1:{port} refused the connection (no server listens there, or a firewall rejects it)"


def test_the_release_cycle_says_no_network_as_the_catalog_beside_it_does(monkeypatch) -> None:
    """`pytui list --refresh` with no network: the catalog's line said `cannot look up
    raw.githubusercontent.com (no network, or no DNS)` and the release cycle's, next to it,
    `ConnectError: [Errno -2] Name or service not known`."""
    import socket

    from pytui.core import catalog_fetch, support
    from pytui.core.settings import Settings

    def no_dns(*_args, **_kwargs):
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as err:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from err

    monkeypatch.setattr(catalog_fetch, "fetch_catalog", no_dns)
    url = "https://cycles.example/release-cycle.json"
    line = support.refresh(Settings.resolve(env={"PYTUI_RELEASE_CYCLE_URL": url}))
    assert line is not None
    assert line.startswith(f"could not refresh the Python release cycle from {url} (cannot look up "
                           "cycles.example (no network, or no DNS)); kept the dates pytui has"), line
