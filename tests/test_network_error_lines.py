"""A catalog server that accepts and never answers: the refresh said `(ReadTimeout: timed
out)`, the client's class name, where the other causes name the server and what to do."""

from __future__ import annotations

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
    err = httpx.ConnectError("[Errno 111] Connection refused")
    assert describe_network_error(err, URL) == "ConnectError: [Errno 111] Connection refused"


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
