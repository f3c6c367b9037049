"""The one HTTP client factory: offline refusal, uv's timeouts, certificates loaded only for TLS."""

from __future__ import annotations

import ssl

import pytest
from pytui.core.env import SHOWN_LIMIT
from pytui.core.errors import OfflineError, UsageError
from pytui.core.http import (
    MAX_ARCHIVE_BYTES,
    SPEED_LIMIT,
    SPEED_TIME,
    TransferLimits,
    make_client,
    timeouts,
)


def test_offline_refuses_before_any_client_exists() -> None:
    with pytest.raises(OfflineError, match="offline"):
        make_client(offline=True, what="refreshing the catalog")


def test_timeouts_follow_uv_variables() -> None:
    assert timeouts({}).connect == 10.0 and timeouts({}).read == 30.0
    custom = timeouts({"UV_HTTP_TIMEOUT": "5", "UV_HTTP_CONNECT_TIMEOUT": "2"})
    assert custom.read == 5.0 and custom.connect == 2.0
    assert timeouts({"UV_REQUEST_TIMEOUT": "7"}).read == 7.0 and timeouts({"UV_HTTP_TIMEOUT": ""}).read == 30.0


@pytest.mark.parametrize(("name", "value"), [
    ("UV_HTTP_TIMEOUT", "soon"), ("UV_HTTP_TIMEOUT", "nan"), ("UV_HTTP_TIMEOUT", "-1"),
    ("UV_HTTP_TIMEOUT", "inf"), ("UV_HTTP_TIMEOUT", "1.5"), ("UV_HTTP_CONNECT_TIMEOUT", "nan"),
    ("HTTP_TIMEOUT", "1e999"), ("UV_HTTP_RETRIES", "-1"), ("UV_HTTP_RETRIES", "1.5"),
    ("UV_HTTP_RETRIES", "9" * 5000), ("PYTUI_MAX_ARCHIVE_BYTES", "0"), ("PYTUI_HTTP_SPEED_LIMIT", "x"),
    ("PYTUI_HTTP_SPEED_TIME", "-3"),
])
def test_an_invalid_value_is_a_usage_error_naming_it(name: str, value: str) -> None:
    with pytest.raises(UsageError) as err:
        TransferLimits.from_env({name: value})
    message = str(err.value)
    # a value past SHOWN_LIMIT is shown cut, with its length (core/env._shown)
    shown = value if len(value) <= SHOWN_LIMIT else f"{value[:SHOWN_LIMIT]}… ({len(value):,} characters)"
    assert name in message and f"`{shown}`" in message and "\n" not in message
    assert err.value.exit_code == 2


def test_the_bounds_and_their_overrides() -> None:
    limits = TransferLimits.from_env({})
    assert (limits.retries, limits.max_archive_bytes, limits.speed_limit, limits.speed_time) == \
        (3, MAX_ARCHIVE_BYTES, SPEED_LIMIT, SPEED_TIME)
    custom = TransferLimits.from_env({"UV_HTTP_RETRIES": "0", "PYTUI_MAX_ARCHIVE_BYTES": "1000",
                                      "PYTUI_HTTP_SPEED_LIMIT": "0", "PYTUI_HTTP_SPEED_TIME": "0.5"})
    assert (custom.retries, custom.max_archive_bytes, custom.speed_limit, custom.speed_time) == (0, 1000, 0, 0.5)


def test_plain_http_needs_no_certificates_but_https_verifies(http_server) -> None:
    url = http_server.add("/x", b"hello")
    with make_client(offline=False) as client:
        assert client.get(url).content == b"hello"
        transport = client._transport
        assert "https" not in transport._transports  # no CA bundle was loaded for http
        tls = transport._for("https")
        context = tls._pool._ssl_context
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
