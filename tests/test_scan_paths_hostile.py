"""Scan roots from PYTUI_SCAN_PATHS or the config file are bounded in number before anything
else is done with them: a list of tens of thousands (an environment variable holds 128 KiB)
is cut at MAX_SCAN_PATHS with one warning, not compared pairwise or warned about line by line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytui.core.env_places import MAX_IGNORED_SAID, MAX_SCAN_PATHS, scan_paths


def test_a_huge_scan_path_list_is_cut_with_one_warning(tmp_path: Path) -> None:
    many = ":".join(f"/p{i}" for i in range(30_000))
    roots, warnings = scan_paths({"PYTUI_SCAN_PATHS": many})
    assert roots == [Path(f"/p{i}") for i in range(MAX_SCAN_PATHS)]
    assert warnings == [f"only the first {MAX_SCAN_PATHS} scan paths from PYTUI_SCAN_PATHS are walked"]


def test_many_relative_entries_are_said_in_a_few_lines(tmp_path: Path) -> None:
    config = tmp_path / "pytui" / "scan-paths"
    config.parent.mkdir()
    config.write_text("\n".join(f"rel{i}" for i in range(5_000)) + "\n/abs\n")
    roots, warnings = scan_paths({"XDG_CONFIG_HOME": str(tmp_path)})
    assert roots == [Path("/abs")]
    assert len(warnings) == MAX_IGNORED_SAID + 1
    assert warnings[-1] == (f"ignored {5_000 - MAX_IGNORED_SAID} more scan paths from {config} "
                            "that are not absolute")


def test_a_config_file_past_the_bound_is_ignored_not_cut(tmp_path: Path) -> None:
    config = tmp_path / "pytui" / "scan-paths"
    config.parent.mkdir()
    config.write_text("/a\n" * 30_000 + "/home/someone/projects\n")  # past 64 KiB
    roots, warnings = scan_paths({"XDG_CONFIG_HOME": str(tmp_path)})
    assert roots == [Path.home()]
    assert warnings == [f"ignored {config}: larger than 64 KiB"]


def test_a_scan_path_that_is_not_utf8_is_walked_as_the_bytes_say(tmp_path: Path) -> None:
    """Linux paths are bytes: a directory named in Latin-1 listed in the scan-paths file is
    the directory walked (it was decoded with replacement characters: a path that does not
    exist, 'not a directory; skipped'), and `pytui envs` finds the venv in it."""
    import os
    import subprocess
    import sys

    home = tmp_path / "home"
    project = os.fsencode(tmp_path) + b"/caf\xe9"
    os.makedirs(project + b"/.venv")
    with open(project + b"/.venv/pyvenv.cfg", "wb") as f:
        f.write(b"home = /usr/bin\n")
    config = tmp_path / "config" / "pytui" / "scan-paths"
    config.parent.mkdir(parents=True)
    config.write_bytes(project + b"\n")
    roots, warnings = scan_paths({"XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert roots == [Path(os.fsdecode(project))] and warnings == []
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "PYTHONIOENCODING": "utf-8"}
    env.pop("PYTUI_SCAN_PATHS", None)
    done = subprocess.run([sys.executable, "-m", "pytui.app.cli", "envs", "--json"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    import json

    paths = [os.fsencode(e["path"]) for e in json.loads(done.stdout)]
    assert project + b"/.venv" in paths, done.stdout
    assert "not a directory" not in done.stderr, done.stderr


def _fifo(path: Path) -> None:
    import os

    os.mkfifo(path)



@pytest.mark.parametrize(("make", "why"), [
    (lambda p: _fifo(p), "a FIFO, not a regular file"),
    (lambda p: p.mkdir(), "a directory, not a regular file"),
    (lambda p: p.symlink_to("/dev/zero"), "a device, not a regular file"),
    (lambda p: p.symlink_to(p.name), "Too many levels of symbolic links"),
], ids=["fifo", "directory", "dev-zero", "loop"])
def test_a_scan_paths_file_that_is_no_regular_file_is_said(tmp_path: Path, make, why: str) -> None:
    """The config's scan-paths is a FIFO, a directory, /dev/zero or a symlink loop: it was
    ignored in silence (the home directory walked instead, nobody told why). It is ignored with
    one warning naming it and the cause, as config.toml beside it is."""
    config = tmp_path / "pytui" / "scan-paths"
    config.parent.mkdir()
    make(config)
    roots, warnings = scan_paths({"XDG_CONFIG_HOME": str(tmp_path)})
    assert roots == [Path.home()]
    assert warnings == [f"ignored {config}: {why}; the home directory is walked instead"]


def test_a_missing_scan_paths_file_is_no_warning(tmp_path: Path) -> None:
    assert scan_paths({"XDG_CONFIG_HOME": str(tmp_path)}) == ([Path.home()], [])


@pytest.mark.parametrize("source", ["PYTUI_SCAN_PATHS", "scan-paths file"])
def test_a_tilde_path_of_no_user_is_a_warning_not_a_traceback(tmp_path: Path, source: str) -> None:
    """`~nosuchuser/x` raised Path.expanduser's RuntimeError out of `pytui envs` (a traceback,
    exit 1); now it is one warning naming the user, and the other roots are walked."""
    import os
    import subprocess
    import sys

    home = tmp_path / "home"
    (home / "p" / ".venv").mkdir(parents=True)
    (home / "p" / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    listed = "~pytui-no-such-user/x:~/p"
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("PYTUI_SCAN_PATHS", None)
    if source == "PYTUI_SCAN_PATHS":
        env["PYTUI_SCAN_PATHS"] = listed
        named = "PYTUI_SCAN_PATHS"
    else:
        config = tmp_path / "config" / "pytui" / "scan-paths"
        config.parent.mkdir(parents=True)
        config.write_text(listed.replace(":", "\n") + "\n")
        named = str(config)
    done = subprocess.run([sys.executable, "-m", "pytui.app.cli", "envs", "--json"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert [line for line in done.stderr.splitlines() if line.startswith("warning:")] == [
        f"warning: ignored scan path '~pytui-no-such-user/x' from {named}: no user "
        "'pytui-no-such-user' has a home directory here"], done.stderr
    import json

    assert [e["path"] for e in json.loads(done.stdout)] == [str(home / "p" / ".venv")], done.stdout
