"""uv's configuration files, read for the settings pytui shares with `uv python install / list`
(checked against uv 0.13.9; docs/uv-compat.md#configuration-files).

Which files, as uv finds them:

- `--config-file` / `UV_CONFIG_FILE`: that one file, read as a `uv.toml`, and no other (also
  under `UV_NO_CONFIG`, as uv);
- else none under `--no-config` / `UV_NO_CONFIG`;
- else the project's: from the working directory (from the project's root when the nearest
  `pyproject.toml` has a `[project]`, or from its workspace's root when it is a member of one
  whose members are all there, core/uv_workspace.py, as uv's workspace discovery starts there;
  `--project` moves the working directory's part) up, the first
  directory with a `uv.toml`, or a `pyproject.toml` with a `[tool.uv]` table; then the user's
  (`$XDG_CONFIG_HOME/uv/uv.toml`, else `~/.config/uv/uv.toml`); then the system's (the first
  `DIR/uv/uv.toml` of `$XDG_CONFIG_DIRS`, default `/etc/xdg`, else `/etc/uv/uv.toml`; none
  under `UV_NO_SYSTEM_CONFIG`). A setting comes from the first of these that sets it.

A file is input like any other: a regular file of at most MAX_CONFIG_BYTES (a pyproject.toml:
MAX_PYPROJECT_BYTES), UTF-8, TOML, every top-level key one uv knows and of the type uv takes
(core/uv_config_schema.py). Where uv refuses a
file (a `uv.toml`, or a file it cannot read), pytui refuses it too, in one line naming the file,
the cause and the way out (`ConfigFileError`, exit 2, as uv's); a `pyproject.toml` uv cannot
parse is passed over with a warning and the search goes on upward, as uv does; one whose
`[tool.uv]` sets settings beside a `uv.toml` is ignored with a warning, as uv warns.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from pytui.core.errors import UsageError
from pytui.core.uv_config_file import (
    GIVEN,
    MAX_CONFIG_BYTES,
    PROJECT,
    SHARED,
    SYSTEM,
    USER,
    ConfigFileError,
    has_bytes,
    parsed,
    read_pyproject,
    read_uv_toml,
    settings_beside,
    tool_uv_of,
)


class UvConfig:
    """The settings read, each from the first file (in uv's order) that sets it; `files` are
    the files read, first first, with their role; `warnings` one line each."""

    __slots__ = ("values", "sources", "files", "warnings", "used", "start")

    def __init__(self, values: dict[str, object] | None = None,
                 sources: dict[str, Path] | None = None,
                 files: tuple[tuple[Path, str], ...] = (), warnings: tuple[str, ...] = ()) -> None:
        self.values = values or {}
        self.sources = sources or {}
        self.files = files
        self.warnings = warnings
        # The keys a run took from the files (not set by a flag or variable): Settings.resolve.
        self.used: frozenset[str] = frozenset()
        # Where the project's searches start when not the working directory (--project): the
        # version file's too (app/version_file_requests.py).
        self.start: Path | None = None

    def get(self, key: str) -> object:
        return self.values.get(key)

    def source(self, key: str) -> Path | None:
        """The file `key` was read from (None: no file sets it)."""
        return self.sources.get(key)

    def __repr__(self) -> str:
        return f"UvConfig(values={self.values!r}, files={self.files!r}, warnings={self.warnings!r})"


def _search_start(cwd: Path, *, members: bool = True, warnings: list[str] | None = None) -> Path:
    """Where uv's search for the project's file starts (uv's workspace discovery): the
    workspace's root when the nearest pyproject.toml is a member of one above it (`members`
    globs, not `exclude`d), else that file's directory when it declares a project (a
    `[project]` with a name, not `managed = false`) or a workspace; else, or when the
    workspace's members are not all there as uv wants them, the working directory (not looked
    at when `members` is false)."""
    found = _next_pyproject((cwd, *cwd.parents))
    if found is None:
        return cwd
    directory, document = found
    if document is None:
        return cwd
    uv = tool_uv_of(document)
    if uv.get("managed") is False:
        return cwd
    if "workspace" in uv:
        workspace = uv["workspace"]
        if members and isinstance(workspace, dict) and not _members_there(directory, workspace,
                                                                          document, warnings):
            return cwd
        return directory
    project = document.get("project")
    if not (isinstance(project, dict) and isinstance(project.get("name"), str)):
        return cwd
    root = _workspace_root(directory, members=members, warnings=warnings)
    if root is False:
        return cwd
    return root if isinstance(root, Path) else directory


def _workspace_root(project: Path, *, members: bool = True,
                    warnings: list[str] | None = None) -> Path | None | bool:
    """The root of the workspace `project` is a member of: the next pyproject.toml above it,
    when its `[tool.uv.workspace]` includes the project; None when there is no such workspace;
    False when that file does not parse or a member is missing (uv's discovery fails)."""
    found = _next_pyproject(project.parents)
    if found is None:
        return None
    directory, document = found
    if document is None:
        return False
    workspace = tool_uv_of(document).get("workspace")
    if not isinstance(workspace, dict):
        return None
    if _globbed(workspace.get("members"), directory, project) and not _globbed(
            workspace.get("exclude"), directory, project):
        return directory if not members or _members_there(directory, workspace, document,
                                                          warnings) else False
    return None


def _members_there(root: Path, workspace: dict, document: dict,
                   warnings: list[str] | None = None) -> bool:
    """Whether uv collects the workspace's members (core/uv_workspace.py); when it does not,
    its discovery fails and the search starts at the working directory, without a word."""
    from pytui.core.uv_workspace import members_all_there

    return members_all_there(root, workspace, document.get("project"), warnings)


def _next_pyproject(directories: Iterable[Path]) -> tuple[Path, dict | None] | None:
    """The first of `directories` holding a pyproject.toml with bytes in it, and that file
    parsed (None: it does not parse); None when none does."""
    for directory in directories:
        candidate = directory / "pyproject.toml"
        if has_bytes(candidate):
            return directory, parsed(candidate)
    return None


def _globbed(patterns: object, root: Path, path: Path) -> bool:
    """Whether one of the workspace's globs, taken from its root, matches `path`. As uv's
    glob matching: `*`, `?` and `[…]` stay inside one path component (`packages/*` does not
    take `packages/a/b`, checked with uv 0.13.9), `**` spans any number of them."""
    if not isinstance(patterns, list):
        return False
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    return any(isinstance(pattern, str) and _parts_match(Path(os.path.normpath(pattern)).parts, parts)
               for pattern in patterns)


def _parts_match(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Component-wise glob match, as a set of pattern positions carried over the path's
    components: at most len(pattern) x len(parts) component matches. Trying every split of
    each `**` was exponential in their number: twenty-four of them over a member twenty
    directories deep held `pytui list` for minutes, where uv answers at once."""
    from fnmatch import fnmatchcase

    def closed(positions: set[int]) -> set[int]:  # a `**` may match no component
        for position in sorted(positions):
            while position < len(pattern) and pattern[position] == "**":
                position += 1
                positions.add(position)
        return positions

    positions = closed({0})
    for part in parts:
        positions = closed({position + (pattern[position] != "**") for position in positions
                            if position < len(pattern) and (pattern[position] == "**"
                                                            or fnmatchcase(part, pattern[position]))})
        if not positions:
            return False
    return len(pattern) in positions


def _project(cwd: Path, warnings: list[str]) -> tuple[dict[str, object], Path] | None:
    """The project's file and its settings. The walk goes up from the working directory; the
    start uv's discovery would take (which parses pyproject.toml files) is looked for only when
    the walk met a file (read, refused or passed over), and the walk is made again from that
    start when it lies above the working directory: what is below it uv never looks at."""
    said: list[str] = []
    try:
        found = _walk(cwd, said)
    except ConfigFileError:
        start = _search_start(cwd, warnings=warnings)
        if start == cwd:
            raise
    else:
        if found is None and not said:
            return None
        # The members (a parse of each member's pyproject.toml: ~20 ms for 50) are looked at
        # only when the answer depends on them: when the walk found a file below the root.
        start = _search_start(cwd, members=False)
        if start == cwd or (found is not None and start not in found[1].parents[1:]):
            warnings += said
            return found
        start = _search_start(cwd, warnings=warnings)
        if start == cwd:
            warnings += said
            return found
    return _walk(start, warnings)


def _walk(start: Path, warnings: list[str]) -> tuple[dict[str, object], Path] | None:
    for directory in (start, *start.parents):
        uv_toml = directory / "uv.toml"
        values = read_uv_toml(uv_toml, PROJECT)
        if values is not None:
            beside = settings_beside(directory / "pyproject.toml")
            if beside:  # uv 0.13.9 warns too, listing them
                from pytui.core.env import shown_value

                shown = shown_value(str(directory / "pyproject.toml"), 300)
                warnings.append(f"ignoring the [tool.uv] settings of {shown} "
                                f"({', '.join(beside)}): the uv.toml beside it goes first, as in "
                                "uv; move them into that uv.toml, or keep one of the two files")
            return values, uv_toml
        pyproject = directory / "pyproject.toml"
        found, warning = read_pyproject(pyproject)
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
        if has_bytes(candidate):
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
        read = read_uv_toml(path, GIVEN) or {}
        return UvConfig(read, dict.fromkeys(read, path), ((path, GIVEN),))
    if no_config or uv_no_config(env):
        return UvConfig()
    warnings: list[str] = []
    found: list[tuple[dict[str, object], Path, str]] = []
    from pytui.core.paths import working_dir

    project = _project(working_dir() if cwd is None else cwd, warnings)
    if project is not None:
        found.append((*project, PROJECT))
    system = None if uv_bool(env, "UV_NO_SYSTEM_CONFIG") else system_file(env)
    system_values = read_uv_toml(system, SYSTEM) if system is not None else None
    user = user_file(env)
    user_values = read_uv_toml(user, USER)
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
