"""An install root on a filesystem mounted noexec (a tmpfs /tmp, a USB stick mounted by
default noexec): no interpreter runs from it, uv's query fails there as pytui's start check does.
`pytui install 3.12` of a satisfied install said it `does not start (bin/python3.12: permission
denied)`, that part of it was gone as a killed run leaves it, and that `--reinstall` installs it
again — which installs it to the same mount, where it cannot run either (found by attacker31)."""

from __future__ import annotations

from cli_harness import Pytui
from fixtures_fs import Mounts
from pytui.core.interpreter_start import on_noexec_mount


def test_a_satisfied_install_on_a_noexec_mount_is_not_called_damaged(pytui: Pytui, mounts: Mounts) -> None:
    made = pytui.add("3.12.8")
    mounts.tmpfs(pytui.root, size="64m")
    pytui.call("install", "3.12")
    mounts.remount(pytui.root, "noexec")
    key = made.build.key
    executable = pytui.root / key / "bin" / "python3.12"
    assert on_noexec_mount(executable) and not on_noexec_mount(pytui.cache)
    before = pytui.state()
    result = pytui.run("install", "3.12")
    assert result.returncode == 0, str(result)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: {key} in {pytui.root} cannot run (bin/python3.12): its filesystem is mounted "
        "noexec, so no program runs from it, for uv as for pytui; install to a root on another "
        "filesystem (UV_PYTHON_INSTALL_DIR), or remount it without noexec"], str(result)
    assert pytui.state() == before
