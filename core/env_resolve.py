"""Which install an environment runs: a `pyvenv.cfg` (or a `.python-version` pin) resolved
against the install root.

- through the **minor-version link** (`<root>/cpython-3.12-linux-x86_64-gnu/bin`, as
  `uv venv -p 3.12` writes it): it follows patch upgrades (`link` = `minor`);
- through a **patch directory** (`<root>/cpython-3.12.8-linux-x86_64-gnu/bin`): pinned to that
  patch (`link` = `patch`);
- through anything else (`/usr/bin`, pyenv): `external`;
- an environment whose interpreter is gone is **broken** and says what it wanted.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from pytui.core.elide import path_for_line
from pytui.core.environment import Environment
from pytui.core.keys import parse_key
from pytui.core.models import Installation
from pytui.core.nofollow import MAX_LINK_HOPS
from pytui.core.paths import real_path

_MINOR_NAME = re.compile(
    r"^(cpython|pypy|graalpy|pyodide)-([0-9]+)\.([0-9]+)(\+[a-z+]+)?-[a-z0-9]+-[a-z0-9_]+-[a-z0-9]+$")
_MAJOR_MINOR = re.compile(r"^([0-9]+)\.([0-9]+)")

# What a NUL byte in pyvenv.cfg's `home` is to the interpreter (it said "names no absolute `home`"
# of `/usr/bin\x00x`, which Python reads as /usr/bin).
_NUL_HOME = "pyvenv.cfg's `home` holds a NUL byte, and Python reads it only up to there"

# (link, key, minor-link name) for a path inside the root.
Found = tuple[str, str | None, str | None]


def _exe_candidates(env_dir: str, cfg: Mapping[str, str]) -> tuple[str, ...]:
    names: list[str] = []
    with contextlib.suppress(OSError):
        names.append(os.path.basename(os.readlink(os.path.join(env_dir, "bin", "python"))))
    for key in ("executable", "base-executable"):
        if cfg.get(key):
            names.append(os.path.basename(cfg[key]))
    version = cfg.get("version_info") or cfg.get("version") or ""
    match = _MAJOR_MINOR.match(version)
    if match:
        names.append(f"python{match[1]}.{match[2]}")
    names += ["python3", "python"]
    seen: list[str] = []
    for name in names:
        if name and "/" not in name and "\x00" not in name and name not in seen:
            seen.append(name)
    return tuple(seen)


def _inside(path: str, root: str) -> str | None:
    """The first component of `path` below `root`, or None if `path` is not below it."""
    if path.startswith(root + "/"):
        return path[len(root) + 1:].split("/", 1)[0]
    return None


class Resolver:
    """Maps interpreter paths to installs in one install root. What the root holds is read once
    per scan, and environments sharing a `home` and interpreter names (most of them) are
    resolved once."""

    def __init__(self, install_root: Path) -> None:
        self.root = os.path.normpath(os.path.abspath(install_root))
        real = real_path(self.root)
        self.roots = [self.root] if real == self.root else [self.root, real]
        self._minor_targets: dict[str, str | None] = {}
        self._interpreters: dict[tuple[str, tuple[str, ...]], tuple[str, str, Found | None, bool]] = {}

    def _minor_target(self, name: str) -> str | None:
        """The key the minor-version link `name` points to, if that install exists."""
        if name not in self._minor_targets:
            target = None
            link = os.path.join(self.root, name)
            with contextlib.suppress(OSError):
                raw = os.readlink(link)
                full = os.path.normpath(os.path.join(self.root, raw))
                base = os.path.basename(full)
                if (os.path.dirname(full) in self.roots and parse_key(base) is not None
                        and os.path.isdir(os.path.join(self.root, base))):
                    target = base
            self._minor_targets[name] = target
        return self._minor_targets[name]

    def classify(self, path: str) -> Found | None:
        """(link, key, minor name) for a path inside the root, else None."""
        for root in self.roots:
            first = _inside(path, root)
            if first is None:
                continue
            if parse_key(first) is not None:
                exists = os.path.isdir(os.path.join(self.root, first)) and not os.path.islink(
                    os.path.join(self.root, first))
                return ("patch", first if exists else None, None)
            if _MINOR_NAME.match(first):
                return ("minor", self._minor_target(first), first)
            return ("external", None, None)
        return None

    def _interpreter(self, home: str, names: tuple[str, ...]) -> tuple[str, str, Found | None, bool]:
        """(interpreter, the first path into the root, how it is found there, whether it exists)."""
        memo = self._interpreters.get((home, names))
        if memo is not None:
            return memo
        exe = next((os.path.join(home, n) for n in names if os.path.lexists(os.path.join(home, n))),
                   os.path.join(home, names[0]))
        # Follow the interpreter's symlinks one hop at a time: the first hop into the root says
        # how the environment reaches its install (a bin-dir link goes through the minor link).
        current = exe
        found = None
        for _ in range(MAX_LINK_HOPS):
            found = self.classify(current)
            if found is not None or not os.path.islink(current):
                break
            try:
                current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
            except OSError:
                break
        if found is None:
            found = self.classify(real_path(exe))
        memo = (exe, current, found, os.path.exists(exe))
        self._interpreters[(home, names)] = memo
        return memo

    def resolve_venv(self, env_dir: str, kind: str, cfg: Mapping[str, str]) -> Environment:
        env = self._resolve_venv(env_dir, kind, cfg)
        written = cfg.get("home", "")
        if "\x00" in written and env.status == "broken" and env.error and _NUL_HOME not in env.error:
            # Said beside what the part before the NUL names, which is what Python looked in.
            return env._replace(error=f"{env.error} ({_NUL_HOME})")
        return env

    def _resolve_venv(self, env_dir: str, kind: str, cfg: Mapping[str, str]) -> Environment:
        path = Path(env_dir)
        version = cfg.get("version_info") or cfg.get("version") or None
        # CPython's getpath (3.11-3.13, checked) reads `home` up to a NUL byte: what comes
        # after is not part of the directory it looks in (docs/uv-compat.md#environments-and-upgrades).
        home, nul, _ = cfg.get("home", "").partition("\x00")
        if not home or not os.path.isabs(home):
            error = "pyvenv.cfg names no absolute `home`"
            if nul:
                shown = f"`{home}`, which is no absolute directory" if home else "nothing"
                error = f"{_NUL_HOME}: {shown}"
            return Environment(path, kind, None, None, "broken", version=version, error=error)
        # Normalised as text, as CPython's getpath joins it with the interpreter's name
        # (`link/..` is the directory holding `link`, not its target's parent; checked with 3.11-3.13).
        exe, current, found, runs = self._interpreter(os.path.normpath(home),
                                                      _exe_candidates(env_dir, cfg))
        if found is None or found[0] == "external":
            if runs:
                return Environment(path, kind, None, "external", "ok", interpreter=exe, version=version)
            return Environment(path, kind, None, "external", "broken", interpreter=exe, wanted=exe,
                               version=version, error=_missing_interpreter(exe))
        link, key, minor = found
        if key is not None and runs:
            return Environment(path, kind, key, link, "ok", interpreter=exe, minor=minor,
                               version=version)
        wanted = minor if link == "minor" else _inside(current, self.root) or current
        return Environment(path, kind, None, link, "broken", interpreter=exe, wanted=wanted,
                           minor=minor, version=version,
                           error=f"wanted {path_for_line(str(wanted))} ({path_for_line(exe)}), which is not installed")


def _missing_interpreter(exe: str) -> str:
    """Why the interpreter `exe` (outside the root) does not run: it is not there, or it is a
    symbolic link that leads nowhere (to a file that is gone, or round in a loop, two venvs'
    `bin/python` naming each other), which `ls` shows is there."""
    shown = path_for_line(exe)
    try:
        target = os.readlink(exe)
    except OSError:
        return f"wanted {shown}, which does not exist"  # no link (a loop above it: no such file)
    try:
        os.stat(exe)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return f"wanted {shown}, a symbolic link loop (through {path_for_line(target)})"
        return f"wanted {shown}, a symbolic link to {path_for_line(target)}, which does not exist"
    return f"wanted {shown}, which does not exist"


def pin_choice(request_text: str, installed: Sequence[Installation], host) -> tuple[str | None, str | None]:
    """(key, error): the install uv would choose for a `.python-version` request (newest
    matching first; a pre-release only if nothing stable matches), or None."""
    from pytui.core.errors import RequestError
    from pytui.core.requests import PythonRequest

    try:
        request = PythonRequest.parse(request_text).for_install(host)
    except RequestError as err:
        return None, str(err)
    for candidate in (request, request.with_prereleases(True)):
        for installation in installed:
            parts = parse_key(installation.key)
            if parts is not None and candidate.matches(parts):
                return installation.key, None
    return None, None
