"""The one HTTP client factory: offline refusal, uv's timeouts, certificates loaded only for TLS."""

from __future__ import annotations

import ssl

import pytest
from pytui.core.errors import OfflineError
from pytui.core.http import make_client, timeouts


def test_offline_refuses_before_any_client_exists() -> None:
    with pytest.raises(OfflineError, match="offline"):
        make_client(offline=True, what="refreshing the catalog")


def test_timeouts_follow_uv_variables() -> None:
    assert timeouts({}).connect == 10.0 and timeouts({}).read == 30.0
    custom = timeouts({"UV_HTTP_TIMEOUT": "5", "UV_HTTP_CONNECT_TIMEOUT": "2"})
    assert custom.read == 5.0 and custom.connect == 2.0
    assert timeouts({"UV_HTTP_TIMEOUT": "soon"}).read == 30.0  # unparseable: the default


def test_plain_http_needs_no_certificates_but_https_verifies(http_server) -> None:
    url = http_server.add("/x", b"hello")
    with make_client(offline=False) as client:
        assert client.get(url).content == b"hello"
        transport = client._transport
        assert "https" not in transport._transports  # no CA bundle was loaded for http
        tls = transport._for("https")
        context = tls._pool._ssl_context
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
