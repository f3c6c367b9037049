"""`pytui install` ended by a signal at each step of a cold install (download, extraction,
keeping the tree, fix-ups, the swap into the root, the minor-version and bin links) and of an
install from the kept tree, and of a reinstall: SIGKILL (no clean-up at all: what SIGTERM and
SIGHUP do to the CLI too), SIGTERM and SIGHUP at the steps that write, and SIGINT (pytui's
cancel). After each, the next `pytui install` succeeds, `.temp/` and `trees/` hold nothing
it left, the kept tree is intact (checked against its manifest) and `cache verify` passes.

The signal is sent by the process to itself as the step is called (tests/step_hook.py), so the
step it lands at is exact, not a matter of time.
"""

from __future__ import annotations

import signal

import pytest
from cli_harness import Pytui, assert_installed, cache_name
from fixtures_archives import MadeArchive, file
from pytui.core.tree_store import TreeStore
from step_hook import hooked

COLD = ["pytui.core.download.Downloader/download", "pytui.core.extract.extract_archive",
        "pytui.core.tree_store.write_sysconfig", "pytui.core.install_root.apply_fixups",
        "pytui.core.install_root.InstallRoot/_swap_in", "pytui.core.install_root.InstallRoot/update_minor_link",
        "pytui.core.install_root.InstallRoot/link_executables"]
FROM_TREE = ["pytui.core.tree_store.link_tree", "pytui.core.install_root.apply_fixups",
             "pytui.core.install_root.InstallRoot/_swap_in"]
REINSTALL = ["pytui.core.tree_store.link_tree", "pytui.core.install_root._remove_later"]
WRITING = {"pytui.core.tree_store.write_sysconfig", "pytui.core.install_root.InstallRoot/_swap_in",
           "pytui.core.tree_store.link_tree"}


def scenes() -> list:
    made = []
    for scene, steps in (("cold", COLD), ("tree", FROM_TREE), ("reinstall", REINSTALL)):
        for step in steps:
            signals = ["kill", "SIGINT"] + (["SIGTERM", "SIGHUP"] if step in WRITING else [])
            made += [pytest.param(scene, step, how, id=f"{scene}-{step.rsplit('.', 1)[1]}-{how}")
                     for how in signals]
    return made


def build(pytui: Pytui) -> MadeArchive:
    many = [file(f"lib/python3.12/many/m{i}.py", f"x = {i}\n") for i in range(40)]
    return pytui.add("3.12.8", extra=many)


@pytest.mark.parametrize(("scene", "step", "how"), scenes())
def test_a_signal_at_each_step_leaves_nothing_the_next_run_does_not_set_right(
        pytui: Pytui, scene: str, step: str, how: str) -> None:
    made = build(pytui)
    if scene != "cold":
        pytui.call("install", "3.12")
        if scene == "tree":
            pytui.call("uninstall", "3.12")
    args = ["install", "--reinstall", "3.12"] if scene == "reinstall" else ["install", "3.12"]
    proc = hooked(pytui, step, how, *args)
    _, err = proc.communicate(timeout=120)
    expected = {"kill": -signal.SIGKILL, "SIGTERM": -signal.SIGTERM, "SIGHUP": -signal.SIGHUP,
                "SIGINT": 130}[how]
    # SIGINT is taken at pytui's next check: a step past the last one finishes the install.
    assert proc.returncode in (expected, 0) if how == "SIGINT" else proc.returncode == expected, err
    assert "Traceback" not in err, err
    again = pytui.run(*args)
    assert again.returncode == 0, str(again)
    assert_installed(pytui, made)
    assert pytui.temp_left() == []
    assert pytui.trees() == [made.build.sha256], pytui.trees()
    TreeStore(pytui.cache).check(made.build.sha256)
    verified = pytui.run("cache", "verify")
    assert verified.returncode == 0, str(verified)
    assert pytui.cached() == [cache_name(made)]
