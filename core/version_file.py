"""The version file `uv python install` reads when it is given no request (uv 0.13.9,
crates/uv-python/src/version_files.rs): in the working directory or the nearest parent that has
one, `.python-versions` first, then `.python-version`; else the same names in uv's user config
dir (`$XDG_CONFIG_HOME/uv`, else `~/.config/uv`). None is read under `UV_NO_CONFIG`. Each line
that is not blank or a `#` comment is a request. See docs/uv-compat.md#install-layout.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from pytui.core.env_files import PIN_MAX_BYTES, PIN_TEXT_MAX, read_regular

# In the order uv's `python install` prefers them.
VERSION_FILE_NAMES = (".python-versions", ".python-version")
# clap's falsey words: UV_NO_CONFIG set to one of them (or empty) is unset.
FALSEY = frozenset({"", "0", "false", "no", "off", "n", "f"})


def _no_config(env: Mapping[str, str]) -> bool:
    return env.get("UV_NO_CONFIG", "").strip().lower() not in FALSEY


def _uv_config_dir(env: Mapping[str, str]) -> Path:
    value = env.get("XDG_CONFIG_HOME", "")
    if value and os.path.isabs(value):
        return Path(value) / "uv"
    from pytui.core.paths import home_dir

    return home_dir() / ".config" / "uv"


def _places(cwd: Path, env: Mapping[str, str]) -> Iterator[Path]:
    yield cwd
    yield from cwd.parents
    yield _uv_config_dir(env)


def find_version_file(env: Mapping[str, str], cwd: str | None = None) -> Path | None:
    """The version file uv's install would read now, or None (none there, UV_NO_CONFIG, or no
    working directory: it was removed)."""
    if _no_config(env):
        return None
    try:
        here = Path(cwd if cwd is not None else os.getcwd())
    except OSError:
        return None
    for place in _places(here, env):
        for name in VERSION_FILE_NAMES:
            path = place / name
            # os.path.isfile, not Path.is_file (which raises on EACCES): a directory this user
            # may not read (a `sudo uv` run's ~/.config/uv) holds no file for uv either.
            if os.path.isfile(path):
                return path
    return None


def version_requests(path: Path) -> list[str] | None:
    """The requests in the version file at `path` (each line that is not blank or a comment,
    stripped); None when it cannot be read (a FIFO put there, unreadable)."""
    data = read_regular(path, PIN_MAX_BYTES)
    if data is None:
        return None
    lines = (line.strip() for line in data.decode("utf-8", "replace").splitlines())
    return [line[:PIN_TEXT_MAX] for line in lines if line and not line.startswith("#")]
