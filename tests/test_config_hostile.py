"""config.toml read and written as input that is not pytui's alone: a config kept as a link
(dotfile managers link it into a repository or a read-only store) stays a link when the theme
is saved, and the file it names gets the new line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fixtures_fs import mounted
from pytui.app import config as cfg


def test_saving_the_theme_writes_through_a_linked_config_and_keeps_the_link(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "pytui.toml"
    real.write_text('# mine\ntheme = "nord"\n')
    home = tmp_path / "config" / "pytui"
    home.mkdir(parents=True)
    link = home / "config.toml"
    link.symlink_to(os.path.relpath(real, home))
    cfg.save_theme(link, "gruvbox")
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(real, home)
    assert real.read_text() == '# mine\ntheme = "gruvbox"\n'
    assert cfg.read_config({"XDG_CONFIG_HOME": str(tmp_path / "config")}).theme == "gruvbox"


def test_a_link_into_a_read_only_place_is_refused_and_left_alone(tmp_path: Path) -> None:
    """A config linked into a store that cannot be written (home-manager's) raises OSError for
    the caller to say, and the link is not replaced by a file of pytui's."""
    with mounted() as mounts:
        store = mounts.tmpfs(tmp_path / "store")
        real = store / "pytui.toml"
        real.write_text('theme = "nord"\n')
        mounts.remount(store, "ro")
        link = tmp_path / "config.toml"
        link.symlink_to(real)
        with pytest.raises(OSError):
            cfg.save_theme(link, "gruvbox")
        assert link.is_symlink() and real.read_text() == 'theme = "nord"\n'
