"""`pytui install --reinstall` while another process uninstalls that build: the reinstall was
decided against an install that is gone by its commit. It installs the build anew (the root
lock makes the commit one step) and says so as a new install (` + key`, as uv says it), where
it said ` ~ key`, a replacement of something no longer there.

The reinstall is a real pytui stopped before its commit by tests/step_hook.py.
"""

from __future__ import annotations

from cli_harness import Pytui, assert_installed
from step_hook import paused_at, resume

COMMITTING = "pytui.core.jobs.InstallJob/_commit"


def test_a_reinstall_whose_install_was_uninstalled_meanwhile_says_installed(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    proc = paused_at(pytui, COMMITTING, "install", "--reinstall", "3.12")
    gone = pytui.run("uninstall", "3.12")
    assert gone.returncode == 0, str(gone)
    code, _, err = resume(proc)
    assert code == 0, err
    assert f" + {made.build.key}" in err and f" ~ {made.build.key}" not in err, err
    assert_installed(pytui, made)
    assert pytui.temp_left() == []


def test_a_reinstall_still_says_it_replaced(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    again = pytui.run("install", "--reinstall", "3.12")
    assert again.returncode == 0 and f" ~ {made.build.key}" in again.stderr, str(again)
