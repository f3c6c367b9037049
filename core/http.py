"""The one place that creates HTTP clients, so offline mode is enforced in one spot."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping

from pytui.core.errors import OfflineError

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
USER_AGENT = "pytui/0.1 (uv-compatible)"


def timeouts(env: Mapping[str, str] | None = None):  # -> httpx.Timeout
    """uv's timeouts: 10 s connect, 30 s read; `UV_HTTP_TIMEOUT` / `UV_HTTP_CONNECT_TIMEOUT` honoured."""
    import httpx

    env = os.environ if env is None else env
    read = READ_TIMEOUT
    for name in ("UV_HTTP_TIMEOUT", "UV_REQUEST_TIMEOUT", "HTTP_TIMEOUT"):
        if env.get(name):
            with contextlib.suppress(ValueError):
                read = float(env[name])
            break
    connect = CONNECT_TIMEOUT
    if env.get("UV_HTTP_CONNECT_TIMEOUT"):
        with contextlib.suppress(ValueError):
            connect = float(env["UV_HTTP_CONNECT_TIMEOUT"])
    return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)


def make_client(*, offline: bool, what: str = "network access",
                env: Mapping[str, str] | None = None):  # -> httpx.Client
    """Return an `httpx.Client`, or raise `OfflineError` when offline: no socket is ever opened."""
    if offline:
        raise OfflineError(f"{what} needs the network, but pytui is offline (--offline or UV_OFFLINE)")
    import httpx  # imported lazily: `pytui list --offline` never pays for it

    return httpx.Client(
        timeout=timeouts(env),
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
        trust_env=True,
        transport=_lazy_tls_transport(),
    )


def _lazy_tls_transport():  # -> httpx.BaseTransport
    """A transport that loads the CA certificates only for the first https request.

    Building httpx's TLS context (certifi's bundle) costs ~50 ms, which a plain-http mirror
    never needs; an https request (or a redirect to one) builds it then, once.
    """
    import threading

    import httpx

    class LazyTLSTransport(httpx.BaseTransport):
        def __init__(self) -> None:
            self._lock = threading.Lock()
            self._transports: dict[str, httpx.HTTPTransport] = {}

        def _for(self, scheme: str) -> httpx.HTTPTransport:
            tls = scheme == "https"
            with self._lock:
                transport = self._transports.get(scheme)
                if transport is None:
                    # No TLS for plain http: skip loading certificates there.
                    transport = httpx.HTTPTransport(verify=tls)
                    self._transports[scheme] = transport
                return transport

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return self._for(request.url.scheme).handle_request(request)

        def close(self) -> None:
            with self._lock:
                transports, self._transports = list(self._transports.values()), {}
            for transport in transports:
                transport.close()

    return LazyTLSTransport()


def env_offline(env: Mapping[str, str] | None = None) -> bool:
    """`UV_OFFLINE` as uv reads booleans: 1/true/yes/on."""
    env = os.environ if env is None else env
    return env.get("UV_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on", "y", "t"}
