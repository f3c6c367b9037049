"""A directory nobody can read (`chmod 000`) inside an install or a stage: pytui removes it like
any other entry. shutil skipped it and `remove_tree` retried with `os.open(path)`, no flags: a
TypeError traceback out of `pytui uninstall`, and out of every install after it (each cleans the
`.temp/` that uninstall left). Root ignores permission bits, so the CLI runs without
CAP_DAC_OVERRIDE (`setpriv`) and the core call in a thread without it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from cli_harness import Pytui, Result, key_of
from fixtures_fs import unprivileged_argv, without_dac_override
from pytui.core.root_tree import remove_tree


def _run_unprivileged(pytui: Pytui, *args: str) -> Result:
    done = subprocess.run(unprivileged_argv(pytui.argv(*args)), env=pytui.env(), capture_output=True,
                          text=True, timeout=120, cwd=pytui.tmp)
    return Result(list(args), done.returncode, done.stdout, done.stderr)


def test_remove_tree_removes_unreadable_and_unwritable_directories(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "lib" / "deep" / "er").mkdir(parents=True)
    (tree / "lib" / "deep" / "er" / "f.txt").write_text("x")
    (tree / "lib" / "g.txt").write_text("y")
    (tree / "ro").mkdir()
    (tree / "ro" / "h.txt").write_text("z")
    os.chmod(tree / "lib" / "deep", 0)
    os.chmod(tree / "lib", 0)
    os.chmod(tree / "ro", 0o500)
    with without_dac_override():
        remove_tree(tree)
    assert not tree.exists()


def test_uninstall_of_an_install_holding_an_unreadable_directory(pytui: Pytui) -> None:
    pytui.add("3.12.8")
    pytui.add("3.11.9")
    pytui.call("install", "3.12", "3.11")
    install = pytui.root / key_of("3.11.9")
    os.chmod(install / "lib", 0)

    removed = _run_unprivileged(pytui, "uninstall", "3.11")

    assert removed.returncode == 0 and "Traceback" not in removed.stderr, str(removed)
    assert not install.exists() and pytui.temp_left() == []
    again = _run_unprivileged(pytui, "install", "--reinstall", "3.12")
    assert again.returncode == 0 and "Traceback" not in again.stderr, str(again)
    assert (pytui.root / key_of("3.12.8") / "bin" / "python3.12").exists()
