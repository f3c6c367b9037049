"""When a download retries and when it gives up: uv's backoff, the failure kinds, the speed floor.

See core/download.py for the behaviour as a whole (docs/uv-compat.md#retries-and-timeouts).
"""

from __future__ import annotations

import os
import random
import time
from collections import deque
from collections.abc import Mapping

from pytui.core.errors import GO_OFFLINE, REFRESH, Step, cli_words, unresolved_reason
from pytui.core.http import TransferLimits

# uv's backoff between retry rounds: 2 s doubling up to 30 s (PYTUI_HTTP_BACKOFF sets the base).
BACKOFF_BASE = 2.0
BACKOFF_CAP = 30.0
TRANSIENT_STATUS = frozenset({408, 429, *range(500, 600)})
# A server that says the file is not there: the catalog names a file the mirror lacks.
MISSING_STATUS = frozenset({404, 410})
# How to refresh and to go offline, in the CLI's words (which name the TUI's key too): steps
# the TUI words itself, its key alone (app/job_bodies.TUI_STEPS).
HOW_TO_REFRESH = Step(REFRESH, "(r in the TUI, or pytui list --refresh)")
HOW_TO_GO_OFFLINE = Step(GO_OFFLINE, "(--offline, o in the TUI)")
# The mirror a build's downloads go through, as a next step names it (core/urls.py): uv's
# for CPython, its PyPy mirror for PyPy; GraalPy's come from the catalog's URL, no mirror.
CPYTHON_MIRROR = "the mirror (--mirror / UV_PYTHON_INSTALL_MIRROR)"
_MIRRORS = {"cpython": CPYTHON_MIRROR, "pypy": "the PyPy mirror (UV_PYPY_INSTALL_MIRROR)"}


def mirror_of(implementation: str, names: Mapping[str, str] | None = None) -> str | None:
    """The mirror that may serve `implementation`'s builds, in words (`names`: a run's own,
    `mirror_names`); None when none can."""
    return (_MIRRORS if names is None else names).get(implementation)


def mirror_names(settings: object) -> dict[str, str]:
    """The mirrors in words for a run whose settings may take one from uv's configuration
    file: that key and file (`the mirror (python-install-mirror in /p/uv.toml)`), where the
    flag's and the variable's names would send the reader to the wrong place."""
    names = dict(_MIRRORS)
    source_of = getattr(settings, "source_of", None)
    if source_of is not None:
        for implementation, key in (("cpython", "python-install-mirror"),
                                    ("pypy", "pypy-install-mirror")):
            path = source_of(key)
            if path is not None:
                names[implementation] = f"the mirror ({key} in {path})"
    return names


def scheme_next_step(mirror: str | None) -> str:
    """What to do about a mirror of a scheme no reader has: SCHEME_NEXT_STEP, unless the mirror
    came from a configuration file (then that key and file)."""
    if mirror is None or mirror in _MIRRORS.values():
        return SCHEME_NEXT_STEP
    return f"set {mirror} to an http(s):// or file:// URL"


def host_next_step(mirror: str | None, part: str = "host") -> str:
    """What to do about a download URL whose host (or port: `part`) no URL parser takes
    (`https://a b/`, `:99999`): fix the mirror that made it, named by its key and file when a
    configuration file set it."""
    if mirror is None or mirror in _MIRRORS.values():
        return f"fix the {part} in {mirror or CPYTHON_MIRROR} or in the catalog's URL"
    return f"fix the {part} in {mirror}"


def missing_next_step(mirror: str | None = CPYTHON_MIRROR) -> tuple[str | Step, ...]:
    """After a MISSING_STATUS failure, as text and a step (how to refresh) each view words."""
    return ("the catalog may be stale: refresh it ", HOW_TO_REFRESH,
            f", or check {mirror}" if mirror else "")


def unreachable_next_step(mirror: str | None = CPYTHON_MIRROR) -> tuple[str | Step, ...]:
    """Every URL failed without an HTTP answer (name not resolved, connection refused or cut,
    timeouts): text and a step (how to go offline) each view words."""
    check = f"the network connection and {mirror}" if mirror else "the network connection"
    return f"check {check}; builds already in the cache install offline ", HOW_TO_GO_OFFLINE


def other_next_step(mirror: str | None = CPYTHON_MIRROR) -> str:
    """Any other failure: the server answered, but wrongly (a redirect to no URL, a 403 or a
    5xx that lasted, more bytes than declared), or a file:// mirror lacks the file."""
    return f"check {mirror} and the catalog, or try again later" if mirror else \
        "check the catalog, or try again later"


