"""A newer build of the patch that is installed (3.12.3 from 20240415 installed, the catalog's
3.12.3 now from 20240814), with a project's `.python-version` pinning that patch or its key:
pytui and the real uv (0.13.9) on twin roots, from one catalog on the loopback server.

Both take the pin as satisfied by the install of the older build (`install` with the pin, and
uv's `install` with no request, which reads the pin); `pytui envs` resolves the pin to that
install. `uv python upgrade` replaces the install with the newer build (` ~ KEY`). `pytui
upgrade` planned the same and said `Installed Python 3.12.3 … + KEY`, but its install job
found the key installed and did nothing: the old build stayed (its BUILD said 20240415). Now it
reinstalls it, says ` ~ KEY` as uv does, and the pin resolves to the new build's install."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cli_harness import Pytui
from test_uv_interop import UV

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]

KEY = "cpython-3.12.3-linux-x86_64-gnu"


def _uv(pytui: Pytui, *args: str, root: Path, bin_dir: Path) -> subprocess.CompletedProcess[str]:
    """The real uv on its own root, reading the project's `.python-version` (no UV_NO_CONFIG:
    HOME and the XDG dirs are the test's, so no user config is read)."""
    env = pytui.env(UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), UV_PYTHON_PREFERENCE="only-managed",
                    UV_PYTHON_INSTALL_DIR=str(root), UV_PYTHON_BIN_DIR=str(bin_dir))
    env.pop("UV_PYTHON_CACHE_DIR")
    return subprocess.run([str(UV), *args], env=env, capture_output=True, text=True, timeout=120,
                          cwd=pytui.tmp)


def _builds(root: Path) -> dict[str, str]:
    return {p.name: (p / "BUILD").read_text().strip() for p in root.iterdir()
            if not p.is_symlink() and (p / "BUILD").is_file()}


@pytest.mark.parametrize("pin", ["3.12.3", KEY], ids=["patch", "key"])
def test_a_pinned_patch_upgrades_to_its_newer_build_as_uv(pytui: Pytui, pin: str) -> None:
    uv_root, uv_bin = pytui.tmp / "uv-root", pytui.tmp / "uv-bin"
    pytui.add("3.12.3", "20240415")
    assert pytui.run("install", "3.12.3").returncode == 0
    assert _uv(pytui, "python", "install", "3.12.3", root=uv_root, bin_dir=uv_bin).returncode == 0
    pytui.add("3.12.3", "20240814")  # the same key, a newer build, in the catalog now
    (pytui.tmp / ".python-version").write_text(f"{pin}\n")

    # The pin is satisfied by the older build's install, for both.
    theirs = _uv(pytui, "python", "install", root=uv_root, bin_dir=uv_bin)
    assert theirs.returncode == 0 and "already installed" in theirs.stderr, theirs.stderr
    ours = pytui.run("install", pin)
    assert ours.returncode == 0 and f"is already installed ({KEY})" in ours.stderr, str(ours)
    envs = pytui.run("envs", "--rescan", "--json", PYTUI_SCAN_PATHS=str(pytui.tmp))
    assert [(row["kind"], row["key"]) for row in json.loads(envs.stdout)] == [("pin", KEY)], str(envs)
    assert _builds(pytui.root) == _builds(uv_root) == {KEY: "20240415"}

    theirs = _uv(pytui, "python", "upgrade", root=uv_root, bin_dir=uv_bin)
    assert theirs.returncode == 0 and f" ~ {KEY}" in theirs.stderr, theirs.stderr
    ours = pytui.run("upgrade")
    assert ours.returncode == 0, str(ours)
    assert f" ~ {KEY}\n" in ours.stderr and f" + {KEY}" not in ours.stderr, str(ours)
    assert _builds(pytui.root) == _builds(uv_root) == {KEY: "20240814"}
    assert (pytui.root / "cpython-3.12-linux-x86_64-gnu").readlink().name == KEY

    again = pytui.run("upgrade")  # nothing left to do, for both
    assert again.returncode == 0 and "Installed" not in again.stderr, str(again)
    theirs = _uv(pytui, "python", "upgrade", root=uv_root, bin_dir=uv_bin)
    assert theirs.returncode == 0 and "Installed" not in theirs.stderr, theirs.stderr
