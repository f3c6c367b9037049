"""A reinstall on a filesystem without atomic exchange (NFS: `core/root_tree.exchange` says
False) swaps by two renames, the old tree aside into `.temp/` and then the new one in. Killed
between the two, it left no `<root>/<key>`, and the next run's `.temp/` clean-up deleted the
moved-aside tree: the working install was gone and its links led nowhere. Now the clean-up
renames it back, byte for byte, and says so; killed after the second rename, the old tree is
only a leftover, removed.

The exchange is refused and the kill lands between the renames through tests/step_hook.py.
"""

from __future__ import annotations

import os

from cli_harness import Pytui, assert_installed, minor_of, snapshot
from step_hook import killed_at

RENAME = "os.rename"
NO_EXCHANGE = "import pytui.core.install_root as root; root._exchange = lambda a, b: False"


def test_a_reinstall_killed_between_its_renames_is_put_back_by_the_next_run(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    key = made.build.key
    (pytui.root / key / "marker").write_text("the install from before the reinstall\n")
    before = snapshot(pytui.root / key)
    # The new tree's rename into <root>/<key>: the old one is already aside.
    moving_in = f"'/.temp/' in str(args[0]) and str(args[1]).endswith('/{key}')"
    killed_at(pytui, RENAME, "install", "--reinstall", "3.12", when=moving_in, setup=NO_EXCHANGE)
    assert not os.path.lexists(pytui.root / key)

    other = pytui.add("3.11.9")
    again = pytui.run("install", "3.11")  # any install cleans .temp/ first
    assert again.returncode == 0 and "Traceback" not in again.stderr, str(again)
    assert f"warning: restored {key}" in again.stderr, str(again)
    assert len([line for line in again.stderr.splitlines() if key in line]) == 1, str(again)
    assert snapshot(pytui.root / key) == before
    assert_installed(pytui, made)
    minor, exe = pytui.root / minor_of("3.12.8"), pytui.bin / "python3.12"
    assert os.readlink(minor) == str(pytui.root / key)
    assert os.path.realpath(exe) == os.path.realpath(pytui.root / key / "bin" / "python3.12")
    assert (pytui.root / other.build.key).is_dir()
    assert pytui.temp_left() == []


def test_a_reinstall_killed_after_its_renames_keeps_the_new_install(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    key = made.build.key
    (pytui.root / key / "marker").write_text("the install from before the reinstall\n")
    # The old tree, out of the way, renamed for deletion: the new one is in.
    setting_aside = "'.swapping-' in str(args[0])"
    killed_at(pytui, RENAME, "install", "--reinstall", "3.12", when=setting_aside, setup=NO_EXCHANGE)
    again = pytui.run("uninstall", "3.11")  # cleans .temp/ (and finds nothing to remove)
    assert "Traceback" not in again.stderr and "restored" not in again.stderr, str(again)
    assert_installed(pytui, made)
    assert not (pytui.root / key / "marker").exists()
    assert pytui.temp_left() == []
