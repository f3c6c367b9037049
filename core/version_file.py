"""The version file `uv python install` reads when it is given no request (uv 0.13.9,
crates/uv-python/src/version_files.rs): in the working directory or the nearest parent that has
one, `.python-versions` first, then `.python-version`; else the same names in uv's user config
dir (`$XDG_CONFIG_HOME/uv`, else `~/.config/uv`). None is read under `UV_NO_CONFIG`. Each line
that is not blank or a `#` comment is a request. See docs/uv-compat.md#install-layout.

The search does not stop at a project or workspace root: `uv python install` gives uv's
discovery no `stop_discovery_at` (uv's `run` and `sync` do), so a `.python-version` above a
project's `pyproject.toml` is read by both (tests/test_version_file_stops.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from pytui.core.bounded_read import read_regular_file
from pytui.core.env import uv_no_config
from pytui.core.env_files import version_file_lines

# In the order uv's `python install` prefers them.
VERSION_FILE_NAMES = (".python-versions", ".python-version")
# A version file lists a few requests; uv reads any size. One past this is refused, not cut.
VERSION_FILE_MAX_BYTES = 64 * 1024


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
    if uv_no_config(env):
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


def version_requests(path: Path) -> list[str]:
    """The requests in the version file at `path` (each line that is not blank or a comment,
    trimmed), all of it read as uv reads it: a read cut at a bound would ask for part of a line
    (`3` of a `3.12` across the cut). Raises OSError: FileTooLarge past VERSION_FILE_MAX_BYTES,
    NotRegularFile (replaced since it was found), or the error of reading it; UnicodeDecodeError
    for bytes that are not UTF-8, which uv refuses (`stream did not contain valid UTF-8`):
    read with replacement characters, a UTF-16 file's request was skipped and the default
    installed instead."""
    data = read_regular_file(path, VERSION_FILE_MAX_BYTES)
    data.decode("utf-8")
    return list(version_file_lines(data))