# The CPython forms in the CLI's words (the most downloads are CPython's; tests compare with
# them).
MISSING_NEXT_STEP = cli_words(missing_next_step())
UNREACHABLE_NEXT_STEP = cli_words(unreachable_next_step())
OTHER_NEXT_STEP = other_next_step()
# The URL schemes a download reads (as uv's: its client refuses any other). Lower case: a
# scheme is compared so (`HTTPS://` is https).
FETCHED_SCHEMES = ("http://", "https://", "file://")
# A URL of another scheme (a mirror set to ftp://…): retrying cannot help.
SCHEME_NEXT_STEP = "set the mirror (--mirror / UV_PYTHON_INSTALL_MIRROR) to an http(s):// or file:// URL"
# A cut or reset after at least this many new bytes is retried without spending the budget...
MIN_PROGRESS = 64 * 1024
# ... this many times per download at most (then cuts spend it again).
MAX_PROGRESS_RETRIES = 1000


def retries_from_env(env: Mapping[str, str] | None = None) -> int:
    """`UV_HTTP_RETRIES` (default 3), as uv reads it; an invalid value is a `UsageError`."""
    return TransferLimits.from_env(env).retries


class Backoff:
    """Exponential backoff with jitter: retry n waits a random time in [d/2, d], d = min(cap, base*2^(n-1)).

    uv waits 2-30 s. `PYTUI_HTTP_BACKOFF` sets `base` (seconds), which is how tests stay fast.
    A plain class (no `dataclasses`, which imports `inspect` on a cold install's path).
    """

    base: float = BACKOFF_BASE
    cap: float = BACKOFF_CAP

    def __init__(self, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP) -> None:
        self.base = base
        self.cap = cap

    def __repr__(self) -> str:
        return f"Backoff(base={self.base!r}, cap={self.cap!r})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return (self.base, self.cap) == (other.base, other.cap)

    def __hash__(self) -> int:
        return hash((self.base, self.cap))

    def delay(self, retry: int) -> float:
        longest = min(self.cap, self.base * 2 ** max(0, retry - 1))
        return random.uniform(longest / 2, longest)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Backoff:
        from pytui.core.http import env_seconds

        env = os.environ if env is None else env
        if not env.get("PYTUI_HTTP_BACKOFF", ""):
            return cls()
        base = env_seconds(env, "PYTUI_HTTP_BACKOFF", BACKOFF_BASE)
        return cls(base=base, cap=base * 15)


class TransferFailure(Exception):
    """One URL failed; `transient` failures earn a retry of the whole URL list. A cut after
    progress may be retried for free unless `spends` (timeouts, the speed floor)."""

    def __init__(self, url: str, reason: str, *, transient: bool, spends: bool = False,
                 status: int | None = None, unresolved: str | None = None) -> None:
        super().__init__(reason)
        self.url = url
        self.status = status  # the HTTP status, when the server answered with one
        self.reason = reason
        self.transient = transient
        self.spends = spends
        # The host whose name did not resolve: with no network every URL fails so, and the
        # line says that rather than `ConnectError: [Errno -2] Name or service not known`.
        self.unresolved = unresolved


def unresolved_hosts_reason(hosts: list[str]) -> str:
    """Why a download failed when no URL's host name resolved: each host once, in order."""
    names = list(dict.fromkeys(hosts))
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return unresolved_reason(listed)


class SpeedMeter:
    """Bytes per second over the last few seconds."""

    WINDOW = 3.0

    def __init__(self) -> None:
        self._samples: deque[tuple[float, int]] = deque()

    def update(self, done: int) -> float | None:
        now = time.monotonic()
        samples = self._samples
        if samples and done < samples[-1][1]:
            samples.clear()  # a restart from zero
        samples.append((now, done))
        while len(samples) > 2 and now - samples[0][0] > self.WINDOW:
            samples.popleft()
        elapsed = now - samples[0][0]
        return (done - samples[0][1]) / elapsed if elapsed > 0.1 else None


class SpeedFloor:
    """curl's --speed-limit/--speed-time: True once fewer than `limit` bytes/s arrived over a
    whole window of `window` seconds (windows restart when one passes)."""

    def __init__(self, limit: int, window: float, have: int, *, started: float | None = None) -> None:
        self.limit = limit
        self.window = window
        # A catalog's floor counts from the request (its headers' wait included).
        self._start = time.monotonic() if started is None else started
        self._base = have

    @property
    def reason(self) -> str:
        """The cause a transfer cut by this floor gives, in the same words for downloads and
        catalogs (no parentheses: the lines that quote it put causes in them)."""
        return (f"slower than {self.limit} bytes/s for {self.window:g} s, the floor "
                "PYTUI_HTTP_SPEED_LIMIT and PYTUI_HTTP_SPEED_TIME set")

    def too_slow(self, have: int) -> bool:
        if not self.limit:
            return False
        now = time.monotonic()
        elapsed = now - self._start
        if elapsed < self.window:
            return False
        if have - self._base < self.limit * elapsed:
            return True
        self._start, self._base = now, have
        return False
