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
import stat
from collections.abc import Mapping
from pathlib import Path

from pytui.core.bounded_read import read_regular_file
from pytui.core.env import uv_no_config
from pytui.core.env_files import version_file_lines

# In the order uv's `python install` prefers them.
VERSION_FILE_NAMES = (".python-versions", ".python-version")
# A version file lists a few requests; uv reads any size. One past this is refused, not cut.
VERSION_FILE_MAX_BYTES = 64 * 1024
# A version file lists a few requests; each distinct one is searched for in the catalog (a
# range request checks every version the host's catalog has), and uv reads any number. A
# file listing more is refused whole (`pytui install` names the request instead).
VERSION_FILE_MAX_REQUESTS = 1_000


def _uv_config_dir(env: Mapping[str, str]) -> Path:
    value = env.get("XDG_CONFIG_HOME", "")
    if value and os.path.isabs(value):
        return Path(value) / "uv"
    from pytui.core.paths import home_dir

    return home_dir() / ".config" / "uv"


# The longest path the kernel takes (Linux's PATH_MAX with its NUL): a version file whose path
# is longer is not read by uv (ENAMETOOLONG), so it is not looked for.
PATH_MAX_BYTES = 4095


def _is_file(path: Path | str, passed: list[tuple[Path, str]] | None = None) -> bool:
    # os.stat, not Path.is_file (which raises on EACCES): a directory this user may not read (a
    # `sudo uv` run's ~/.config/uv) holds no file for uv either. Never opened: a FIFO blocks.
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    if not stat.S_ISREG(mode) and passed is not None:
        _note_passed(passed, Path(path), mode)
    return stat.S_ISREG(mode)


# What a version file's name may name that is no file: uv passes over it (its `is_file()`)
# and looks on; pytui says so. At most this many are said (the nearest), the search being
# as deep as the tree.
MAX_PASSED_SAID = 3


def _note_passed(passed: list[tuple[Path, str]], path: Path, mode: int) -> None:
    if len(passed) < MAX_PASSED_SAID:
        from pytui.core.fs_errors import file_kind  # (said as every other line says it)

        passed.append((path, file_kind(mode)))


def _nearest_in_parents(cwd: Path, passed: list[tuple[Path, str]] | None = None) -> Path | None:
    """The version file in `cwd` or its nearest parent that has one, as a stat of each
    `parent/name` finds it (uv's search), in time proportional to the depth: the directories
    are walked down from `/` one open at a time and each name stat'ed in its directory's
    descriptor. A stat of each whole path made the kernel walk every parent again (quadratic:
    1.6-4.6 s from a 4,000-deep cwd), as did building each parent's Path."""
    parts = cwd.parts
    if not parts or parts[0] != "/" or not hasattr(os, "O_DIRECTORY"):
        return _nearest_by_paths(cwd)
    names = [os.fsencode(name) for name in VERSION_FILE_NAMES]
    shortest = min(map(len, names))
    flags = getattr(os, "O_PATH", os.O_RDONLY) | os.O_DIRECTORY | os.O_CLOEXEC
    components = [os.fsencode(part) for part in parts[1:]]
    found: tuple[int, str] | None = None  # (depth, name): the deepest wins
    # (depth, name's place in VERSION_FILE_NAMES, mode) of each name that is no file: said
    # when uv's search (deepest first) meets it before the file it reads.
    others: list[tuple[int, int, int]] = []
    length = 1  # of the place's path in bytes: "/", then "/a", "/a/b"
    try:
        fd = os.open("/", flags)
    except OSError:
        return _nearest_by_paths(cwd)
    try:
        for depth in range(len(components) + 1):
            if depth:
                length += len(components[depth - 1]) + (1 if depth > 1 else 0)
                if length + 1 + shortest > PATH_MAX_BYTES:
                    break  # no deeper version file's path is one the kernel takes
                try:
                    inner = os.open(components[depth - 1], flags, dir_fd=fd)
                except OSError:
                    # Not a directory to open (gone, not searchable, O_PATH-less systems): the
                    # rest is looked for by whole paths, as before.
                    deeper = _nearest_by_paths(cwd, below=depth, passed=passed)
                    if deeper is not None:
                        return deeper
                    _said_passed(parts, others, found, passed)
                    return _place(parts, found)
                os.close(fd)
                fd = inner
            for at, (name, raw) in enumerate(zip(VERSION_FILE_NAMES, names, strict=True)):
                if length + (1 if depth else 0) + len(raw) > PATH_MAX_BYTES:
                    continue
                try:
                    mode = os.stat(raw, dir_fd=fd).st_mode
                except (OSError, ValueError):
                    continue
                if stat.S_ISREG(mode):
                    found = (depth, name)
                    break
                if passed is not None:
                    others.append((depth, at, mode))
                    del others[:-2 * MAX_PASSED_SAID]  # the deepest are the nearest
    finally:
        os.close(fd)
    _said_passed(parts, others, found, passed)
    return _place(parts, found)


def _said_passed(parts: tuple[str, ...], others: list[tuple[int, int, int]],
                 found: tuple[int, str] | None, passed: list[tuple[Path, str]] | None) -> None:
    """Into `passed`, nearest first, the names that are no file which uv's search meets before
    the file it reads (all of them when it reads none)."""
    if passed is None:
        return
    until = (found[0], VERSION_FILE_NAMES.index(found[1])) if found is not None else (-1, 0)
    for depth, at, mode in sorted(others, key=lambda other: (-other[0], other[1])):
        if (depth, -at) > (until[0], -until[1]):
            _note_passed(passed, Path(*parts[:depth + 1], VERSION_FILE_NAMES[at]), mode)


def _place(parts: tuple[str, ...], found: tuple[int, str] | None) -> Path | None:
    if found is None:
        return None
    depth, name = found
    return Path(*parts[:depth + 1], name)


def _nearest_by_paths(cwd: Path, below: int = 0,
                      passed: list[tuple[Path, str]] | None = None) -> Path | None:
    """The nearest version file by a stat of each whole path, deepest first, down to the
    place `below` components under the root (0: all the way)."""
    places = [cwd, *cwd.parents]
    for place in places[:len(places) - below] if below else places:
        for name in VERSION_FILE_NAMES:
            if _is_file(place / name, passed):
                return place / name
    return None


def find_version_file(env: Mapping[str, str], cwd: str | None = None,
                      passed: list[tuple[Path, str]] | None = None) -> Path | None:
    """The version file uv's install would read now, or None (none there, UV_NO_CONFIG, or no
    working directory: it was removed). Into `passed` (when given): each name met before it
    that is no file (a FIFO, a directory), with what it is, as uv passes over it: at most
    MAX_PASSED_SAID, the nearest first."""
    if uv_no_config(env):
        return None
    try:
        here = Path(cwd if cwd is not None else os.getcwd())
    except OSError:
        return None
    found = _nearest_in_parents(here, passed)
    if found is not None:
        return found
    config = _uv_config_dir(env)
    return next((config / name for name in VERSION_FILE_NAMES if _is_file(config / name, passed)), None)


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
