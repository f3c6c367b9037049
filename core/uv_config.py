"""uv's configuration files, read for the settings pytui shares with `uv python install / list`
(checked against uv 0.13.9; docs/uv-compat.md#configuration-files).

Which files, as uv finds them:

- `--config-file` / `UV_CONFIG_FILE`: that one file, read as a `uv.toml`, and no other (also
  under `UV_NO_CONFIG`, as uv);
- else none under `--no-config` / `UV_NO_CONFIG`;
- else the project's: from the working directory (from the project's root when the nearest
  `pyproject.toml` has a `[project]`, or from its workspace's root when it is a member of one,
  as uv's workspace discovery starts there) up, the first
  directory with a `uv.toml`, or a `pyproject.toml` with a `[tool.uv]` table; then the user's
  (`$XDG_CONFIG_HOME/uv/uv.toml`, else `~/.config/uv/uv.toml`); then the system's (the first
  `DIR/uv/uv.toml` of `$XDG_CONFIG_DIRS`, default `/etc/xdg`, else `/etc/uv/uv.toml`; none
  under `UV_NO_SYSTEM_CONFIG`). A setting comes from the first of these that sets it.

A file is input like any other: a regular file of at most MAX_CONFIG_BYTES, UTF-8, TOML, every
top-level key one uv knows and the keys pytui reads of the type uv takes. Where uv refuses a
file (a `uv.toml`, or a file it cannot read), pytui refuses it too, in one line naming the file,
the cause and the way out (`ConfigFileError`, exit 2, as uv's); a `pyproject.toml` uv cannot
parse is passed over with a warning and the search goes on upward, as uv does.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

from pytui.core.errors import UsageError

# A uv.toml is a few lines and a pyproject.toml a few KiB; uv reads any size. One past this
# is refused (a uv.toml) or passed over (a pyproject.toml), never cut.
MAX_CONFIG_BYTES = 1024 * 1024

# The settings pytui reads, and what uv takes for each.
PYTHON_DOWNLOADS_WORDS = {"auto": "automatic", "automatic": "automatic", "manual": "manual",
                          "never": "never"}
PYTHON_PREFERENCES = ("only-managed", "managed", "system", "only-system")
SHARED = ("python-install-mirror", "pypy-install-mirror", "python-downloads-json-url", "offline",
          "python-downloads", "python-preference")
_STRINGS = frozenset({"python-install-mirror", "pypy-install-mirror", "python-downloads-json-url",
                      "graalpy-install-mirror", "pyodide-install-mirror", "cache-dir",
                      "required-version", "publish-url", "check-url", "index-url", "keyring-provider",
                      "link-mode", "resolution", "prerelease", "fork-strategy", "index-strategy"})
_BOOLS = frozenset({"offline", "system-certs", "native-tls", "no-cache", "preview", "no-index",
                    "no-build-isolation", "require-build-hashes", "compile-bytecode", "no-sources",
                    "no-build", "no-binary", "managed", "package"})
_COUNTS = frozenset({"concurrent-downloads", "concurrent-builds", "concurrent-installs"})
# Every top-level key uv 0.13.9 takes in a uv.toml or a [tool.uv] table (its own error lists
# them); any other is refused, as uv refuses it.
_UV_KEY_WORDS = """
required-version system-certs native-tls offline no-cache cache-dir preview preview-features
python-preference python-downloads concurrent-downloads concurrent-builds concurrent-installs
index index-url extra-index-url no-index find-links index-strategy keyring-provider http-proxy
https-proxy no-proxy allow-insecure-host resolution prerelease prerelease-package fork-strategy
dependency-metadata config-settings config-settings-package no-build-isolation
require-build-hashes no-build-isolation-package extra-build-dependencies extra-build-variables
exclude-newer exclude-newer-package link-mode compile-bytecode no-sources no-sources-package
upgrade upgrade-package reinstall reinstall-package no-build no-build-package no-binary
no-binary-package torch-backend python-install-mirror pypy-install-mirror graalpy-install-mirror
pyodide-install-mirror python-downloads-json-url publish-url trusted-publishing check-url
add-bounds audit pip cache-keys override-dependencies exclude-dependencies
constraint-dependencies build-constraint-dependencies environments required-environments
minimum-libc-version conflicts workspace sources managed package default-groups
dependency-groups dev-dependencies build-backend
"""
UV_KEYS = frozenset(_UV_KEY_WORDS.split())
# Keys a pyproject.toml's [tool.uv] may hold and a uv.toml may not (uv refuses the file).
PYPROJECT_ONLY = ("conflicts", "workspace", "sources", "dev-dependencies", "default-groups",
                  "dependency-groups", "managed", "package", "build-backend", "environments",
                  "required-environments")

PROJECT, USER, SYSTEM, GIVEN = "project", "user", "system", "given"


class ConfigFileError(UsageError):
    """A configuration file uv refuses: one line naming it, the cause and what to do; exit 2."""


class UvConfig:
    """The settings read, each from the first file (in uv's order) that sets it; `files` are
    the files read, first first, with their role; `warnings` one line each."""

    __slots__ = ("values", "sources", "files", "warnings", "used")

    def __init__(self, values: dict[str, object] | None = None,
                 sources: dict[str, Path] | None = None,
                 files: tuple[tuple[Path, str], ...] = (), warnings: tuple[str, ...] = ()) -> None:
        self.values = values or {}
        self.sources = sources or {}
        self.files = files
        self.warnings = warnings
        # The keys a run took from the files (not set by a flag or variable): Settings.resolve.
        self.used: frozenset[str] = frozenset()

    def get(self, key: str) -> object:
        return self.values.get(key)

    def source(self, key: str) -> Path | None:
        """The file `key` was read from (None: no file sets it)."""
        return self.sources.get(key)

    def __repr__(self) -> str:
        return f"UvConfig(values={self.values!r}, files={self.files!r}, warnings={self.warnings!r})"


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


def _read(path: Path, role: str) -> bytes | None:
    """The bytes of `path`; None when uv takes it for absent (the project's and the given one:
    not there; the user's: not there, under a file, or not readable). Anything else is refused."""
    from pytui.core.bounded_read import FileTooLarge, NotRegularFile, read_regular_file

    try:
        return read_regular_file(path, MAX_CONFIG_BYTES)
    except FileTooLarge:
        raise _refused(path, f"larger than the {MAX_CONFIG_BYTES // 1024} KiB pytui reads of a "
                             "configuration file", role) from None
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
    """The settings of a uv.toml or [tool.uv] table, checked as uv checks them; raises
    ValueError with the cause (the first bad key in the file's order, as uv names it)."""
    values: dict[str, object] = {}
    for key, value in table.items():
        if key not in UV_KEYS:
            from pytui.core.env import shown_value

            raise ValueError(f"unknown field `{shown_value(key)}` (uv refuses it)")
        if key in _BOOLS and not isinstance(value, bool):
            raise ValueError(f"`{key}` is {_kind_of(value)}, expected a boolean (true or false)")
        if key in _STRINGS and not isinstance(value, str):
            raise ValueError(f"`{key}` is {_kind_of(value)}, expected a string")
        if key in _COUNTS and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValueError(f"`{key}` is {_kind_of(value)}, expected a positive integer")
        if key == "python-downloads":
            if not isinstance(value, str) or value not in PYTHON_DOWNLOADS_WORDS:
                raise ValueError(f"`{key}` is {_kind_of(value)}, expected one of `auto`, "
                                 "`automatic`, `manual`, `never`")
            value = PYTHON_DOWNLOADS_WORDS[value]
        if key == "python-preference" and (not isinstance(value, str)
                                           or value not in PYTHON_PREFERENCES):
            raise ValueError(f"`{key}` is {_kind_of(value)}, expected one of "
                             + ", ".join(f"`{word}`" for word in PYTHON_PREFERENCES))
        if key in SHARED:
            values[key] = value
    return values


def _uv_toml(path: Path, role: str) -> dict[str, object] | None:
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


def _pyproject(path: Path) -> tuple[dict[str, object] | None, str | None]:
    """The settings of a pyproject.toml's [tool.uv] (None: no file, or no such table), and the
    warning when uv passes over the file (its bytes are read as uv reads them: a file it cannot
    read stops it)."""
    try:
        data = _read(path, PROJECT)
    except ConfigFileError as err:
        if "larger than" not in str(err):
            raise
        return None, f"{path}: larger than the {MAX_CONFIG_BYTES // 1024} KiB pytui reads"
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


def _may_name_uv(data: bytes) -> bool:
    """Whether a pyproject.toml's bytes may hold a `[tool.uv]` table: a key `uv` is spelt with
    those letters, or with an escape in a quoted key. Most projects' files are passed without
    importing or running a TOML parser (`pytui list` runs in project directories); uv parses
    them all, so a broken one without these letters gets uv's warning and not pytui's (the
    search goes on alike)."""
    return b"uv" in data or b"\\u" in data or b"\\U" in data


def _has_bytes(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _parsed(path: Path) -> dict | None:
    """A pyproject.toml as a document, for where uv's discovery starts; None when it does not
    read or parse (uv's workspace discovery fails then, and the search starts at the cwd)."""
    try:
        data = _read(path, PROJECT)
        return _decode(path, data or b"", PROJECT, pyproject=True)
    except (ConfigFileError, _Skip):
        return None


def _tool_uv_of(document: dict) -> dict:
    tool = document.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    return uv if isinstance(uv, dict) else {}


def _search_start(cwd: Path) -> Path:
    """Where uv's search for the project's file starts (uv's workspace discovery): the
    workspace's root when the nearest pyproject.toml is a member of one above it (`members`
    globs, not `exclude`d), else that file's directory when it declares a project (a
    `[project]` with a name, not `managed = false`) or a workspace; else the working directory."""
    for directory in (cwd, *cwd.parents):
        candidate = directory / "pyproject.toml"
        if not _has_bytes(candidate):
            continue
        document = _parsed(candidate)
        if document is None:
            return cwd
        uv = _tool_uv_of(document)
        if uv.get("managed") is False:
            return cwd
        if "workspace" in uv:
            return directory
        project = document.get("project")
        if not (isinstance(project, dict) and isinstance(project.get("name"), str)):
            return cwd
        root = _workspace_root(directory)
        if root is False:
            return cwd
        return root if isinstance(root, Path) else directory
    return cwd


def _workspace_root(project: Path) -> Path | None | bool:
    """The root of the workspace `project` is a member of: the next pyproject.toml above it,
    when its `[tool.uv.workspace]` includes the project; None when there is no such workspace;
    False when that file does not parse (uv's discovery fails)."""
    for directory in project.parents:
        candidate = directory / "pyproject.toml"
        if not _has_bytes(candidate):
            continue
        document = _parsed(candidate)
        if document is None:
            return False
        workspace = _tool_uv_of(document).get("workspace")
        if not isinstance(workspace, dict):
            return None
        if _globbed(workspace.get("members"), directory, project) and not _globbed(
                workspace.get("exclude"), directory, project):
            return directory
        return None
    return None


def _globbed(patterns: object, root: Path, path: Path) -> bool:
    """Whether one of the workspace's globs, taken from its root, matches `path` (uv's glob
    patterns: `*` also spans a `/`, as fnmatch's)."""
    from fnmatch import fnmatchcase

    if not isinstance(patterns, list):
        return False
    escaped = "".join(f"[{char}]" if char in "*?[" else char for char in str(root))
    return any(isinstance(pattern, str) and fnmatchcase(
        str(path), f"{escaped}/{os.path.normpath(pattern)}") for pattern in patterns)


def _project(cwd: Path, warnings: list[str]) -> tuple[dict[str, object], Path] | None:
    """The project's file and its settings. The walk goes up from the working directory; the
    start uv's discovery would take (which parses pyproject.toml files) is looked for only when
    the walk met a file (read, refused or passed over), and the walk is made again from that
    start when it lies above the working directory: what is below it uv never looks at."""
    said: list[str] = []
    try:
        found = _walk(cwd, said)
    except ConfigFileError:
        start = _search_start(cwd)
        if start == cwd:
            raise
    else:
        if found is None and not said:
            return None
        start = _search_start(cwd)
        if start == cwd or (found is not None and start not in found[1].parents[1:]):
            warnings += said
            return found
    return _walk(start, warnings)


def _walk(start: Path, warnings: list[str]) -> tuple[dict[str, object], Path] | None:
    for directory in (start, *start.parents):
        uv_toml = directory / "uv.toml"
        values = _uv_toml(uv_toml, PROJECT)
        if values is not None:
            return values, uv_toml
        pyproject = directory / "pyproject.toml"
        found, warning = _pyproject(pyproject)
        if warning is not None:
            warnings.append(f"ignoring the [tool.uv] settings of {warning} (uv passes over the "
                            "file too); fix it for both to read them")
        elif found is not None:
            return found, pyproject
    return None


def said_sources(config: UvConfig) -> list[str]:
    """`key = value (from FILE)` for each setting a run took from a file (`pytui install -v`),
    in uv's key order; a URL's password as `****`."""
    from pytui.core.url_secrets import without_secrets

    lines = []
    for key in SHARED:
        path = config.source(key)
        if path is not None and key in config.used:
            value = config.get(key)
            shown = str(value).lower() if isinstance(value, bool) else without_secrets(str(value))
            lines.append(f"{key} = {shown} (from {path})")
    return lines


def user_file(env: Mapping[str, str]) -> Path:
    value = env.get("XDG_CONFIG_HOME", "")
    if value and os.path.isabs(value):
        return Path(value) / "uv" / "uv.toml"
    from pytui.core.paths import home_dir

    return home_dir() / ".config" / "uv" / "uv.toml"


def system_file(env: Mapping[str, str]) -> Path | None:
    """The system's file as uv picks it: the first `DIR/uv/uv.toml` that is a file, over the
    entries of XDG_CONFIG_DIRS up to the first empty one (`/etc/xdg` when unset or empty), else
    `/etc/uv/uv.toml` when anything is there (a directory there is refused when read)."""
    dirs = env.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    for directory in dirs.split(":"):
        if not directory:
            break
        candidate = Path(directory) / "uv" / "uv.toml"
        if _has_bytes(candidate):
            return candidate
    fallback = Path("/etc/uv/uv.toml")
    return fallback if os.path.exists(fallback) else None


def config_file_from(env: Mapping[str, str], flag: str | None) -> str | None:
    if flag is not None:
        if not flag:
            raise UsageError("--config-file needs a path to a uv.toml")
        return flag
    value = env.get("UV_CONFIG_FILE")
    if value is not None and not value:
        raise UsageError("UV_CONFIG_FILE is set but empty, where uv expects a path to a uv.toml "
                         "(uv stops too); unset it or name a file")
    return value


def load(env: Mapping[str, str], cwd: Path | None = None, *, config_file: str | None = None,
         no_config: bool = False) -> UvConfig:
    """The settings pytui shares with uv from uv's configuration files (see the module)."""
    from pytui.core.env import uv_bool, uv_no_config

    given = config_file_from(env, config_file)
    if given is not None:
        path = Path(given)
        read = _uv_toml(path, GIVEN) or {}
        return UvConfig(read, dict.fromkeys(read, path), ((path, GIVEN),))
    if no_config or uv_no_config(env):
        return UvConfig()
    warnings: list[str] = []
    found: list[tuple[dict[str, object], Path, str]] = []
    project = _project(Path.cwd() if cwd is None else cwd, warnings)
    if project is not None:
        found.append((*project, PROJECT))
    system = None if uv_bool(env, "UV_NO_SYSTEM_CONFIG") else system_file(env)
    system_values = _uv_toml(system, SYSTEM) if system is not None else None
    user = user_file(env)
    user_values = _uv_toml(user, USER)
    if user_values is not None:
        found.append((user_values, user, USER))
    if system_values is not None and system is not None:
        found.append((system_values, system, SYSTEM))
    values: dict[str, object] = {}
    sources: dict[str, Path] = {}
    for settings, path, _ in found:
        for key, value in settings.items():
            if key not in values:
                values[key] = value
                sources[key] = path
    return UvConfig(values, sources, tuple((path, role) for _, path, role in found),
                    tuple(warnings))


__all__ = ["MAX_CONFIG_BYTES", "SHARED", "ConfigFileError", "UvConfig", "config_file_from", "load",
           "system_file", "user_file"]
