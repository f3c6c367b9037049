"""An install from a kept tree links it straight into its stage, which the commit renames into
place: no directory is made inside the stage and none is left to remove after the commit (an
`rmdir` frees the directory's block, a synchronous discard on a disk mounted with `discard`).
The install's directory has the mode a tree install always had (0o755 less the umask)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cli_harness import Pytui
from pytui.core.jobs import InstallJob
from pytui.core.settings import Settings


def test_an_install_from_the_kept_tree_is_its_stage_renamed_into_place(
        pytui: Pytui, monkeypatch: pytest.MonkeyPatch) -> None:
    made = pytui.add("3.12.8")
    settings = Settings.resolve(env=pytui.env())
    InstallJob(made.build, settings=settings).run()  # extracted; its tree kept
    pytui.call("uninstall", "3.12.8")
    assert pytui.trees() == [made.build.sha256]

    made_dirs: list[str] = []
    removed: list[str] = []
    real_mkdir, real_rmdir = os.mkdir, os.rmdir

    def mkdir(path: str, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
        if dir_fd is None:  # (the tree's own directories are made by name in the stage's fd)
            made_dirs.append(os.fspath(path))
        real_mkdir(path, mode, dir_fd=dir_fd)

    def rmdir(path: str, *, dir_fd: int | None = None) -> None:
        removed.append(os.fspath(path))
        real_rmdir(path, dir_fd=dir_fd)

    real_path_mkdir = Path.mkdir

    def path_mkdir(self: Path, mode: int = 0o777, parents: bool = False, exist_ok: bool = False) -> None:
        # Python 3.10's pathlib calls the os.mkdir it bound at import, not the patched one.
        made_dirs.append(os.fspath(self))
        real_path_mkdir(self, mode, parents=parents, exist_ok=exist_ok)

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(Path, "mkdir", path_mkdir)
    monkeypatch.setattr(os, "rmdir", rmdir)
    result = InstallJob(made.build, settings=settings).run()
    monkeypatch.undo()

    assert result.unpacked_by is not None and "pristine tree" in result.unpacked_by
    temp = os.fspath(pytui.root / ".temp")
    [stage] = {path for path in made_dirs if os.path.dirname(path) == temp}  # (3.11+: seen twice)
    assert [path for path in made_dirs if path.startswith(stage + os.sep)] == []
    assert removed == [] and not os.path.lexists(stage)
    install = pytui.root / made.build.key
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(install).st_mode) == 0o755 & ~umask
    assert (install / "bin").is_dir() and pytui.temp_left() == []
