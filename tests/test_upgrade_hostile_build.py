"""`pytui upgrade` to a newer build of the installed patch (the install is replaced, not put
beside) whose archive is hostile (a link out of the prefix, `..`): the upgrade fails in one line
and the old install, its links and what the links could reach are byte for byte as before
(attacker31: the same-patch replacement, 02ad9b3, attacked for the first time)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from cli_harness import (
    ARCH,
    FOREVER,
    LIBC,
    OS,
    Pytui,
    assert_clean_failure,
    finish,
    key_of,
    snapshot,
    wait_for,
)
from fixtures_archives import MadeArchive, make_build, sha256_of, sysconfigdata_text, write_archive
from hostile_archives import link_attack_pbs_members


@pytest.mark.parametrize("attack", ["chain_to_victim", "dotdot_parent", "late_link"])
def test_a_hostile_newer_build_leaves_the_installed_one_as_it_was(pytui: Pytui, tmp_path: Path,
                                                                    attack: str) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "secret.txt").write_text("secret\n")
    (victim / "_sysconfigdata__linux_x86_64-linux-gnu.py").write_text(sysconfigdata_text("3.11.9"))
    pytui.add("3.11.9", "20240101")
    pytui.call("install", "3.11")
    build = make_build(version="3.11.9", build_date="20250115", os_name=OS, arch=ARCH, libc=LIBC)
    members = link_attack_pbs_members(attack, victim, "3.11.9", os_name=OS, arch=ARCH, libc=LIBC)
    path = write_archive(pytui.archives / build.release_filename, members, add_dirs=False)
    digest = sha256_of(path)
    pytui.serve(MadeArchive(path=path, sha256=digest, size=path.stat().st_size,
                            build=build._replace(sha256=digest), kind="tar.gz"))
    before, victim_before = snapshot(pytui.root, pytui.bin), snapshot(victim)
    result = pytui.run("upgrade")
    line = assert_clean_failure(result)
    assert "refusing to extract" in line and key_of("3.11.9") in line, line
    assert snapshot(pytui.root, pytui.bin) == before
    assert snapshot(victim) == victim_before
    assert pytui.temp_left() == []
    assert (pytui.root / key_of("3.11.9") / "BUILD").read_text().strip() == "20240101"


def test_an_install_dir_swapped_for_a_symlink_during_the_upgrade(pytui: Pytui, tmp_path: Path) -> None:
    """While upgrade downloads the newer build, the install dir is renamed away and a symlink to
    it put at its name: what the link leads to is never written into or removed."""
    pytui.add("3.11.9", "20240101")
    pytui.call("install", "3.11")
    key = key_of("3.11.9")
    release = threading.Event()
    made = pytui.add("3.11.9", "20250115",
                     faults={"stall_at": 100, "stall_seconds": FOREVER, "stall_release": release})
    upgrade = pytui.popen("upgrade")
    elsewhere = tmp_path / "elsewhere"
    try:
        wait_for(lambda: pytui.requests(made) >= 1, "upgrade's download", upgrade)
        os.rename(pytui.root / key, elsewhere)
        os.symlink(elsewhere, pytui.root / key)
        moved = snapshot(elsewhere)
    finally:
        release.set()
    done = finish(upgrade)
    assert snapshot(elsewhere) == moved, str(done)
    # The link, not what it leads to, was replaced by the new build's tree.
    assert done.returncode == 0, str(done)
    assert not os.path.islink(pytui.root / key) and \
        (pytui.root / key / "BUILD").read_text().strip() == "20250115"
    assert pytui.temp_left() == []
