"""Where installs, cached archives, pytui's state and executable links live.

See docs/uv-compat.md#install-layout, #bin-links and #cache-file-names, and
docs/architecture.md#state-dir.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "pytui"


def real_path(path: str | os.PathLike[str]) -> str:
    """os.path.realpath, or `path` as written (normalized) when a link on the way may not be
    read (another user's /proc/PID/root: EACCES): Python 3.10-3.12 raise there (3.13 keeps the
    link unresolved), and a whole command stopped with the last-resort line: `pytui envs` for
    one venv whose `home` passed such a link, `pytui uninstall` for a root under one."""
    try:
        return os.path.realpath(path)
    except OSError:
        return os.path.normpath(os.fspath(path))


def working_dir() -> Path:
    """The working directory; a PytuiError in one line when it was removed after the shell
    entered it (uv stops every command there: "Current directory does not exist")."""
    try:
        return Path.cwd()
    except FileNotFoundError:
        from pytui.core.errors import PytuiError

        raise PytuiError("the working directory no longer exists (removed after this shell "
                         "entered it); cd to a directory that exists and run the command "
                         "again") from None


def home_dir() -> Path:
    """The home directory as uv finds it: `$HOME`, unless it is unset or empty, then the
    user's entry in the password database (Path.home() took an empty HOME as the home: the
    install root was `/.local/share/uv/python`, where uv never looks)."""
    value = os.environ.get("HOME")
    if value:
        return Path(value)
    import pwd

    try:
        return Path(pwd.getpwuid(os.getuid()).pw_dir)
    except KeyError:  # no entry (a container's arbitrary uid): as before
        return Path.home()


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def _as_written(value: str | os.PathLike[str]) -> Path:
    """A directory named by a flag or a variable, as uv takes it: `~` is not expanded (a shell
    expands an unquoted one before either tool sees it; a quoted `'~/x'` is `./~/x` for uv, and
    pytui's `$HOME/x` was a root uv never looked in); a relative path is from the current one
    (which must exist: `working_dir`)."""
    path = Path(value)
    return path if path.is_absolute() else working_dir() / path


def _xdg_data_home(env: Mapping[str, str]) -> Path:
    value = env.get("XDG_DATA_HOME", "")
    return Path(value) if value and Path(value).is_absolute() else home_dir() / ".local" / "share"


def install_root(install_dir: str | os.PathLike[str] | None = None,
                 env: Mapping[str, str] | None = None) -> Path:
    """uv's managed Python root: `--install-dir`, `UV_PYTHON_INSTALL_DIR`, then `<XDG data>/uv/python`."""
    env = _env(env)
    if install_dir:
        return _as_written(install_dir)
    if env.get("UV_PYTHON_INSTALL_DIR"):
        return _as_written(env["UV_PYTHON_INSTALL_DIR"])
    return _xdg_data_home(env) / "uv" / "python"


def cache_dir(cache_dir: str | os.PathLike[str] | None = None,
              env: Mapping[str, str] | None = None) -> Path:
    """The archive cache: `--cache-dir`, `UV_PYTHON_CACHE_DIR` when non-empty, else pytui's own."""
    env = _env(env)
    if cache_dir:
        return _as_written(cache_dir)
    if env.get("UV_PYTHON_CACHE_DIR"):
        return _as_written(env["UV_PYTHON_CACHE_DIR"])
    value = env.get("XDG_CACHE_HOME", "")
    base = Path(value) if value and Path(value).is_absolute() else home_dir() / ".cache"
    return base / APP_NAME / "python"


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """pytui's own state (the last fetched catalog): `PYTUI_STATE_DIR`, else `<XDG state>/pytui`."""
    env = _env(env)
    if env.get("PYTUI_STATE_DIR"):
        return _as_written(env["PYTUI_STATE_DIR"])
    value = env.get("XDG_STATE_HOME", "")
    base = Path(value) if value and Path(value).is_absolute() else home_dir() / ".local" / "state"
    return base / APP_NAME


def bin_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where executable links go: `UV_PYTHON_BIN_DIR`, `XDG_BIN_HOME`, `<XDG data>/../bin`, `~/.local/bin`."""
    env = _env(env)
    if env.get("UV_PYTHON_BIN_DIR"):
        return _as_written(env["UV_PYTHON_BIN_DIR"])
    # As uv (and the XDG base-directory spec): a relative XDG value is invalid and ignored; it
    # put the links into the current directory (`./bin/python3.12` from XDG_DATA_HOME=rel).
    xdg_bin = env.get("XDG_BIN_HOME", "")
    if xdg_bin and Path(xdg_bin).is_absolute():
        return Path(xdg_bin).absolute()
    xdg_data = env.get("XDG_DATA_HOME", "")
    if xdg_data and Path(xdg_data).is_absolute():
        # uv's `<XDG data>/../bin`, the directory the kernel takes it for, shown normalised
        # (`~/.local/bin`, not `~/.local/share/../bin`).
        return _parent_in_tree(xdg_data) / "bin"
    return home_dir() / ".local" / "bin"


# The parts of an XDG_DATA_HOME walked to normalise `<it>/..`: a longer one is used as written.
MAX_WALKED_PARTS = 256


def _parent_in_tree(path: str) -> Path:
    """`path/..` as the kernel takes it: walked part by part against the real tree, a `..`
    after a symlink being the parent of its target (the text's parent would name another
    directory); a part not there yet cannot be a symlink, so from there the text is the tree.
    As written (`path/..`) when a symlink on the way cannot be resolved (a loop, a dangling
    one, one this user may not read): the kernel fails there too, and says why when a link
    is made."""
    parts = Path(path).parts
    if len(parts) > MAX_WALKED_PARTS:
        return Path(path) / ".."
    walked = Path(parts[0])
    for part in (*parts[1:], ".."):
        if part == "..":
            walked = walked.parent
            continue
        step = walked / part
        if os.path.islink(step):
            try:
                step = Path(os.path.realpath(step, strict=True))
            except (OSError, RuntimeError):  # RuntimeError: a loop on Python 3.10
                return Path(path) / ".."
        walked = step
    return walked
