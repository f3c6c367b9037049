"""`pytui upgrade` and `pytui uninstall --outdated` against the loopback server.

The real-interpreter test installs two real patches of one minor version (this host's older
`/usr` Python of the running minor and the running one, each packed in the PBS layout under its
true version): an environment made with `uv venv -p 3.x` runs the new patch after the upgrade,
as `sys.version` says, and one made from the old patch's directory stays pinned and still runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, minor_of
from envs_helpers import UV, PackedPrefixes, older_patch, run_python, running_prefix, uv_venv, venv
from pytui.app.progress_board import human_bytes
from pytui.core.root_tree import footprint


@pytest.mark.slow
@pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {sys.executable}")
def test_upgrade_moves_followers_to_the_new_patch_and_keeps_pinned_ones(
        pytui: Pytui, packed_prefixes: PackedPrefixes) -> None:
    older = older_patch()
    if older is None:
        pytest.skip("no second real interpreter of the running minor with a lower patch on this host")
    home = Path(os.environ["HOME"])
    old_prefix, old_version = older
    new_prefix, new_version = running_prefix()
    mm = ".".join(new_version.split(".")[:2])
    old = pytui.serve(packed_prefixes.archive(pytui.archives / "old", old_prefix, old_version))
    pytui.call("install", mm)
    follower, pinned = home / "app" / ".venv", home / "legacy" / ".venv"
    made = uv_venv(pytui.env(), pytui.tmp, follower, mm)
    assert made.returncode == 0, made.stderr
    venv(pytui.root / old.build.key / "bin" / f"python{mm}", pinned)
    assert run_python(follower / "bin" / "python") == old_version

    new = pytui.serve(packed_prefixes.archive(pytui.archives / "new", new_prefix, new_version))
    before = pytui.state()
    dry = pytui.run("upgrade", "--dry-run")
    assert dry.returncode == 0, str(dry)
    assert f" {old.build.key} -> {new.build.key}" in dry.stderr
    assert f"1 environment follows {minor_of(new_version)}: {follower}" in dry.stderr
    assert f"1 environment stays pinned to {old_version}: {pinned}" in dry.stderr
    assert pytui.state() == before

    up = pytui.run("upgrade")
    assert up.returncode == 0, str(up)
    assert f"Installed Python {new_version} in " in up.stderr and f" + {new.build.key}" in up.stderr
    assert f"1 environment now runs {new.build.key} (through {minor_of(new_version)}): {follower}" in up.stderr
    assert f"1 environment stays pinned to {old_version}: {pinned}" in up.stderr
    assert os.readlink(pytui.root / minor_of(new_version)) == str(pytui.root / new.build.key)
    assert run_python(follower / "bin" / "python") == new_version
    assert run_python(pinned / "bin" / "python") == old_version

    again = pytui.run("upgrade")
    assert again.returncode == 0 and "All versions already on latest supported patch release" in again.stderr
    one = pytui.run("upgrade", mm)
    assert one.returncode == 0 and one.stderr.splitlines()[-1] == \
        f"Python {mm} is already on the latest supported patch release", str(one)

    # The old patch is outdated but used directly: prune keeps it and says why.
    kept = pytui.run("uninstall", "--outdated")
    assert kept.returncode == 0, str(kept)
    assert f" = {old.build.key} kept: used directly by 1 environment ({pinned})" in kept.stderr
    assert (pytui.root / old.build.key).is_dir()
    # Removing the patch the follower runs breaks nothing: its link moves back to the old patch.
    moved = pytui.run("uninstall", new.build.key)
    assert moved.returncode == 0, str(moved)
    assert run_python(follower / "bin" / "python") == old_version


def test_upgrade_dry_run_then_upgrade_then_prune(pytui: Pytui) -> None:
    home = Path(os.environ["HOME"])
    first = pytui.add("3.12.6")
    pytui.add("3.11.9")
    pytui.call("install", "3.12", "3.11")
    (home / "p" / ".venv").mkdir(parents=True)
    (home / "p" / ".venv" / "pyvenv.cfg").write_text(f"home = {pytui.root / minor_of('3.12.6') / 'bin'}\n")
    second = pytui.add("3.12.8")
    dry = pytui.run("upgrade", "--dry-run")
    assert dry.returncode == 0, str(dry)
    assert "Would upgrade 1 version" in dry.stderr and f" {first.build.key} -> {second.build.key}" in dry.stderr
    assert not (pytui.root / second.build.key).exists()
    up = pytui.run("upgrade", "3.12")
    assert up.returncode == 0, str(up)
    assert f" + {second.build.key}" in up.stderr
    assert f"1 environment now runs {second.build.key}" in up.stderr
    # 3.12.7 appears later: upgrading again installs it? No: 3.12.8 is newer.
    pytui.add("3.12.7")
    assert "3.12 is already on the latest" in pytui.run("upgrade", "3.12").stderr
    pytui.call("install", "3.12.7")

    # What the two installs free: their files are hard links into the trees kept in the cache.
    sizes = [footprint(pytui.root / first.build.key),
             footprint(pytui.root / f"cpython-3.12.7-{first.build.platform}")]
    size = sum(s.freed for s in sizes)
    assert all(s.shared for s in sizes)
    stays = f"{human_bytes(sum(s.shared for s in sizes))} stay in the cache's kept trees"
    before = pytui.state()
    dry = pytui.run("uninstall", "--outdated", "--dry-run")
    assert dry.returncode == 0, str(dry)
    assert f"Would uninstall 2 versions ({human_bytes(size)} would be freed; {stays})" in dry.stderr
    assert f" - {first.build.key}" in dry.stderr and "3.11.9" not in dry.stderr
    assert pytui.state() == before
    pruned = pytui.run("uninstall", "--outdated")
    assert pruned.returncode == 0, str(pruned)
    assert "Uninstalled 2 versions in " in pruned.stderr and f"({human_bytes(size)} freed; {stays})" in pruned.stderr
    left = sorted(p.name for p in pytui.root.iterdir() if not p.name.startswith("."))
    assert left == sorted([minor_of("3.11.9"), minor_of("3.12.8"), f"cpython-3.11.9-{first.build.platform}",
                           second.build.key])
    assert "No outdated Python installations to remove" in pytui.run("uninstall", "--outdated").stderr


def test_upgrade_usage_and_nothing_to_do(pytui: Pytui) -> None:
    assert "There are no installed versions to upgrade" in pytui.run("upgrade").stderr
    pytui.add("3.12.8")
    pytui.call("install", "3.12")
    patch = pytui.run("upgrade", "3.12.8")
    assert "`pytui upgrade` only accepts minor versions, got: 3.12.8" in assert_clean_failure(patch, 2)
    # A minor version not installed is installed as uv's upgrade installs it
    # (tests/test_upgrade_not_installed.py); one with no download fails the whole run, exit 2.
    other = pytui.run("upgrade", "3.12", "3.10")
    assert "no download found for request `3.10`" in assert_clean_failure(other, 2)
    both = pytui.run("upgrade", "3.12", "3.12")
    assert both.returncode == 0 and both.stderr.splitlines()[-1] == \
        "All requested versions already on latest supported patch release", str(both)
    usage = pytui.run("uninstall", "--outdated", "3.12")
    assert_clean_failure(usage, 2)


def test_upgrade_updates_only_existing_bin_links(pytui: Pytui) -> None:
    pytui.add("3.12.6")
    pytui.add("3.11.8")
    pytui.call("install", "3.12", "3.11")
    (pytui.bin / "python3.11").unlink()
    pytui.add("3.12.8")
    pytui.add("3.11.9")
    up = pytui.run("upgrade")
    assert up.returncode == 0, str(up)
    assert "Installed 2 versions" in up.stderr
    assert not os.path.lexists(pytui.bin / "python3.11")
    # ... and says so, with the command that links it.
    assert (f"note: {pytui.bin / 'python3.11'} does not exist, so the upgrade made none (as uv); "
            "`pytui install 3.11` links it") in up.stderr
    assert "python3.12 does not exist" not in up.stderr
    ran = subprocess.run([pytui.bin / "python3.12"], capture_output=True, text=True)
    assert ran.stdout.strip() == "Python 3.12.8"
