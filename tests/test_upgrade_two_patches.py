"""Two patches of one minor version installed (3.12.6 and 3.12.7, real archives from the
loopback server, through the CLI), and what `pytui upgrade --dry-run` and `pytui uninstall
--outdated --dry-run` list as the catalog changes, with an environment following the minor-version
link and one pinned to each patch. pytui and the real uv (0.13.9) upgrade twin roots from one
catalog, and each root then holds the same builds and links.

A catalog whose newest 3.12 is a newer build of the *older* installed patch (3.12.6 from
20250101, where 3.12.7 leads the link) replaces that install, for both tools, and leaves the
link on 3.12.7; the dry run said `cpython-3.12.7-… -> cpython-3.12.6-…` (a downgrade of the
patch the link leads to) and that the environment following the link followed it to 3.12.6."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_harness import Pytui, minor_of
from test_uv_interop import UV, uv

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]

OLD, NEW = "cpython-3.12.6-linux-x86_64-gnu", "cpython-3.12.7-linux-x86_64-gnu"
LINK = minor_of("3.12.6")


def _builds(root: Path) -> dict[str, str]:
    """Each install's directory and its BUILD, and where the minor-version link leads."""
    held = {p.name: (p / "BUILD").read_text().strip() for p in root.iterdir()
            if p.name.startswith("cpython-") and not p.is_symlink()}
    return {**held, LINK: (root / LINK).readlink().name}


def _envs(home: Path, root: Path) -> dict[str, Path]:
    """A venv following the minor-version link, and one pinned to each patch directory."""
    made = {}
    for name, through in (("follows", LINK), ("on-old", OLD), ("on-new", NEW)):
        venv = home / name / ".venv"
        venv.mkdir(parents=True)
        (venv / "pyvenv.cfg").write_text(f"home = {root / through / 'bin'}\n")
        made[name] = venv
    return made


@pytest.fixture
def two_patches(pytui: Pytui) -> tuple[Pytui, Path, dict[str, Path]]:
    """3.12.6 and 3.12.7 from 20240101, installed by pytui and by uv on a twin root."""
    uv_root = pytui.tmp / "uv-root"
    pytui.add("3.12.6", "20240101")
    pytui.add("3.12.7", "20240101")
    for request in ("3.12.6", "3.12.7"):
        ours = pytui.run("install", request)
        assert ours.returncode == 0, str(ours)
        theirs = uv(pytui, "python", "install", request, offline=False, UV_PYTHON_INSTALL_DIR=str(uv_root),
                    UV_PYTHON_BIN_DIR=str(pytui.tmp / "uv-bin"))
        assert theirs.returncode == 0, theirs.stderr
    assert _builds(pytui.root) == _builds(uv_root) == {OLD: "20240101", NEW: "20240101", LINK: NEW}
    return pytui, uv_root, _envs(Path(os.environ["HOME"]), pytui.root)


def _upgrade_both(pytui: Pytui, uv_root: Path) -> str:
    ours = pytui.run("upgrade")
    theirs = uv(pytui, "python", "upgrade", offline=False, UV_PYTHON_INSTALL_DIR=str(uv_root),
                UV_PYTHON_BIN_DIR=str(pytui.tmp / "uv-bin"))
    assert ours.returncode == 0 and theirs.returncode == 0, (str(ours), theirs.stderr)
    assert _builds(pytui.root) == _builds(uv_root), ours.stderr
    return ours.stderr


def _outdated(pytui: Pytui) -> str:
    dry = pytui.run("uninstall", "--outdated", "--dry-run")
    assert dry.returncode == 0, str(dry)
    return dry.stderr


