"""`pytui uninstall --outdated` when the root changes between its plan and its removal: another
process (uv) removes the newer patch while pytui waits for the root lock. The old patch is then
no longer outdated: removing it would leave the minor version with no install and break every
environment that follows the minor-version link. It is re-checked under the lock and kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui, minor_of

_HOLDER = """
import sys
from pathlib import Path
from pytui.core.install_root import InstallRoot
root = InstallRoot(Path(sys.argv[1]))
with root.locked():
    print("locked", flush=True)
    sys.stdin.readline()
    root.uninstall(sys.argv[2], bin_dir=None)
"""


def test_a_patch_that_stopped_being_outdated_while_waiting_for_the_lock_is_kept(pytui: Pytui) -> None:
    old = pytui.add("3.12.6")
    new = pytui.add("3.12.8")
    pytui.call("install", "3.12.6", "3.12.8")
    home = Path(os.environ["HOME"])
    (home / "p" / ".venv").mkdir(parents=True)
    (home / "p" / ".venv" / "pyvenv.cfg").write_text(f"home = {pytui.root / minor_of('3.12.6') / 'bin'}\n")
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(pytui.root), new.build.key],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=pytui.env())
    prune = None
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        prune = pytui.popen("uninstall", "--outdated", UV_LOCK_TIMEOUT="60")
        assert prune.stderr is not None
        seen = []
        for line in prune.stderr:  # pytui planned (3.12.6 is outdated) and now waits for the lock
            seen.append(line)
            if "waiting for the lock" in line:
                break
        else:
            pytest.fail(f"pytui did not wait for the lock: {''.join(seen)}")
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.close()
        assert holder.wait(60) == 0
        rest = prune.stderr.read()
        assert prune.wait(60) == 0, rest
    finally:
        for proc in (holder, prune):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    assert (pytui.root / old.build.key).is_dir(), rest
    assert not (pytui.root / new.build.key).exists()
    assert os.readlink(pytui.root / minor_of("3.12.6")).endswith(old.build.key)
    assert f"{old.build.key} kept: no newer patch of it is installed now" in rest


def test_the_tuis_outdated_purge_rechecks_under_the_lock_too(pytui: Pytui) -> None:
    """The purge screen's `outdated` rule runs uninstall jobs through the gateway with the
    scan's environments: the same re-check under the lock (the job ends as kept, not failed)."""
    from pytui.app.gateway import CoreGateway
    from pytui.core.install_root import InstallRoot, NotRemoved
    from pytui.core.progress import CancelToken
    from pytui.core.settings import Settings

    old = pytui.add("3.12.6")
    mid = pytui.add("3.12.7")
    new = pytui.add("3.12.8")
    pytui.call("install", "3.12.6", "3.12.7", "3.12.8")
    settings = Settings.resolve(env=pytui.env())
    gateway = CoreGateway()
    # Planned with 3.12.8 installed; then uv removes 3.12.8 and 3.12.7 is the newest again.
    InstallRoot(pytui.root).uninstall(new.build.key, bin_dir=None)
    with pytest.raises(NotRemoved, match="no newer patch of it is installed now"):
        gateway.uninstall(settings, mid.build.key, cancel=CancelToken(), on_wait=print, outdated_among=[])
    assert (pytui.root / mid.build.key).is_dir()
    # Still outdated: removed as before.
    assert gateway.uninstall(settings, old.build.key, cancel=CancelToken(), on_wait=print,
                             outdated_among=[]).key == old.build.key
    assert not (pytui.root / old.build.key).exists()
