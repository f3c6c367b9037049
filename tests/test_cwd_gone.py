"""A working directory removed after the shell entered it (`cd build && rm -rf ../build`):
uv 0.13.9 stops every command with "Current directory does not exist"; pytui said
"error: no such file or directory; check that path …", naming no path. Each command that needs
the working directory (uv's configuration files are searched from it) says so in one line."""

from __future__ import annotations

import shlex
import subprocess

import pytest
from cli_harness import Pytui, Result, assert_clean_failure, snapshot

GONE = ("error: the working directory no longer exists (removed after this shell entered it); "
        "cd to a directory that exists and run the command again")


def _in_a_removed_directory(pytui: Pytui, *args: str, **extra: str) -> Result:
    gone = pytui.tmp / "gone"
    gone.mkdir()
    argv = " ".join(shlex.quote(part) for part in pytui.argv(*args))
    done = subprocess.run(["sh", "-c", f"cd {shlex.quote(str(gone))} && rmdir \"$PWD\" && exec {argv}"],
                          env=pytui.env(**extra), capture_output=True, text=True, timeout=120)
    return Result(list(args), done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("args", [("list",), ("cache", "list"), ("install", "3.12.8"), ("dir",)],
                         ids=["list", "cache-list", "install", "dir"])
def test_a_removed_working_directory_is_said_and_nothing_changes(pytui: Pytui, args: tuple[str, ...]) -> None:
    pytui.add("3.12.8")
    assert pytui.run("install", "3.12.8", "--reinstall").returncode == 0
    before = snapshot(pytui.root, pytui.cache)
    result = _in_a_removed_directory(pytui, *args)
    assert assert_clean_failure(result, 1) == GONE
    assert snapshot(pytui.root, pytui.cache) == before


def test_without_configuration_files_list_shows_an_install_by_its_whole_path(pytui: Pytui) -> None:
    """With --no-config nothing needs the working directory but the paths drawn relative to it:
    those are drawn whole."""
    pytui.add("3.12.8")
    assert pytui.run("install", "3.12.8").returncode == 0
    result = _in_a_removed_directory(pytui, "list", "--no-config", "--only-installed")
    assert result.returncode == 0 and not result.stderr, str(result)
    assert str(pytui.root) in result.stdout, result.stdout


def test_a_relative_directory_from_a_removed_working_directory_is_said(pytui: Pytui) -> None:
    """A relative UV_PYTHON_INSTALL_DIR is taken from the working directory, as uv takes it."""
    result = _in_a_removed_directory(pytui, "list", "--no-config", UV_PYTHON_INSTALL_DIR="root")
    assert assert_clean_failure(result, 1) == GONE
