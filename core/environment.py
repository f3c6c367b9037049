"""What the environment scan finds: one `Environment` per venv or pin, the `ScanResult` around
them, and `would_break`, the question uninstall asks of them.

Found by `core/envs.py` (`scan`); resolved by `core/env_resolve.py`. No Textual here.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable
from pathlib import Path

from pytui.core.keys import TYPE_CHECKING, parse_key

KINDS = ("venv", "uv-tool", "pipx", "pipx-shared", "virtualenvwrapper", "pin")

if TYPE_CHECKING:
    from typing import NamedTuple

    class _EnvironmentFields(NamedTuple):
        path: Path
        kind: str
        key: str | None
        link: str | None
        status: str
        interpreter: str | None = None
        wanted: str | None = None
        minor: str | None = None
        version: str | None = None
        request: str | None = None
        error: str | None = None
else:  # collections' namedtuple: dataclasses (and the inspect it imports) cost `pytui envs`
    # ~10 ms of its ~0.15 s, typing more
    _EnvironmentFields = namedtuple(
        "Environment", "path kind key link status interpreter wanted minor version request error",
        defaults=(None,) * 6)


# What the Key column says of an environment that uses no install in the root, the same in
# `pytui envs` and the TUI's Environments view (every other Key is an install's key): `missing`
# only for a managed Python that is gone; one outside the root (a system or pyenv Python) said
# `missing` too, beside `ok`.
KEY_OUTSIDE = "outside"
KEY_MISSING = "missing"
KEY_NONE = "none"  # a pin no install satisfies (uv would install one)
KEY_UNKNOWN = "unknown"  # a pyvenv.cfg that names no interpreter
NO_KEY_WORDS = frozenset({KEY_OUTSIDE, KEY_MISSING, KEY_NONE, KEY_UNKNOWN})


class Environment(_EnvironmentFields):
    """One environment and the install it uses (immutable). `key` is None when it uses no
    install in the root (external, broken, or a pin nothing satisfies).

    path, kind; key; link ("minor", "patch", "external", or None for pins); status ("ok" or
    "broken"); interpreter: the base interpreter it runs (or would run); wanted: when broken,
    the key, minor link or path it wanted; minor: the minor-version link it goes through;
    version: from pyvenv.cfg; request: a pin's requested version; error: why it is broken."""

    __slots__ = ()

    def how(self) -> str:
        """`follows 3.12`, `pinned to 3.12.8`, `external`, `pin 3.12`, or why it is broken."""
        if self.status == "broken":
            return f"broken: {self.error or 'wanted ' + str(self.wanted)}"
        if self.kind == "pin":
            return f"pin {self.request}" + ("" if self.key else " (no install satisfies it)")
        parts = parse_key(self.key) if self.key else None
        if self.link == "minor" and parts is not None:
            return f"follows {parts.major}.{parts.minor}"
        if self.link == "patch" and parts is not None:
            return f"pinned to {parts.version}"
        return f"external ({self.interpreter})" if self.interpreter else "external"

    def key_shown(self) -> str:
        """The Key column's word: the install's key, else what it uses (`outside`, `missing`,
        `none`, `unknown`: KEY_*)."""
        if self.key:
            return self.key
        if self.link == "external":
            return KEY_OUTSIDE
        if self.kind == "pin":
            return KEY_NONE
        return KEY_MISSING if self.link in ("minor", "patch") else KEY_UNKNOWN

    def to_json(self) -> dict:
        out: dict = {"path": str(self.path), "kind": self.kind, "key": self.key,
                     "link": self.link, "status": self.status}
        for name in ("interpreter", "wanted", "minor", "version", "request", "error"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        out["how"] = self.how()
        return out


class ScanResult:
    """What one scan found, and how it went."""

    def __init__(self, environments: list[Environment], roots: list[Path], *,
                 partial: bool = False, reason: str | None = None,
                 unreadable: list[str] | None = None, elapsed: float = 0.0, listed: int = 0,
                 reused: int = 0, warnings: list[str] | None = None, quick: bool = False,
                 tree_checked_at: float | None = None, tree_dirs: int = 0,
                 watched: int = 0) -> None:
        self.environments = environments
        self.roots = roots
        self.partial = partial
        self.reason = reason                  # why it is partial
        self.unreadable: list[str] = [] if unreadable is None else unreadable
        self.elapsed = elapsed
        self.listed = listed                  # directories listed this time
        self.reused = reused                  # directories whose stored listing was still valid
        self.warnings: list[str] = [] if warnings is None else warnings
        # A quick scan (core/env_quick.py): the known environments and the watched directories
        # checked, not the whole tree; `tree_checked_at` (by the scan's clock) is when the whole tree
        # was last checked (now, for a full scan), `tree_dirs` how many directories that was.
        self.quick = quick
        self.tree_checked_at = tree_checked_at
        self.tree_dirs = tree_dirs
        self.watched = watched                # quick: watched directories checked

    def __repr__(self) -> str:
        return (f"ScanResult({len(self.environments)} environments, quick={self.quick}, "
                f"partial={self.partial}, listed={self.listed}, reused={self.reused})")


def count_broken(environments: Iterable[Environment]) -> int:
    """How many are broken: the one count `pytui envs` and the TUI's Environments view say."""
    return sum(1 for env in environments if env.status == "broken")


def _minor_group(key: str) -> tuple | None:
    parts = parse_key(key)
    if parts is None:
        return None
    return (parts.implementation, parts.major, parts.minor, parts.variant, parts.os, parts.arch,
            parts.libc)


def would_break(environments: Iterable[Environment], removing: Iterable[str],
                remaining: Iterable[str], pipx_default_key: str | None = None) -> list[Environment]:
    """Environments that stop working when the installs `removing` go and `remaining` stay.

    One pinned to a removed patch breaks. One following a minor-version link breaks only if no
    other patch of that minor (same implementation, variant and platform) remains, since the
    link then moves to the highest remaining one. External, already broken environments and
    pins (uv would install what a pin asks for) never count, nor pipx's shared libraries venv
    that pipx rebuilds by itself (`rebuilt_by_pipx`).
    """
    gone = set(removing)
    return [env for env in _stop_working(environments, gone, remaining)
            if not _pipx_rebuilds(env, gone, pipx_default_key)]


def rebuilt_by_pipx(environments: Iterable[Environment], removing: Iterable[str],
                    remaining: Iterable[str], pipx_default_key: str | None = None) -> list[Environment]:
    """pipx's shared libraries venvs that lose their Python with `removing`, which pipx 1.18.4
    rebuilds by itself on its default Python at its next install, upgrade or reinstall (its
    apps keep running meanwhile: they only read the venv's site-packages). Checked with pipx
    from PyPI in throwaway dirs: offline, that first command rebuilt the venv but failed to
    upgrade its pip to the version pipx wants (exit 1), and the next one worked. Not when pipx's
    default Python (`pipx_default_key`: the install it lies in, core/env_places.
    pipx_default_python) is removed too: pipx has nothing to rebuild it on, so it breaks."""
    gone = set(removing)
    return [env for env in _stop_working(environments, gone, remaining)
            if _pipx_rebuilds(env, gone, pipx_default_key)]


def _pipx_rebuilds(env: Environment, gone: set[str], pipx_default_key: str | None) -> bool:
    return env.kind == "pipx-shared" and pipx_default_key not in gone


def _stop_working(environments: Iterable[Environment], gone: set[str],
                  remaining: Iterable[str]) -> list[Environment]:
    groups_left = {_minor_group(k) for k in remaining if k not in gone}
    out = []
    for env in environments:
        if env.status != "ok" or env.kind == "pin" or env.key not in gone:
            continue
        if env.link == "minor" and _minor_group(env.key) in groups_left:
            continue
        out.append(env)
    return out


def key_under(path: str | None, root: Path) -> str | None:
    """The key of the install under `root` that `path` (resolved) lies in, or None."""
    if path is None:
        return None
    import os

    base = os.path.realpath(root)
    relative = os.path.relpath(os.path.realpath(path), base)
    name = relative.split(os.sep, 1)[0]
    if name in ("", os.curdir, os.pardir) or parse_key(name) is None:
        return None
    return name
