"""The excludes file a repository's own `.git/config` names (`core.excludesFile`): `git
ls-files`, which pytui runs to ask whether a workspace member without a pyproject.toml holds
only files git ignores (core/uv_workspace.py), opens it before any `.gitignore`, so a FIFO named
there held `pytui envs` (any command, from a workspace member with its own [tool.uv]) for git's
30 s timeout in silence, as a FIFO `.gitignore` did; and git reads a regular one whole into
memory (a 300 MB sparse file took 311 MB of git 2.39). pytui now asks git for the setting, as git
reads it, stats the file it names (a relative path from the work tree's top, as git opens it)
and asks git nothing more when it is a FIFO, a device or larger than 16 MiB: the member is read
as holding files, and one warning line names the file and the config that names it. A loop of
links, a missing file and /dev/null are passed over by git, and a directory refused by it: git
is asked as before. Real FIFOs,
files and a real git; the FIFO tests fail before (no line, after 30 s)."""

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
    [tool.uv] (the working directory), `b` a directory holding only a `.log` file, which the
    repository's `.gitignore` names, and no pyproject.toml."""
    repo = tmp_path / "repo"
    (repo / "packages" / "a").mkdir(parents=True)
    (repo / "packages" / "b").mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[project]\nname = "root"\nversion = "0"\n'
                                         '[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    (repo / "packages" / "a" / "pyproject.toml").write_text(
        '[project]\nname = "a"\nversion = "0"\n[tool.uv]\npython-preference = "only-managed"\n')
    (repo / "packages" / "b" / "build.log").write_text("x\n")
    (repo / ".gitignore").write_text("*.log\n.gitignore\n")
    subprocess.run(["git", "-C", str(repo), "init", "-q", "."], check=True, capture_output=True)
    return repo


def _set_excludes(repo: Path, value: str) -> None:
    """`core.excludesFile = value` in the repository's own `.git/config`."""
    subprocess.run(["git", "-C", str(repo), "config", "core.excludesFile", value], check=True,
                   capture_output=True)


def _line(member: Path, cause: str, repo: Path) -> str:
    return (f"did not ask git whether it ignores the files of workspace member {member}: {cause} "
            f"(core.excludesFile in {repo / '.git' / 'config'}); read as holding files; make it a "
            "regular file or remove it, or set core.excludesFile to another file")


def test_a_fifo_the_repositorys_config_names_is_said_in_one_line(pytui: Pytui, tmp_path: Path) -> None:
    repo = _workspace(tmp_path)
    fifo = tmp_path / "excludes"
    os.mkfifo(fifo)
    _set_excludes(repo, "../excludes")  # from the work tree's top, where git opens it
    (tmp_path / "scanned").mkdir()

    done = subprocess.run(pytui.argv("envs", "--scan", str(tmp_path / "scanned")), env=pytui.env(),
                          capture_output=True, text=True, timeout=120, cwd=repo / "packages" / "a")

    assert "Traceback" not in done.stderr, done.stderr
    member = repo / "packages" / "b"
    line = _line(member, f"{fifo} is a FIFO, not a file, and git would wait on it for a writer", repo)
    assert f"warning: {line}" in done.stderr.splitlines(), done.stderr
    # Read as holding files: the members are not all there, so the working directory's
    # [tool.uv] is read.
    from pytui.core.uv_config import load

    config = load(pytui.env(), repo / "packages" / "a")
    assert config.get("python-preference") == "only-managed"
    assert config.warnings == (line,)