def test_a_newer_patch_upgrades_the_one_the_link_leads_to(two_patches) -> None:
    pytui, uv_root, envs = two_patches
    newest = pytui.add("3.12.8", "20240101").build.key
    before = pytui.state()
    dry = pytui.run("upgrade", "--dry-run")
    assert dry.returncode == 0, str(dry)
    assert dry.stderr.splitlines() == [
        "Would upgrade 1 version",
        f" {NEW} -> {newest}",
        f"   1 environment follows {LINK}: {envs['follows']}",
        f"   1 environment stays pinned to 3.12.6: {envs['on-old']}",
        f"   1 environment stays pinned to 3.12.7: {envs['on-new']}",
    ], dry.stderr
    # Both patches are used directly: neither is outdated to remove.
    assert "No outdated Python installations to remove" in _outdated(pytui)
    assert pytui.state() == before

    said = _upgrade_both(pytui, uv_root)
    assert f" 1 environment now runs {newest} (through {LINK}): {envs['follows']}" in said
    assert _builds(pytui.root) == {OLD: "20240101", NEW: "20240101", newest: "20240101", LINK: newest}


def test_a_newer_build_of_the_patch_the_link_leads_to_replaces_it(two_patches) -> None:
    pytui, uv_root, envs = two_patches
    pytui.add("3.12.7", "20250101")
    dry = pytui.run("upgrade", "--dry-run")
    assert dry.returncode == 0, str(dry)
    assert dry.stderr.splitlines() == [
        "Would upgrade 1 version",
        f" {NEW} build 20240101 -> build 20250101 (the installed build is replaced)",
        f"   1 environment follows {LINK}: {envs['follows']}",
        f"   1 environment stays pinned to 3.12.6: {envs['on-old']}",
    ], dry.stderr
    said = _upgrade_both(pytui, uv_root)
    assert f" ~ {NEW}\n" in said, said
    assert _builds(pytui.root) == {OLD: "20240101", NEW: "20250101", LINK: NEW}


def test_a_newer_build_of_the_older_patch_replaces_it_and_the_link_stays(two_patches) -> None:
    """The catalog no longer lists 3.12.7; its newest 3.12 is 3.12.6 from 20250101."""
    pytui, uv_root, envs = two_patches
    pytui.builds = [b for b in pytui.builds if b.version != "3.12.7"]
    pytui.add("3.12.6", "20250101")
    dry = pytui.run("upgrade", "--dry-run")
    assert dry.returncode == 0, str(dry)
    # Not `NEW -> OLD`, and the environment following the link stays on 3.12.7 with it.
    assert dry.stderr.splitlines() == [
        "Would upgrade 1 version",
        f" {OLD} build 20240101 -> build 20250101 (the installed build is replaced)",
        f"   1 environment stays pinned to 3.12.7: {envs['on-new']}",
    ], dry.stderr
    said = _upgrade_both(pytui, uv_root)
    assert f" ~ {OLD}\n" in said and "now runs" not in said, said
    assert _builds(pytui.root) == {OLD: "20250101", NEW: "20240101", LINK: NEW}
    # The replaced 3.12.6 is still older than 3.12.7, and used directly: kept.
    assert f" = {OLD} kept: used directly by 1 environment ({envs['on-old']})" in _outdated(pytui)


def test_a_build_pin_older_than_the_link_says_no_environment_follows(two_patches) -> None:
    """Under a build pin the target may be an older patch than the highest installed: it is
    installed beside it and the link stays (tests/test_upgrade_build_pin.py)."""
    pytui, uv_root, envs = two_patches
    pinned = pytui.add("3.12.5", "20240601").build.key
    pytui.add("3.12.8", "20250101")
    dry = pytui.run("upgrade", "--dry-run", UV_PYTHON_CPYTHON_BUILD="20240601")
    assert dry.returncode == 0, str(dry)
    assert "follow" not in dry.stderr, dry.stderr
    # Not ` NEW -> pinned` (a downgrade of the install the link leads to).
    assert f" + {pinned} (build 20240601, pinned by UV_PYTHON_CPYTHON_BUILD; installed beside {NEW}, " \
        f"which {LINK} keeps leading to)\n" in dry.stderr, dry.stderr
