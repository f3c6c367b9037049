"""The one program pytui runs in the user's project tree: `git ls-files`, asking whether a
workspace member without a pyproject.toml holds only files git ignores (core/uv_workspace.py,
as uv's discovery asks). git runs the command a repository's own `core.fsmonitor` names when
it reads the index, so a project tree holding a `.git/config` (an unpacked archive of a
repository, say) ran its command on `pytui list` from a member. pytui now runs git with that
hook off (`-c core.fsmonitor=false`), and git gives the same answer without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_harness import Pytui

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t",
                    "-c", "core.fsmonitor=false", *args], check=True, capture_output=True)


def _workspace(tmp_path: Path, marker: Path) -> Path:
    """A repository holding a workspace whose members are `packages/*`: `a` a project with its
    own [tool.uv] (the working directory), `b` a directory with a tracked file and no
    pyproject.toml; the repository's config names a hook that makes `marker`."""
    repo = tmp_path / "repo"
    (repo / "packages" / "a").mkdir(parents=True)
    (repo / "packages" / "b").mkdir()
    (repo / "pyproject.toml").write_text('[project]\nname = "root"\nversion = "0"\n'
                                         '[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    (repo / "packages" / "a" / "pyproject.toml").write_text(
        '[project]\nname = "a"\nversion = "0"\n[tool.uv]\npython-preference = "only-managed"\n')
    (repo / "packages" / "b" / "notes.txt").write_text("x\n")
    _git(repo, "init", "-q", ".")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "x")
    hook = tmp_path / "hook.sh"
    hook.write_text(f"#!/bin/sh\necho ran >> {marker}\nexit 1\n")
    hook.chmod(0o755)
    _git(repo, "config", "core.fsmonitor", str(hook))
    return repo


def test_a_repositorys_fsmonitor_hook_is_not_run(pytui: Pytui, tmp_path: Path) -> None:
    marker = tmp_path / "hook-ran"
    repo = _workspace(tmp_path, marker)
    pytui.add("3.12.8")

    done = subprocess.run(pytui.argv("list", "3.12"), env=pytui.env(), capture_output=True,
                          text=True, timeout=120, cwd=repo / "packages" / "a")

    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert not marker.exists()
    # git still answers: `b` holds a tracked file, so uv's discovery would fail there (the
    # members are not all there) and the search starts at the working directory.
    from pytui.core.uv_workspace import _only_ignored

    assert _only_ignored(repo / "packages" / "b") is False
    (repo / "packages" / "b" / "notes.txt").unlink()
    (repo / ".gitignore").write_text("*.log\n")
    (repo / "packages" / "b" / "build.log").write_text("x\n")
    _git(repo, "rm", "-q", "--cached", "packages/b/notes.txt")
    assert _only_ignored(repo / "packages" / "b") is True
    assert not marker.exists()
    assert os.path.isdir(repo / ".git")
