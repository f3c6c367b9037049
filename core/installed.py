"""Managed interpreters under the install root, found as uv's `find_all` finds them.

See docs/uv-compat.md#finding-installs.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from pytui.core.errors import PytuiError
from pytui.core.keys import InstallationKey
from pytui.core.models import Installation


def python_dir(install: Path) -> Path:
    """Where the prefix is: `install/` for an unstripped full archive (a real dir), else the
    dir itself (uv's `python_dir`)."""
    inner = install / "install"
    # os.path's tests, false on any error as Rust's `is_dir` (Path.is_dir raises EACCES:
    # an install another user made, `sudo`, failed every listing).
    return inner if os.path.isdir(inner) and not os.path.islink(inner) else install


class InstallRootError(PytuiError):
    """The install root cannot be listed: something that is no directory is at its name, or the
    OS refused (one line)."""


# A BUILD file holds a release name (`20250115`); anything longer is not one.
MAX_BUILD_BYTES = 256


def _read_build(directory: Path) -> str | None:
    """The install's build (release name) from its BUILD file, checked as the catalog's is: the
    root is shared with uv and other tools, and a BUILD that is a FIFO hung every listing,
    one linked to /dev/zero was read until memory ran out."""
    from pytui.core.bounded_read import read_regular_file
    from pytui.core.catalog_entry import is_build_name
    from pytui.core.keys import RUST_WHITESPACE

    try:  # trimmed as uv trims it (`20250115\x1c` stays no build name)
        text = read_regular_file(directory / "BUILD", MAX_BUILD_BYTES).decode("utf-8").strip(RUST_WHITESPACE)
    except (OSError, UnicodeDecodeError):
        return None
    return text if is_build_name(text) else None


def installation_from_dir(directory: Path, key: InstallationKey | None = None) -> Installation | None:
    """The installation at `directory` if its name parses as a key, else None."""
    key = key or InstallationKey.parse(directory.name)
    return None if key is None else installation_at(directory, key)


def installation_at(directory: Path, key: InstallationKey) -> Installation:
    """The installation of `key` at `directory` (its key known: the root's own paths)."""
    return Installation(key, directory, _read_build(directory))


# What to do about a root that cannot be listed (the words install and uninstall use too).
ROOT_ALTERNATIVE = "pass another with --install-dir or UV_PYTHON_INSTALL_DIR"


def root_shape_problem(root: Path) -> str | None:
    """Why `root` cannot be an install root, when something other than a directory is at its
    name (a file, a symlink to one, a symlink to nothing), in words; None for a directory or
    nothing at all. uv fails on a file (`Not a directory`) and takes a symlink to nothing for
    no root when listing but cannot install into it: one line here, for every command."""
    return dir_shape_problem(root, "the install root", ROOT_ALTERNATIVE)


def dir_shape_problem(path: Path, what: str, alternative: str) -> str | None:
    """`root_shape_problem` for any directory pytui uses (`what`: `the cache dir`...), with the
    other way out (`alternative`: `pass another with ...`)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        target = _link_target(path)
        if target is None:  # nothing there (or the link went meanwhile): none yet
            return None
        return (f"{what} {path} is a symbolic link to {target}, which does not exist; "
                f"remove the link or create that directory, or {alternative}")
    except OSError as err:
        target = _link_target(path)
        if err.errno != errno.ELOOP or target is None:
            return None  # said by the listing itself, with its cause
        # (A `.temp -> .temp` was `cannot write to the install root: already exists`.)
        return (f"{what} {path} is a symbolic link loop (it points to {target}, which leads back to "
                f"it); remove it or {alternative}")
    if stat.S_ISDIR(st.st_mode):
        return None
    from pytui.core.fs_errors import file_kind

    kind = file_kind(st.st_mode)
    target = _link_target(path)
    shape = kind if target is None else f"a symbolic link to {target}, {kind}"
    if target is None and (stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)):
        # A device is the system's (`/dev/zero`, `/dev/null`): never the user's to remove, which
        # the line told them to do.
        return f"{what} {path} is not a directory ({shape}); {alternative}"
    return f"{what} {path} is not a directory ({shape}); remove it or {alternative}"


def _link_target(path: Path) -> str | None:
    """Where the symlink `path` leads (joined to its directory when relative), or None when
    `path` is no symlink (or stopped being one while it was looked at)."""
    try:
        return os.path.join(os.path.dirname(path), os.readlink(path))
    except (OSError, ValueError):
        return None


def _scan(root: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(root) as entries:
            return [entry for entry in entries if not entry.name.startswith(".")]
    except FileNotFoundError:
        problem = root_shape_problem(root)  # a symlink to nothing
        if problem is None:
            return []  # no root yet: nothing installed, as uv says
        raise InstallRootError(problem) from None
    except OSError as err:
        # A file above the root, permissions, I/O: the path in the way or the cause, in words.
        problem = root_shape_problem(root) if isinstance(err, NotADirectoryError) else None
        if problem is None:
            from pytui.core.fs_errors import dir_problem

            problem = dir_problem("list", "the install root", root, err, ROOT_ALTERNATIVE)
        raise InstallRootError(problem) from None


def list_installed(root: Path, host_family: str | None = None) -> list[Installation]:
    """Installations under `root`, newest first in uv's key order.

    Only real directories count: minor-version links (`cpython-3.12-linux-x86_64-gnu`), files,
    dot names (`.temp`, `.lock`, `.cache`) and names that are not keys are skipped.
    A missing root is simply empty; a root that is a file or a symlink to nothing raises
    InstallRootError (one line: the path, what is there, what to do).
    """
    found: list[tuple[tuple, Installation]] = []
    for entry in _scan(Path(root)):
        if not entry.is_dir(follow_symlinks=False):
            continue
        key = InstallationKey.parse(entry.name)
        if key is None:
            continue
        found.append((key.sort_key(host_family), Installation(key, Path(entry.path),
                                                              _read_build(Path(entry.path)))))
    found.sort(key=lambda pair: pair[0])
    return [installation for _, installation in found]
