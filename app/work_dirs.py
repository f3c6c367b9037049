"""uv's global `--directory` (UV_WORKING_DIR) and `--project` (UV_PROJECT), with uv 0.13.9's
meaning for `uv python install / list` (checked with the binary): `--directory DIR` changes to
DIR before the command runs, so every relative path (a request's file, `--install-dir`, a
relative catalog) and the search for uv's configuration files and the version file start
there; `--project DIR` (relative to that directory) starts only those two searches in DIR.
A directory that is not there stops the command in one line, exit 2, as it stops uv; one that
cannot be entered (a path through a file, a directory on the way or itself unsearchable) is
said with the same cause for both flags (uv 0.13.9 says `Project directory … does not exist`
for a path through a file or a directory on the way, `failed to open file DIR/uv.toml` for DIR
itself)."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from pytui.core.errors import UsageError


def _given(flag: str | None, env: Mapping[str, str], variable: str, option: str) -> str | None:
    if flag is not None:
        if not flag:
            raise UsageError(f"{option} needs a directory")
        return flag
    value = env.get(variable)
    if value is not None and not value:
        raise UsageError(f"{variable} is set but empty, where uv expects a directory (uv stops "
                         f"too); unset it or name one")
    return value


def enter_directory(flag: str | None, env: Mapping[str, str]) -> str | None:
    """Change to `--directory` / UV_WORKING_DIR when given; the directory left (None: none
    given), for an in-process caller to go back to."""
    from pytui.core.env import shown_value

    directory = _given(flag, env, "UV_WORKING_DIR", "--directory")
    if directory is None:
        return None
    before = os.getcwd()
    try:
        os.chdir(directory)
    except OSError as err:
        from pytui.core.fs_errors import cause

        raise UsageError(f"--directory {shown_value(directory, 300)}: {cause(err)}; name an "
                         "existing directory (uv stops too)") from None
    return before


def project_dir(flag: str | None, env: Mapping[str, str]) -> Path | None:
    """`--project` / UV_PROJECT as an absolute directory (None: none given); one line when it
    is not a directory, as uv's `Project directory … does not exist`."""
    from pytui.core.env import shown_value

    project = _given(flag, env, "UV_PROJECT", "--project")
    if project is None:
        return None
    path = Path(os.path.abspath(project))
    shown = shown_value(project, 300)
    # `DIR/.`: what `--directory`'s chdir asks of DIR too (each directory on the way, and DIR
    # itself, searchable), so both say the same cause for the same path.
    for asked in (str(path), os.path.join(path, ".")):
        try:
            st = os.stat(asked)
        except OSError as err:
            from pytui.core.fs_errors import cause

            if isinstance(err, FileNotFoundError):
                raise UsageError(f"project directory {shown} does not exist; name an existing "
                                 "directory (--project / UV_PROJECT; uv stops too)") from None
            raise UsageError(f"project directory {shown}: {cause(err)}; name an existing "
                             "directory (--project / UV_PROJECT; uv stops too)") from None
        if not stat.S_ISDIR(st.st_mode):
            raise UsageError(f"project path {shown} is not a directory; name a directory "
                             "(--project / UV_PROJECT; uv stops too)")
    return path


__all__ = ["enter_directory", "project_dir"]
