"""Managed interpreters under the install root, found as uv's `find_all` finds them.

See docs/uv-compat.md#finding-installs.
"""

from __future__ import annotations

import os
from pathlib import Path

from pytui.core.keys import InstallationKey
from pytui.core.models import Installation


def python_dir(install: Path) -> Path:
    """Where the prefix is: `install/` for an unstripped full archive (a real dir), else the
    dir itself (uv's `python_dir`)."""
    inner = install / "install"
    return inner if inner.is_dir() and not inner.is_symlink() else install


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
    if key is None:
        return None
    return Installation(key, directory, _read_build(directory))


def _scan(root: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(root) as entries:
            return [entry for entry in entries if not entry.name.startswith(".")]
    except (FileNotFoundError, NotADirectoryError):
        return []


def list_installed(root: Path, host_family: str | None = None) -> list[Installation]:
    """Installations under `root`, newest first in uv's key order.

    Only real directories count: minor-version links (`cpython-3.12-linux-x86_64-gnu`), files,
    dot names (`.temp`, `.lock`, `.cache`) and names that are not keys are skipped.
    A missing root is simply empty.
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
