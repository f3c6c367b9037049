"""`pytui uninstall` killed (SIGKILL; SIGTERM and SIGHUP, a closed terminal, alike) after it
moved the install aside into `.temp/` and before it updated the minor-version link and the
bin links: `cpython-3.12-…` and `<bin>/python3.12` were left pointing at nothing, and no
command set them right (`uninstall 3.12`: "no Python installations found"; `uninstall --all`:
"No Python installations found"); running `python3.12` failed. Now the next pytui that cleans
`.temp/` (an install, an uninstall) finishes what the killed uninstall left: the minor-version
link goes to the highest remaining patch or goes, and so do the bin links through it; the
uninstall command says so.

The kill lands at the exact step through tests/step_hook.py.
"""

from __future__ import annotations

import os

from cli_harness import Pytui, minor_of
from step_hook import killed_at

LINKING = "pytui.core.install_root.InstallRoot/update_minor_link"


def test_an_uninstall_killed_before_its_links_is_finished_by_the_next_uninstall(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    killed_at(pytui, LINKING, "uninstall", "3.12")
    minor, exe = pytui.root / minor_of("3.12.8"), pytui.bin / "python3.12"
    assert os.path.islink(minor) and not minor.exists() and os.path.islink(exe) and not exe.exists()
    again = pytui.run("uninstall", "3.12")
    assert "Traceback" not in again.stderr, str(again)
    # A warning line, as install says a restored tree (uninstall printed it bare).
    assert f"warning: finished an interrupted uninstall of {made.build.key}" in again.stderr, str(again)
    assert not os.path.lexists(minor) and not os.path.lexists(exe)
    assert pytui.temp_left() == []


def test_the_minor_link_moves_to_the_patch_that_stays(pytui: Pytui) -> None:
    old = pytui.add("3.12.6")
    new = pytui.add("3.12.8")
    pytui.call("install", "3.12.6", "3.12.8")
    killed_at(pytui, LINKING, "uninstall", "3.12.8")
    minor, exe = pytui.root / minor_of("3.12.8"), pytui.bin / "python3.12"
    assert not minor.exists()
    other = pytui.add("3.11.9")
    installed = pytui.run("install", "3.11")  # any install cleans .temp/ first
    assert installed.returncode == 0, str(installed)
    assert os.readlink(minor) == str(pytui.root / old.build.key)
    assert exe.exists() and os.path.realpath(exe).startswith(str(pytui.root / old.build.key))
    assert not (pytui.root / new.build.key).exists() and (pytui.root / other.build.key).is_dir()
    assert pytui.temp_left() == []
