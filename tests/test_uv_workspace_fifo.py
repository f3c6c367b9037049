"""A FIFO named `.gitignore` in a project: `git ls-files`, which pytui runs to ask whether a
workspace member without a pyproject.toml holds only files git ignores (core/uv_workspace.py,
as uv's discovery asks), opens it and waits for a writer, so `pytui envs` (any command, from a
workspace member with its own [tool.uv]) stalled for git's 30 s timeout, in silence. (uv 0.13.9
blocks on it for good: `uv python list` from such a member, checked with the binary.) pytui now
stats the ignore files git would open (the `.gitignore`s from the repository down to the
member and in the member's tree, `.git/info/exclude`) and asks git nothing when one is no
regular file: the member is read as holding files, as after the timeout, and one warning line
names the file. Real FIFOs and a real git; the CLI test fails before (no line, after 30 s),
the others at once (no `warnings` parameter)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_harness import Pytui

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _workspace(tmp_path: Path) -> Path:
    """A repository whose workspace members are `packages/*`: `a` a project with its own
    [tool.uv] (the working directory), `b` a directory holding a file and no pyproject.toml."""
    repo = tmp_path / "repo"
    (repo / "packages" / "a").mkdir(parents=True)
    (repo / "packages" / "b" / "sub").mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[project]\nname = "root"\nversion = "0"\n'
                                         '[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    (repo / "packages" / "a" / "pyproject.toml").write_text(
        '[project]\nname = "a"\nversion = "0"\n[tool.uv]\npython-preference = "only-managed"\n')
    (repo / "packages" / "b" / "sub" / "build.log").write_text("x\n")
    subprocess.run(["git", "-C", str(repo), "init", "-q", "."], check=True, capture_output=True)
    return repo


def _line(member: Path, fifo: Path) -> str:
    return (f"did not ask git whether it ignores the files of workspace member {member}: {fifo} is a "
            "FIFO, not a file, and git would wait on it for a writer; read as holding files (uv 0.13.9 "
            "waits on a FIFO there for good); make it a regular file or remove it")


def test_a_fifo_gitignore_is_said_in_one_line_and_git_is_not_asked(pytui: Pytui, tmp_path: Path) -> None:
    repo = _workspace(tmp_path)
    os.mkfifo(repo / ".gitignore")
    (tmp_path / "scanned").mkdir()
    done = subprocess.run(pytui.argv("envs", "--scan", str(tmp_path / "scanned")), env=pytui.env(),
                          capture_output=True, text=True, timeout=120, cwd=repo / "packages" / "a")
    assert "Traceback" not in done.stderr, done.stderr
    member = repo / "packages" / "b"
    assert f"warning: {_line(member, repo / '.gitignore')}" in done.stderr.splitlines(), done.stderr
    # Read as holding files: the members are not all there, so uv's search starts at the
    # working directory, whose [tool.uv] is read (as git's answer for a tracked file gives).
    from pytui.core.uv_config import load

    config = load(pytui.env(), repo / "packages" / "a")
    assert config.get("python-preference") == "only-managed"
    assert config.warnings == (_line(member, repo / ".gitignore"),)


def test_a_fifo_in_the_members_tree_or_the_repositorys_exclude_file(tmp_path: Path) -> None:
    from pytui.core.uv_workspace import _only_ignored

    repo = _workspace(tmp_path)
    member = repo / "packages" / "b"
    # The logs ignored, and the `.gitignore`s themselves (one a link, below).
    (repo / ".gitignore").write_text("*.log\n.gitignore\n")
    warnings: list[str] = []
    assert _only_ignored(member, warnings) is True and warnings == []  # git asked: all ignored
    for fifo in (member / "sub" / ".gitignore", repo / ".git" / "info" / "exclude"):
        fifo.parent.mkdir(exist_ok=True)
        fifo.unlink(missing_ok=True)
        os.mkfifo(fifo)
        warnings = []
        assert _only_ignored(member, warnings) is False
        assert warnings == [_line(member, fifo)]
        fifo.unlink()
    # A symbolic link to a FIFO as an in-tree `.gitignore`: git does not follow it (asked, no wait).
    os.mkfifo(tmp_path / "elsewhere")
    (member / ".gitignore").symlink_to(tmp_path / "elsewhere")
    warnings = []
    assert _only_ignored(member, warnings) is True and warnings == []