def test_a_huge_excludes_file_outside_the_repository_is_not_given_to_git(tmp_path: Path) -> None:
    from pytui.core.uv_workspace import _only_ignored

    repo = _workspace(tmp_path)
    member = repo / "packages" / "b"
    assert _only_ignored(member, []) is True  # git asked: the .log is ignored
    huge = tmp_path / "elsewhere" / "ignore"
    huge.parent.mkdir()
    with open(huge, "wb") as out:
        out.truncate(64 * 1024 * 1024 * 1024)  # sparse: 64 GiB git would read into memory
    _set_excludes(repo, str(huge))

    warnings: list[str] = []
    assert _only_ignored(member, warnings) is False
    assert warnings == [_line(member, f"{huge} is 64.0 GiB, and git would read it whole into memory "
                              "(pytui asks git only when an ignore file is at most 16.0 MiB)", repo)]
    # A small one is git's to read, wherever it is: what it names counts.
    with open(huge, "wb") as out:
        out.write(b"*.txt\n")
    (repo / ".gitignore").write_text(".gitignore\n")
    (member / "notes.txt").write_text("x\n")
    (member / "build.log").unlink()
    warnings = []
    assert _only_ignored(member, warnings) is True and warnings == []


def test_a_device_is_said_and_devnull_a_loop_or_nothing_is_gits_to_pass_over(tmp_path: Path) -> None:
    from pytui.core.uv_workspace import _only_ignored

    repo = _workspace(tmp_path)
    member = repo / "packages" / "b"
    _set_excludes(repo, "/dev/zero")
    warnings: list[str] = []
    assert _only_ignored(member, warnings) is False
    assert warnings == [_line(member, "/dev/zero is a device, not a file, and git would read it", repo)]
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop")
    for value in ("/dev/null", str(loop), str(tmp_path / "missing")):
        _set_excludes(repo, value)
        warnings = []
        assert _only_ignored(member, warnings) is True, value
        assert warnings == [], value
    # A directory: git is asked and refuses it at once (`fatal: cannot use DIR as an exclude
    # file`, git 2.39), which reads as holding files, as any failed `git ls-files`.
    _set_excludes(repo, str(repo / "packages"))
    warnings = []
    assert _only_ignored(member, warnings) is False and warnings == []


def test_the_users_own_excludes_file_is_looked_at_too(tmp_path: Path) -> None:
    # git's default when no config sets one: $XDG_CONFIG_HOME/git/ignore (the tests' home).
    from pytui.core.uv_workspace import _only_ignored

    repo = _workspace(tmp_path)
    member = repo / "packages" / "b"
    default = Path(os.environ["XDG_CONFIG_HOME"], "git", "ignore")
    default.parent.mkdir(parents=True)
    os.mkfifo(default)
    warnings: list[str] = []
    assert _only_ignored(member, warnings) is False
    assert warnings == [f"did not ask git whether it ignores the files of workspace member {member}: "
                        f"{default} is a FIFO, not a file, and git would wait on it for a writer "
                        "(git's default excludes file); read as holding files; make it a regular file "
                        "or remove it, or set core.excludesFile to another file"]


def test_a_fifo_as_the_repositorys_config_or_an_included_file(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from pytui.core import uv_workspace

    repo = _workspace(tmp_path)
    member = repo / "packages" / "b"
    included = tmp_path / "included"
    os.mkfifo(included)
    with open(repo / ".git" / "config", "a") as config:
        config.write(f"[include]\n\tpath = {included}\n")
    # No writer ever comes: git waits for good, so git's guard ends it (shortened here).
    monkeypatch.setattr(uv_workspace, "_GIT_SECONDS", 1.0)
    warnings: list[str] = []
    assert uv_workspace._only_ignored(member, warnings) is False
    assert warnings == [f"did not ask git whether it ignores the files of workspace member {member}: "
                        f"git did not read the configuration of the repository at {repo} in 1 s (a "
                        "file it includes may be a FIFO); read as holding files; check the files its "
                        "[include] and [includeIf] sections name"]
    (repo / ".git" / "config").unlink()
    os.mkfifo(repo / ".git" / "config")
    warnings = []
    assert uv_workspace._only_ignored(member, warnings) is False
    assert warnings == [f"did not ask git whether it ignores the files of workspace member {member}: "
                        f"{repo / '.git' / 'config'} is a FIFO, not a file, and git would wait on it for "
                        "a writer; read as holding files; make it a regular file or remove it"]
