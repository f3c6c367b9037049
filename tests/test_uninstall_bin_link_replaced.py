"""A bin link replaced by someone else while `pytui uninstall` runs is theirs, and stays.

`uninstall` lists the install's bin links (those resolving into it), moves the install aside,
updates the minor-version link, and then removes (or re-points) each link it listed. Between
the listing and the removal another process may put its own file at the name (a user's
script, `ln -sf ~/my-python ~/.local/bin/python3.12`, another tool's shim): pytui removed it
(or re-pointed it to the patch that stays) all the same, and said it removed its link. uv and pytui hold the root's lock, so only a user or a third tool does this.
The uninstall is paused at that step by an event (tests/step_hook.py), not by time.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_harness import Pytui
from step_hook import paused_at, resume

UPDATING_THE_MINOR_LINK = "pytui.core.install_root.InstallRoot/update_minor_link"


def _replace(link: Path, how: str, tmp: Path) -> None:
    os.unlink(link)
    if how == "file":
        link.write_text("#!/bin/sh\necho mine\n")
    elif how == "link elsewhere":
        mine = tmp / "my-python"
        mine.write_text("#!/bin/sh\n")
        os.symlink(mine, link)
    else:
        link.mkdir()


@pytest.mark.parametrize("heir", [False, True], ids=["removed", "re-pointed"])
@pytest.mark.parametrize("how", ["file", "link elsewhere", "directory"])
def test_a_bin_link_replaced_during_the_uninstall_is_left_alone(pytui: Pytui, how: str, heir: bool) -> None:
    if heir:  # an older patch stays: the link would be re-pointed to it
        pytui.add("3.12.7")
        pytui.call("install", "3.12.7")
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12.8")
    link = pytui.bin / "python3.12"
    assert os.path.realpath(link).startswith(str(pytui.root / made.build.key))

    proc = paused_at(pytui, UPDATING_THE_MINOR_LINK, "uninstall", "3.12.8")
    _replace(link, how, pytui.tmp)
    before = (os.lstat(link).st_ino, os.readlink(link) if link.is_symlink() else "")
    code, _out, err = resume(proc)

    assert code == 0 and "Traceback" not in err, err
    assert "(python3.12)" not in err, err  # not named as a link it removed or moved
    assert not (pytui.root / made.build.key).exists()
    assert os.path.lexists(link), f"pytui removed what was put at {link} after it looked: {err}"
    assert (os.lstat(link).st_ino, os.readlink(link) if link.is_symlink() else "") == before
