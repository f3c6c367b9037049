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
    )


def env_offline(env: Mapping[str, str] | None = None) -> bool:
    """`UV_OFFLINE` as uv reads booleans: 1/true/yes/on."""
    env = os.environ if env is None else env
    return env.get("UV_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on", "y", "t"}
