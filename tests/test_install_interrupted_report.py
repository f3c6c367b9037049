"""Ctrl-C (SIGINT) while `pytui install` runs: what was installed before it, or by a job whose
commit was under way (a commit, under the root lock, runs to its end), is there, but the run
said only "error: interrupted", so the user took nothing for installed. Now the builds that
were installed are listed as after a normal run (` + key (python3.12)`), then the error line,
exit code 130.

The SIGINT is sent by pytui to itself at a named step (tests/step_hook.py): exact, not timed.
"""

from __future__ import annotations

import pytest
from cli_harness import Pytui, assert_installed
from step_hook import hooked


def interrupted_at(pytui: Pytui, step: str, *args: str, setup: str = "") -> str:
    proc = hooked(pytui, step, "SIGINT", *args, setup=setup)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert err.strip().splitlines()[-1].startswith("error: interrupted"), err
    return err


def test_an_install_interrupted_in_its_commit_is_said_installed(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    err = interrupted_at(pytui, "pytui.core.install_root.InstallRoot/link_executables", "install", "3.12")
    assert_installed(pytui, made)
    assert f" + {made.build.key} (python3.12)" in err, err


def test_the_installs_done_before_the_interrupt_are_said_and_the_others_not(pytui: Pytui) -> None:
    done = pytui.add("3.12.8")
    cut = pytui.add("3.11.9")
    pytui.call("install", "3.12")
    pytui.call("uninstall", "3.12")  # its tree is kept: installed without a download
    # The download runs in a job's thread: it waits for the main thread's handler to cancel it
    # (it raced it, and a small download could finish first on a busy machine).
    err = interrupted_at(pytui, "pytui.core.download.Downloader/download", "install", "-j", "1", "3.12", "3.11",
                         setup="wait_for_cancel = True")
    assert_installed(pytui, done)
    assert f" + {done.build.key}" in err and cut.build.key not in err.replace(f"install of {cut.build.key}", ""), err
    assert not (pytui.root / cut.build.key).exists()
    assert pytui.temp_left() == []
    # What a newcomer asks next: may it be run again, and does it download all over?
    assert err.strip().splitlines()[-1] == (
        "error: interrupted; nothing else was installed, and the same command again finishes it "
        "(a partial download resumes where it stopped)"), err


def test_an_install_interrupted_before_any_build_is_installed_says_nothing_was(pytui: Pytui) -> None:
    """`nothing else was installed` after one request stopped in its download read as if
    something had been (newuser33, Ctrl-C in tmux)."""
    cut = pytui.add("3.11.9")
    err = interrupted_at(pytui, "pytui.core.download.Downloader/download", "install", "3.11",
                         setup="wait_for_cancel = True")
    assert not (pytui.root / cut.build.key).exists()
    assert err.strip().splitlines()[-1] == (
        "error: interrupted; nothing was installed, and the same command again finishes it "
        "(a partial download resumes where it stopped)"), err


# In its commit; and as the progress bars close, after every job ended (review33).
@pytest.mark.parametrize("step", ["pytui.core.install_root.InstallRoot/update_minor_link",
                                  "pytui.app.progress_board.ProgressBoard/__exit__"])
def test_an_upgrade_interrupted_in_its_commit_says_what_it_installed(pytui: Pytui, step: str) -> None:
    pytui.add("3.12.6")
    pytui.call("install", "3.12.6")
    new = pytui.add("3.12.8")
    err = interrupted_at(pytui, step, "upgrade")
    assert_installed(pytui, new)
    assert f" + {new.build.key}" in err, err
    assert err.strip().splitlines()[-1].endswith("the same command again finishes it (a partial "
                                                 "download resumes where it stopped)"), err


def test_a_ctrl_c_as_the_bars_close_after_every_install_says_them_installed(pytui: Pytui) -> None:
    """A Ctrl-C that lands once every job has ended (while the progress board closes) said
    `nothing was installed` after the build was installed (review33)."""
    made = pytui.add("3.12.8")
    err = interrupted_at(pytui, "pytui.app.progress_board.ProgressBoard/__exit__", "install", "3.12")
    assert_installed(pytui, made)
    assert f" + {made.build.key} (python3.12)" in err, err
    assert err.strip().splitlines()[-1].startswith("error: interrupted; nothing else was installed"), err

