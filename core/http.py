"""The one place that creates HTTP clients, so offline mode is enforced in one spot, and the
one place that reads the bounds every transfer obeys (timeouts, retries, sizes, speed floor).

Every bound is a named constant below; where uv has an environment variable for it, pytui reads
uv's name, otherwise a `PYTUI_*` one. An invalid value (not a number, NaN, infinite, negative,
zero where zero makes no sense) is a usage error naming the variable and the value, as uv does.
"""

from __future__ import annotations

import contextlib
import os
from collections import namedtuple
from collections.abc import Mapping

from pytui.core.env import (
    CONNECT_TIMEOUT,
    HTTP_RETRIES,
    READ_TIMEOUT,
    ascii_count,
    ascii_seconds,
    shown_value,
    uv_read_timeout,
    uv_retries,
    uv_seconds,
)
from pytui.core.errors import OfflineError, UsageError
from pytui.core.keys import TYPE_CHECKING

# The most bytes an archive download may have when neither the catalog nor the server declares
# its size, and the most a server may declare (PYTUI_MAX_ARCHIVE_BYTES). The largest
# python-build-standalone archives are a few hundred MB.
MAX_ARCHIVE_BYTES = 2 << 30
# The speed floor, as curl's --speed-limit/--speed-time: a transfer that moves fewer than
# SPEED_LIMIT bytes a second, averaged over SPEED_TIME seconds, is cut and retried (resumed)
# as a transient failure (PYTUI_HTTP_SPEED_LIMIT in bytes/s, 0 = off; PYTUI_HTTP_SPEED_TIME in s).
SPEED_LIMIT = 1024
SPEED_TIME = 30.0
USER_AGENT = "pytui/0.1 (uv-compatible)"


def _invalid(name: str, value: str, expected: str) -> UsageError:
    return UsageError(f"invalid value for environment variable {name}: `{shown_value(value)}` "
                      f"(expected {expected}); fix or unset {name}")


def env_seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive, finite number of seconds from `env[name]` as uv reads a number (ASCII, no
    spaces: `ascii_seconds`), or `default` when unset or empty."""
    value = env.get(name, "")
    if not value:
        return default
    seconds = ascii_seconds(value)
    if seconds is None or seconds <= 0:
        raise _invalid(name, value, "a positive number of seconds")
    return seconds


def env_count(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0,
              maximum: int = 1 << 62) -> int:
    """A whole number in [minimum, maximum] from `env[name]` as uv reads one (`ascii_count`),
    or `default` when unset or empty."""
    value = env.get(name, "")
    if not value:
        return default
    count = ascii_count(value)
    if count is None or not minimum <= count <= maximum:
        raise _invalid(name, value, f"a whole number from {minimum} to {maximum}")
    return count


# uv's defaults (10 s to connect, 30 s without a byte read, 3 retry rounds over the URL list
# after the first) and uv's variables as uv parses them: core/env.py owns both.
class TransferLimits(namedtuple(
        "TransferLimits", "connect_timeout read_timeout retries max_archive_bytes speed_limit speed_time",
        defaults=(float(CONNECT_TIMEOUT), float(READ_TIMEOUT), HTTP_RETRIES, MAX_ARCHIVE_BYTES,
                  SPEED_LIMIT, SPEED_TIME))):
    """The bounds of every download, resolved once from the environment. (A named tuple from
    `collections`: every command checks these at start, and `dataclasses` would bring `inspect`
    into each, `typing.NamedTuple` the `typing` module.) `speed_limit` is bytes per second (0:
    no floor), averaged over `speed_time` seconds."""

    __slots__ = ()

    if TYPE_CHECKING:
        connect_timeout: float
        read_timeout: float
        retries: int
        max_archive_bytes: int
        speed_limit: int
        speed_time: float

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TransferLimits:
        """The bounds from `env`. `Settings.resolve` checks them at start only when a `PYTUI_*`
        variable is set (uv's are checked there by `EnvValues`): a bound added here reads uv's
        name or a `PYTUI_*` one."""
        env = os.environ if env is None else env
        read = uv_read_timeout(env)
        connect = uv_seconds(env, "UV_HTTP_CONNECT_TIMEOUT")
        retries = uv_retries(env)
        return cls(
            connect_timeout=float(CONNECT_TIMEOUT if connect is None else connect),
            read_timeout=float(READ_TIMEOUT if read is None else read),
            retries=HTTP_RETRIES if retries is None else retries,
            max_archive_bytes=env_count(env, "PYTUI_MAX_ARCHIVE_BYTES", MAX_ARCHIVE_BYTES, minimum=1),
            speed_limit=env_count(env, "PYTUI_HTTP_SPEED_LIMIT", SPEED_LIMIT),
            speed_time=env_seconds(env, "PYTUI_HTTP_SPEED_TIME", SPEED_TIME),
        )


def timeouts(env: Mapping[str, str] | None = None):  # -> httpx.Timeout
    """uv's timeouts: 10 s connect, 30 s read; `UV_HTTP_TIMEOUT` / `UV_HTTP_CONNECT_TIMEOUT` honoured."""
    import httpx

    limits = TransferLimits.from_env(env)
    read, connect = limits.read_timeout, limits.connect_timeout
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
        event_hooks={"response": [_check_redirect]},
    )


def _check_redirect(response) -> None:  # (an httpx.Response)
    """Each response of a redirect chain, before httpx follows it: its Location checked by the
    plain client's rule (core/plain_http.redirect_target), so a blank or malformed one says the
    same line whichever client met it (a blank one was 20 redirects to the same URL here)."""
    if response.has_redirect_location:
        import httpx
        from pytui.core.plain_http import InvalidURL, redirect_target

        try:
            redirect_target(str(response.request.url), response.headers["Location"])
        except InvalidURL as err:  # httpx's own type, which every caller of httpx catches
            raise httpx.InvalidURL(str(err)) from None


# Bytes httpcore asks the socket for at a time (its default is 64 KiB). Every piece costs a trip
# through h11's receive buffer under the GIL, which the extraction thread wants too: 1 MiB
# pieces cut the client's CPU per archive by about a third (0.10 -> 0.06 s for 23 MiB).
SOCKET_READ_BYTES = 1 << 20


def _read_bigger_pieces() -> None:
    """Make httpcore read SOCKET_READ_BYTES at a time (a class attribute: process-wide)."""
    with contextlib.suppress(ImportError, AttributeError):
        from httpcore._sync.http11 import HTTP11Connection

        if getattr(HTTP11Connection, "READ_NUM_BYTES", 0) < SOCKET_READ_BYTES:
            HTTP11Connection.READ_NUM_BYTES = SOCKET_READ_BYTES


def _lazy_tls_transport():  # -> httpx.BaseTransport
    """A transport that loads the CA certificates only for the first https request.

    Building httpx's TLS context (certifi's bundle) costs ~50 ms, which a plain-http mirror
    never needs; an https request (or a redirect to one) builds it then, once.
    """
    import threading

    import httpx

    _read_bigger_pieces()

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
