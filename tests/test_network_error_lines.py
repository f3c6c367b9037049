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
