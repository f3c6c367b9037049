"""The bin dir from `$XDG_DATA_HOME/../bin` is shown normalised (`~/.local/bin`, not
`~/.local/share/../bin`, which a newcomer read in the header, Details and the PATH hint) and
is the directory uv links into: the `..` is taken against the real tree, so after a symlink
it is the target's parent, as the kernel takes it, never the text's. uv documents the order
UV_PYTHON_BIN_DIR, $XDG_BIN_HOME, $XDG_DATA_HOME/../bin, ~/.local/bin; pytui follows it."""

from __future__ import annotations

import os
from pathlib import Path

from pytui.core.paths import bin_dir, home_dir


def _bin(data_home: Path | str, **more: str) -> Path:
    return bin_dir({"XDG_DATA_HOME": str(data_home), **more})


def test_the_xdg_data_bin_dir_is_normalised(tmp_path: Path) -> None:
    (tmp_path / "home" / ".local" / "share").mkdir(parents=True)
    assert _bin(tmp_path / "home" / ".local" / "share") == tmp_path / "home" / ".local" / "bin"
    # Not there yet: no part of it can be a symlink, so the text is the tree.
    assert _bin(tmp_path / "none" / "share") == tmp_path / "none" / "bin"
    assert _bin(f"{tmp_path}/home/./.local//share/") == tmp_path / "home" / ".local" / "bin"


def test_a_dotdot_after_a_symlink_is_taken_against_the_real_tree(tmp_path: Path) -> None:
    (tmp_path / "disk" / "share").mkdir(parents=True)
    (tmp_path / "me").mkdir()
    os.symlink(tmp_path / "disk" / "share", tmp_path / "me" / "share")
    # `home/share/..` is `disk` to the kernel; the text would say `home`.
    assert _bin(tmp_path / "me" / "share") == tmp_path / "disk" / "bin"
    assert _bin(f"{tmp_path}/me/share/../share") == tmp_path / "disk" / "bin"
    assert os.path.samefile(_bin(tmp_path / "me" / "share").parent, f"{tmp_path}/me/share/..")


def test_what_cannot_be_resolved_stays_as_uv_writes_it(tmp_path: Path) -> None:
    os.symlink("loop-b", tmp_path / "loop-a")
    os.symlink("loop-a", tmp_path / "loop-b")
    os.symlink("nowhere", tmp_path / "dangling")
    for data_home in (tmp_path / "loop-a", tmp_path / "dangling"):
        assert _bin(data_home) == data_home / ".." / "bin"
    # The variables before it are used as uv uses them, and a relative XDG value is ignored.
    assert _bin(tmp_path, XDG_BIN_HOME=str(tmp_path / "xb")) == tmp_path / "xb"
    assert _bin("rel/share") == home_dir() / ".local" / "bin"
