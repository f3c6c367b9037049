"""`pytui install` killed while it replaced a bin link: the new link is made aside in the bin
dir and then exchanged with (or renamed over) the old one. Killed in between (SIGKILL; the OOM
killer), it left `<bin>/.link-<hex>` in the user's bin dir for good: no later install or
uninstall looked there, so a hidden link stayed in ~/.local/bin, dangling once its install
was uninstalled. The root's own temp links are in `.temp/`, which every run cleans; the bin
dir's now carry their writer's pid, and the next run that links or unlinks there removes those
whose writer is gone (core/link_temps.py).

The kill lands at the exchange through tests/step_hook.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from cli_harness import Pytui, assert_installed
from fixtures_archives import MadeArchive
from step_hook import killed_at

EXCHANGING = "pytui.core.root_links._exchanged"
IN_THE_BIN_DIR = "'/bin/' in str(args[0])"


def _killed_mid_replace(pytui: Pytui) -> MadeArchive:
    """A bin link a run replaced (a broken one, left by an install gone) killed at the exchange,
    which left one temp link in the bin dir."""
    made = pytui.add("3.12.8")
    pytui.bin.mkdir()
    os.symlink(pytui.tmp / "gone" / "bin" / "python3.12", pytui.bin / "python3.12")
    killed_at(pytui, EXCHANGING, "install", "3.12", when=IN_THE_BIN_DIR)
    left = [name for name in os.listdir(pytui.bin) if name.startswith(".link-")]
    assert len(left) == 1, left
    return made


@pytest.mark.parametrize("next_command", [["install", "3.12"], ["uninstall", "3.12"]])
def test_the_temp_link_a_killed_run_left_in_the_bin_dir_is_removed_by_the_next(
        pytui: Pytui, next_command: list[str]) -> None:
    made = _killed_mid_replace(pytui)
    again = pytui.run(*next_command)
    assert again.returncode == 0, str(again)
    assert "Traceback" not in again.stderr
    if next_command[0] == "install":
        assert_installed(pytui, made)
        assert os.readlink(pytui.bin / "python3.12") != str(pytui.tmp / "gone" / "bin" / "python3.12")
    # After the uninstall the broken link is someone else's again (it never led into the root).
    assert os.listdir(pytui.bin) == ["python3.12"]


def test_only_pytuis_temp_links_whose_writer_is_gone_are_removed(pytui: Pytui) -> None:
    _killed_mid_replace(pytui)
    target = pytui.root / "elsewhere"
    live = f".link-{os.getpid()}-{'a' * 12}"  # a run still between its link and its rename
    recent_old_form = ".link-0123456789ab"  # pytui before the pid was in the name: a live one?
    stale_old_form = ".link-ba9876543210"
    not_ours = [".link-notes", f".link-{os.getpid()}-xyz"]
    for name in (live, recent_old_form, stale_old_form, *not_ours):
        os.symlink(target, pytui.bin / name)
    an_hour_ago = time.time_ns() - 2 * 3600 * 10**9
    os.utime(pytui.bin / stale_old_form, ns=(an_hour_ago, an_hour_ago), follow_symlinks=False)
    (pytui.bin / ".link-file").write_text("a file by a pytui-like name is not a link pytui made\n")
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    assert sorted(os.listdir(pytui.bin)) == sorted(
        [".link-file", live, recent_old_form, *not_ours, "python3.12"])


# Runs pytui's CLI with an audit hook: the directories it listed, as JSON on stdout's last line.
LISTINGS = """
import json, os, sys
listed = []
sys.addaudithook(lambda event, args: listed.append(os.fspath(args[0])) if event == "os.scandir"
                 and args and isinstance(args[0], (str, os.PathLike)) else None)
from pytui.app.cli import main
code = main(sys.argv[1:])
print(json.dumps(listed))
sys.exit(code)
"""


def test_a_run_linking_two_builds_looks_in_the_bin_dir_once(pytui: Pytui) -> None:
    """Each build linked listed the whole bin dir again (two builds, two listings of
    ~/.local/bin, on the install from a kept tree too); a run now looks once."""
    pytui.add("3.12.8")
    pytui.add("3.13.1")
    done = subprocess.run([sys.executable, "-c", LISTINGS, "install", "3.12", "3.13"],
                          env=pytui.env(), capture_output=True, text=True, timeout=300,
                          cwd=pytui.tmp)
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout.splitlines()[-1])
    assert sorted(os.listdir(pytui.bin)) == ["python3.12", "python3.13"]
    assert listed.count(str(pytui.bin)) == 1, listed
