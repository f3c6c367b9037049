"""One of uv's configuration files read and checked as uv 0.13.9 reads it (core/uv_config.py
finds them): a regular file of at most MAX_CONFIG_BYTES (MAX_PYPROJECT_BYTES for a
pyproject.toml), UTF-8, TOML, every top-level key one uv knows and each of the type uv takes
(core/uv_config_schema.py), what is inside a value where core/uv_config_values.py checks it.
A `uv.toml` uv refuses is `ConfigFileError` (one line naming it, the cause and the way out, exit
2); a `pyproject.toml` whose `[tool.uv]` uv cannot parse is a warning (uv passes over it)."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from pytui.core.errors import UsageError

# uv reads any size; the bounds keep tomllib's parse short. Real sizes (surveyed 3 Dec 2026): the
# largest pyproject.toml found is Apache Airflow's, 88,174 bytes (Home Assistant's 43,540,
# pandas' 22,525, pip's 11,002, pydantic's 8,284, ruff's 6,751, scipy's 5,562, textual's 4,740,
# uv's 4,518, Django's 2,157; none of the 41 packages in a venv's site-packages ships one);
# real uv.toml files hold 60-178 bytes, and the largest [tool.uv] table found is ruff's, 1,702.
# tomllib at the bounds (bench/config_bounds.py, Python 3.11, CPU best of 5 at load 5-10): 64 KiB
# took 9-17 ms of real tables, 15-16 ms of [[index]] tables and 72-89 ms of the costliest shape
# (an array of [1] arrays), 84, 131 and 483 M instructions (callgrind); 256 KiB took 25-82 ms,
# 63-78 ms and 240-334 ms, 326, 517 and 1,935 M instructions. So the bounds stay: 256 KiB is 3x
# Airflow's file for at most a third of a second, 64 KiB 38x the largest [tool.uv] for at most a
# tenth (docs/uv-compat.md). A uv.toml past MAX_CONFIG_BYTES is refused; a pyproject.toml past
# MAX_PYPROJECT_BYTES is passed over with a warning; neither is cut.
MAX_CONFIG_BYTES = 64 * 1024
MAX_PYPROJECT_BYTES = 256 * 1024

# The settings pytui reads, and what uv takes for each (the type of every key of uv's:
# core/uv_config_schema.py).
PYTHON_DOWNLOADS_WORDS = {"auto": "automatic", "automatic": "automatic", "manual": "manual",
                          "never": "never"}
SHARED = ("python-install-mirror", "pypy-install-mirror", "python-downloads-json-url", "offline",
          "python-downloads", "python-preference")
# Keys a pyproject.toml's [tool.uv] may hold and a uv.toml may not (uv refuses the file).
PYPROJECT_ONLY = ("conflicts", "workspace", "sources", "dev-dependencies", "default-groups",
                  "dependency-groups", "managed", "package", "build-backend", "environments",
                  "required-environments", "minimum-libc-version")

PROJECT, USER, SYSTEM, GIVEN = "project", "user", "system", "given"


class ConfigFileError(UsageError):
    """A configuration file uv refuses: one line naming it, the cause and what to do; exit 2."""


class _Skip(Exception):
    """A pyproject.toml uv passes over with a warning (the message)."""


def _way_out(role: str) -> str:
    if role == GIVEN:
        return "fix it, or name another file (--config-file / UV_CONFIG_FILE)"
    return "fix it, or run with --no-config (UV_NO_CONFIG=1) to read no configuration file"


def _refused(path: Path, cause: str, role: str) -> ConfigFileError:
    from pytui.core.env import shown_value

    return ConfigFileError(f"uv's configuration file {shown_value(str(path), 300)}: {cause}; "
                           f"{_way_out(role)}")


def _read(path: Path, role: str, limit: int = MAX_CONFIG_BYTES) -> bytes | None:
    """The bytes of `path`; None when uv takes it for absent (the project's and the given one:
    not there; the user's: not there, under a file, or not readable). Anything else is refused."""
    from pytui.core.bounded_read import FileTooLarge, NotRegularFile, read_regular_file

    try:
        return read_regular_file(path, limit)
    except FileTooLarge:
        raise _refused(path, f"larger than the {limit // 1024} KiB pytui reads of a "
                             "configuration file (a real one is a few KiB)", role) from None
    except NotRegularFile as err:
        # uv reads a FIFO until a writer comes (pytui does not wait) and fails on a directory.
        raise _refused(path, f"{err.strerror}", role) from None
    except OSError as err:
        absent = {errno.ENOENT} if role != USER else {errno.ENOENT, errno.ENOTDIR, errno.EACCES,
                                                     errno.EPERM}
        if err.errno in absent and role != GIVEN:
            return None
        from pytui.core.fs_errors import cause

        raise _refused(path, cause(err), role) from None


def _decode(path: Path, data: bytes, role: str, *, pyproject: bool = False) -> dict:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _refused(path, f"not UTF-8 (byte {err.start + 1})", role) from None
    from pytui.core.toml_keys import KeysTooCostly, check

    try:
        check(text)  # before the parser, whose time grows with each key's parts squared
    except KeysTooCostly as err:
        if pyproject:
            raise _Skip(str(err)) from None
        raise _refused(path, str(err), role) from None
    if sys.version_info >= (3, 11):
        import tomllib as toml
    else:  # Python 3.10: the same parser, as a package (a dependency there)
        import tomli as toml
    try:
        return toml.loads(text)
    except toml.TOMLDecodeError as err:
        cause = f"not valid TOML: {' '.join(str(err).split())}"
        if pyproject:
            raise _Skip(cause) from None
        raise _refused(path, cause, role) from None
    except RecursionError:  # nesting deep enough to exhaust the parser's stack
        if pyproject:
            raise _Skip("nested too deeply") from None
        raise _refused(path, "not valid TOML: nested too deeply", role) from None


def _kind_of(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        from pytui.core.env import shown_value

        return f'the string "{shown_value(value)}"'
    if isinstance(value, int):
        return f"the integer {value}" if abs(value) < 10**20 else "an integer"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"a {type(value).__name__}"


def _checked(table: dict) -> dict[str, object]:
    """The settings of a uv.toml or [tool.uv] table, checked as uv checks them (each top-level
    key's type, core/uv_config_schema.py); raises ValueError with the cause (the first bad key in
    the file's order, as uv names it)."""
    from pytui.core.uv_config_schema import UV_KEYS, expected
    from pytui.core.uv_config_values import fault

    values: dict[str, object] = {}
    for key, value in table.items():
        if key not in UV_KEYS:
            from pytui.core.env import shown_value

            raise ValueError(f"unknown field `{shown_value(key)}` (uv refuses it)")
        wanted = expected(key, value)
        if wanted is not None:
            raise ValueError(f"`{key}` is {_kind_of(value)}, expected {wanted}")
        inside = fault(key, value)
        if inside is not None:
            raise ValueError(inside)
        if key == "python-downloads":
            value = PYTHON_DOWNLOADS_WORDS[str(value)]
        if key in SHARED:
            values[key] = value
    return values


def read_uv_toml(path: Path, role: str) -> dict[str, object] | None:
    data = _read(path, role)
    if data is None:
        return None
    table = _decode(path, data, role)
    try:
        values = _checked(table)
    except ValueError as err:
        raise _refused(path, str(err), role) from None
    for key in PYPROJECT_ONLY:
        if key in table:
            raise _refused(path, f"`{key}` belongs in a pyproject.toml's [tool.uv], not in a "
                                 "uv.toml (uv refuses it)", role)
    return values


def _tool_uv(path: Path, data: bytes) -> dict | None:
    """A pyproject.toml's [tool.uv] table, None when it has none; `_Skip` when uv passes
    over the file."""
    document = _decode(path, data, PROJECT, pyproject=True)
    tool = document.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise _Skip(f"`tool` is {_kind_of(tool)}, expected a table")
    uv = tool.get("uv")
    if uv is None:
        return None
    if not isinstance(uv, dict):
        raise _Skip(f"`tool.uv` is {_kind_of(uv)}, expected a table")
    return uv


def read_pyproject(path: Path) -> tuple[dict[str, object] | None, str | None]:
    """The settings of a pyproject.toml's [tool.uv] (None: no file, or no such table), and the
    warning when uv passes over the file (its bytes are read as uv reads them: a file it cannot
    read stops it)."""
    try:
        data = _read(path, PROJECT, MAX_PYPROJECT_BYTES)
    except ConfigFileError as err:
        if "larger than" not in str(err):
            raise
        return None, f"{path}: larger than the {MAX_PYPROJECT_BYTES // 1024} KiB pytui reads"
    if data is None:
        return None, None
    if not _may_name_uv(data):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise _refused(path, f"not UTF-8 (byte {err.start + 1})", PROJECT) from None
        return None, None  # no [tool.uv] without the letters (or an escape in a quoted key)
    try:
        table = _tool_uv(path, data)
        return (None if table is None else _checked(table)), None
    except (_Skip, ValueError) as err:
        from pytui.core.env import shown_value

        return None, f"{shown_value(str(path), 300)}: {err}"


def settings_beside(path: Path) -> list[str]:
    """The settings (not the project keys) a pyproject.toml's [tool.uv] sets, sorted as uv
    lists them, when a uv.toml beside it goes first; none when there is no such table or it
    does not read or parse (uv 0.13.9 says nothing then either)."""
    try:
        data = _read(path, PROJECT, MAX_PYPROJECT_BYTES)
        if data is None or not _may_name_uv(data):
            return []
        table = _tool_uv(path, data)
        if table is None:
            return []
        _checked(table)
    except (ConfigFileError, _Skip, ValueError):
        return []
    return sorted(key for key in table if key not in PYPROJECT_ONLY)


def _may_name_uv(data: bytes) -> bool:
    """Whether a pyproject.toml's bytes may hold a `[tool.uv]` table: a key `uv` is spelt with
    those letters, or with an escape in a quoted key. Most projects' files are passed without
    importing or running a TOML parser (`pytui list` runs in project directories); uv parses
    them all, so a broken one without these letters gets uv's warning and not pytui's (the
    search goes on alike)."""
    return b"uv" in data or b"\\u" in data or b"\\U" in data


def has_bytes(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def parsed(path: Path) -> dict | None:
    """A pyproject.toml as a document, for where uv's discovery starts; None when it does not
    read or parse (uv's workspace discovery fails then, and the search starts at the cwd)."""
    try:
        data = _read(path, PROJECT, MAX_PYPROJECT_BYTES)
        return _decode(path, data or b"", PROJECT, pyproject=True)
    except (ConfigFileError, _Skip):
        return None


def tool_uv_of(document: dict) -> dict:
    tool = document.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    return uv if isinstance(uv, dict) else {}


__all__ = ["GIVEN", "MAX_CONFIG_BYTES", "MAX_PYPROJECT_BYTES", "PROJECT", "SHARED", "SYSTEM", "USER", "ConfigFileError",
           "has_bytes", "parsed", "read_pyproject", "read_uv_toml", "settings_beside", "tool_uv_of"]
