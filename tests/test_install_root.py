"""core/install_root: uv's layout, links, uninstall, an atomic reinstall and commit, staging and
the clean-up of killed runs. The lock is in test_root_lock.py; the same tree as uv and an
end-to-end install of this interpreter found by uv in test_install_root_uv.py. The `root` and
`bin_dir` fixtures are tests/fixtures_root.py's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import pytui.core.install_root as install_root_module
from fixtures_root import KEY, MINOR, archive, install
from pytui.core.errors import InstallError
from pytui.core.extract import extract_archive
from pytui.core.install_policy import is_upgrade_of
from pytui.core.install_root import InstallRoot
from pytui.core.keys import parse_key
from pytui.core.root_tree import remove_later, wait_for_removals

# -- layout -----------------------------------------------------------------------------------


def test_init_layout(root: InstallRoot) -> None:
    root.init()
    assert (root.path / ".gitignore").read_text() == "*"
    assert (root.path / ".temp").is_dir()
    (root.path / ".gitignore").write_text("*\nkeep\n")
    root.init()
    assert (root.path / ".gitignore").read_text() == "*\nkeep\n"  # created once, as uv's create_new
    with root.locked():
        pass
    assert (os.stat(root.lock_path).st_mode & 0o777) == 0o666


def test_a_root_that_is_there_but_refuses_writes_is_not_said_uncreated(tmp_path: Path) -> None:
    # A read-only mount as --install-dir said "cannot create the install root /mnt/ro": it was
    # there. (A directory without write permission makes the same refusal without a mount.)
    from fixtures_fs import without_dac_override

    there = InstallRoot(tmp_path / "there")
    there.path.mkdir()
    os.chmod(there.path, 0o555)
    with without_dac_override(), pytest.raises(InstallError, match=r"^cannot write to the install root "):
        there.init()
    # A file named .temp is named as what is wrong (core/installed.dir_shape_problem).
    os.chmod(there.path, 0o755)
    (there.path / ".temp").write_text("")
    with pytest.raises(InstallError, match=r"^the install root's staging dir .*/\.temp is not a directory "):
        there.init()
    (tmp_path / "file").write_text("")
    with pytest.raises(InstallError, match=r"^cannot create the install root "):
        InstallRoot(tmp_path / "file" / "root").init()


def test_commit_layout_links_and_fixups(tmp_path: Path, root: InstallRoot, bin_dir: Path) -> None:
    made = archive(tmp_path, with_python_link=False)
    installation = install(root, made, bin_dir)
    target = root.path / KEY
    assert installation.key == KEY and installation.path == target and installation.build == "20250115"
    assert (target / "BUILD").read_text() == "20250115"
    assert (target / "lib/python3.12/EXTERNALLY-MANAGED").is_file()
    assert os.readlink(target / "bin/python") == "python3.12"
    assert f'"prefix": "{target}"' in (target / "lib/python3.12/_sysconfigdata__linux_x86_64-linux-gnu.py").read_text()
    assert os.readlink(root.path / MINOR) == str(target)  # absolute, as uv's replace_symlink
    assert os.readlink(bin_dir / "python3.12") == str(root.path / MINOR / "bin/python3.12")
    assert installation.extra["executables"] == "python3.12"
    assert subprocess.run([bin_dir / "python3.12"], capture_output=True, text=True).stdout == "Python 3.12.8\n"
    assert [i.key for i in root.installed()] == [KEY]
    assert sorted(os.listdir(root.path / ".temp")) == []  # the stage is gone
    assert root.size_of(installation) == root.size_of(KEY) > 1000


def test_no_bin(tmp_path: Path, root: InstallRoot, bin_dir: Path) -> None:
    install(root, archive(tmp_path), None)
    assert not bin_dir.exists()
    assert os.path.islink(root.path / MINOR)


def test_full_archive_installs_its_install_dir(tmp_path: Path, root: InstallRoot) -> None:
    made = archive(tmp_path, flavor="full", kind="tar.zst")
    install(root, made, None)
    assert (root.path / KEY / "bin/python3.12").is_file()
    assert not (root.path / KEY / "PYTHON.json").exists()


def test_minor_link_follows_highest_patch(tmp_path: Path, root: InstallRoot, bin_dir: Path) -> None:
    install(root, archive(tmp_path, "3.12.7"), bin_dir)
    assert os.readlink(root.path / MINOR).endswith("cpython-3.12.7-linux-x86_64-gnu")
    install(root, archive(tmp_path, "3.12.8"), bin_dir)
    assert os.readlink(root.path / MINOR).endswith("cpython-3.12.8-linux-x86_64-gnu")
    # The bin link went through the minor link, so it follows without relinking.
    assert subprocess.run([bin_dir / "python3.12"], capture_output=True, text=True).stdout == "Python 3.12.8\n"
    older = install(root, archive(tmp_path, "3.12.6"), bin_dir)
    assert os.readlink(root.path / MINOR).endswith("cpython-3.12.8-linux-x86_64-gnu")
    assert "executables" not in older.extra  # 3.12.6 does not take over python3.12
    assert subprocess.run([bin_dir / "python3.12"], capture_output=True, text=True).stdout == "Python 3.12.8\n"
    # Other variants and minors get their own links.
    install(root, archive(tmp_path, "3.13.1", variant="freethreaded"), bin_dir)
    assert os.path.islink(root.path / "cpython-3.13+freethreaded-linux-x86_64-gnu")
    assert os.readlink(bin_dir / "python3.13t").endswith("cpython-3.13+freethreaded-linux-x86_64-gnu/bin/python3.13t")


def test_uninstall_repoints_and_removes_minor_link(tmp_path: Path, root: InstallRoot, bin_dir: Path) -> None:
    install(root, archive(tmp_path, "3.12.7"), bin_dir)
    install(root, archive(tmp_path, "3.12.8"), bin_dir)
    size = root.size_of("cpython-3.12.8-linux-x86_64-gnu")
    (bin_dir / "unrelated").write_text("keep")
    freed = root.uninstall("cpython-3.12.8-linux-x86_64-gnu", bin_dir=bin_dir)
    assert freed.freed == size and freed.shared == 0 and freed.removed_links == ()
    assert not (root.path / "cpython-3.12.8-linux-x86_64-gnu").exists()
    assert os.readlink(root.path / MINOR).endswith("cpython-3.12.7-linux-x86_64-gnu")
    # The bin link resolved to the removed install; 3.12.7 stays, so the link now runs it
    # (through the minor-version link, as the minor link moved), and says so.
    assert freed.moved_links == ((bin_dir / "python3.12", "cpython-3.12.7-linux-x86_64-gnu"),)
    assert os.readlink(bin_dir / "python3.12") == str(root.path / MINOR / "bin" / "python3.12")
    assert subprocess.run([bin_dir / "python3.12"], capture_output=True, text=True).stdout == "Python 3.12.7\n"
    assert sorted(os.listdir(bin_dir)) == ["python3.12", "unrelated"]
    last = root.uninstall("cpython-3.12.7-linux-x86_64-gnu", bin_dir=bin_dir)
    # The last patch of the minor: the link goes (as uv), others stay.
    assert last.removed_links == (bin_dir / "python3.12",) and last.moved_links == ()
    assert sorted(os.listdir(bin_dir)) == ["unrelated"]
    assert not os.path.lexists(root.path / MINOR)
    assert root.installed() == []
    assert os.listdir(root.path / ".temp") == []
    with pytest.raises(InstallError, match="not installed"):
        root.uninstall("cpython-3.12.7-linux-x86_64-gnu", bin_dir=bin_dir)


def test_uninstall_keeps_links_to_other_installs(tmp_path: Path, root: InstallRoot, bin_dir: Path) -> None:
    install(root, archive(tmp_path, "3.12.8"), bin_dir)
    install(root, archive(tmp_path, "3.13.1"), bin_dir)
    root.uninstall("cpython-3.13.1-linux-x86_64-gnu", bin_dir=bin_dir)
    assert os.listdir(bin_dir) == ["python3.12"]


def test_bin_link_conflicts(tmp_path: Path, root: InstallRoot, bin_dir: Path) -> None:
    bin_dir.mkdir()
    (bin_dir / "python3.12").write_text("#!/bin/sh\necho mine\n")
    warnings: list[str] = []
    install(root, archive(tmp_path, "3.12.8"), bin_dir, on_warning=lambda line: warnings.append(str(line)))
    assert (bin_dir / "python3.12").read_text() == "#!/bin/sh\necho mine\n"  # not managed: untouched
    assert len(warnings) == 1 and "--force" in warnings[0] and "\n" not in warnings[0]
    install(root, archive(tmp_path, "3.12.8"), bin_dir, force=True)
    assert os.path.islink(bin_dir / "python3.12")
    # A broken link is replaced without --force.
    (bin_dir / "python3.13").unlink(missing_ok=True)
    (bin_dir / "python3.13").symlink_to(tmp_path / "gone" / "python3.13")
    install(root, archive(tmp_path, "3.13.1"), bin_dir)
    assert os.readlink(bin_dir / "python3.13") == str(root.path / "cpython-3.13-linux-x86_64-gnu/bin/python3.13")


def test_bin_link_not_upgradeable_points_at_the_install(tmp_path: Path, root: InstallRoot, bin_dir: Path) -> None:
    install(root, archive(tmp_path, "3.12.8"), bin_dir, upgradeable=False)
    assert os.readlink(bin_dir / "python3.12") == str(root.path / KEY / "bin/python3.12")


def test_is_upgrade_of() -> None:
    def parts(key: str):
        return parse_key(key)

    a, b = parts("cpython-3.12.7-linux-x86_64-gnu"), parts("cpython-3.12.8-linux-x86_64-gnu")
    assert is_upgrade_of(b, None, a, None) and not is_upgrade_of(a, None, b, None)
    assert is_upgrade_of(b, "20250201", b, "20250115") and not is_upgrade_of(b, "20250115", b, "20250115")
    assert is_upgrade_of(b, "20250115", b, None) and not is_upgrade_of(b, None, b, "20250115")
    rc1, rc2 = parts("cpython-3.14.0rc1-linux-x86_64-gnu"), parts("cpython-3.14.0rc2-linux-x86_64-gnu")
    final = parts("cpython-3.14.0-linux-x86_64-gnu")
    assert is_upgrade_of(rc2, None, rc1, None) and is_upgrade_of(final, None, rc2, None)
    assert not is_upgrade_of(rc2, None, final, None)
    assert not is_upgrade_of(parts("cpython-3.13.1-linux-x86_64-gnu"), None, b, None)
    assert not is_upgrade_of(parts("cpython-3.12.9+freethreaded-linux-x86_64-gnu"), None, b, None)


# -- reinstall atomicity ----------------------------------------------------------------------


@pytest.mark.parametrize("exchange", [True, False])
def test_reinstall_never_leaves_the_key_missing(tmp_path: Path, root: InstallRoot, monkeypatch: pytest.MonkeyPatch,
                                                exchange: bool) -> None:
    if not exchange:
        monkeypatch.setattr(install_root_module, "_exchange", lambda a, b: False)
    builds = [archive(tmp_path, "3.12.8", date) for date in ("20250115", "20250116")]
    install(root, builds[0], None)
    exe = root.path / KEY / "bin" / "python3.12"
    stop = threading.Event()
    missing: list[int] = []
    checks = [0]

    def watch() -> None:
        while not stop.is_set():
            checks[0] += 1
            if not os.path.exists(exe):
                missing.append(checks[0])

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for round_no in range(8):
            install(root, builds[round_no % 2], None, reinstall=True)
    finally:
        stop.set()
        watcher.join()
    assert (root.path / KEY / "BUILD").read_text() == "20250116"
    assert checks[0] > 0
    if exchange:
        assert missing == [], "the install was missing during a reinstall"
    # The replaced trees are deleted by detached processes (remove_later): wait for them.
    wait_for_removals(root.temp_dir)
    assert os.listdir(root.path / ".temp") == []


def test_exchange_is_available_here(tmp_path: Path) -> None:
    # The atomic path is the one that runs on Linux; fail loudly if it silently is not.
    if sys.platform != "linux":
        pytest.skip("renameat2 is Linux-only")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one").write_text("")
    (tmp_path / "b").mkdir()
    assert install_root_module._exchange(tmp_path / "a", tmp_path / "b")  # noqa: SLF001
    assert os.listdir(tmp_path / "b") == ["one"] and os.listdir(tmp_path / "a") == []


def test_commit_needs_same_filesystem_stage(tmp_path: Path, root: InstallRoot) -> None:
    made = archive(tmp_path)
    prefix = extract_archive(made.path, tmp_path / "elsewhere")
    # Same filesystem here, so it works; a missing prefix is a one-line error.
    with pytest.raises(InstallError):
        root.commit(made.build, tmp_path / "missing", bin_dir=None)
    root.commit(made.build, prefix, bin_dir=None)
    assert (root.path / KEY / "bin/python3.12").is_file()


# -- staging and clean-up ---------------------------------------------------------------------


def test_stage_is_fresh_and_removed(root: InstallRoot) -> None:
    with root.stage() as first, root.stage() as second:
        assert first != second and first.parent == root.temp_dir and os.listdir(first) == []
        (first / "f").write_text("x")
    assert os.listdir(root.temp_dir) == []
    with pytest.raises(RuntimeError), root.stage() as stage:
        (stage / "f").write_text("x")
        raise RuntimeError("boom")
    assert os.listdir(root.temp_dir) == []


def test_clean_temp_removes_only_leftovers(tmp_path: Path, root: InstallRoot) -> None:
    root.init()
    temp = root.temp_dir
    (temp / ".tmpUVleft").mkdir()  # a uv temp dir from a killed uv
    (temp / ".tmpUVleft" / "python").mkdir()
    (temp / "pytui-1-dead").mkdir()  # a pytui stage whose process died
    (temp / "pytui-1-dead" / "file").write_text("x")
    (temp / "pytui-1-dead.lock").write_text("")
    (temp / f"{KEY}.old-1234").mkdir()  # a reinstall interrupted after the swap
    code = ("import sys, time; from pathlib import Path; from pytui.core.install_root import InstallRoot\n"
            "with InstallRoot(Path(sys.argv[1])).stage() as s:\n"
            "    print(s.name, flush=True); time.sleep(30)\n")
    other = subprocess.Popen([sys.executable, "-c", code, str(root.path)], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout is not None
        other_stage = other.stdout.readline().strip()
        with root.stage() as mine:
            removed = root.clean_temp()
            left = sorted(os.listdir(temp))
            assert left == sorted([mine.name, f"{mine.name}.lock", other_stage, f"{other_stage}.lock"])
            assert removed == 4
    finally:
        other.kill()
        other.wait()
    # The killed process's stage is now a leftover too.
    assert root.clean_temp() == 2
    assert os.listdir(temp) == []


def test_remove_later_deletes_in_a_detached_process_and_clean_temp_spares_it(root: InstallRoot) -> None:
    """A reinstall's replaced tree goes to a detached deleter holding `<name>.lock`: a cleaner
    leaves it alone while the lock is held; a deleter killed half-way leaves a tree and an
    unlocked `.lock`, which the next clean-up removes."""
    root.init()
    temp = root.temp_dir
    old = temp / f"{KEY}.old-feed"
    (old / "lib").mkdir(parents=True)
    (old / "lib" / "f").write_text("x")
    os.chmod(old / "lib", 0o555)  # a read-only directory inside, as some builds ship
    with root.locked():
        remove_later(old)
    wait_for_removals(temp)
    assert os.listdir(temp) == []

    # A deleter still at work: its lock is held (here by a process that waits).
    busy = temp / f"{KEY}.old-busy"
    busy.mkdir()
    code = ("import fcntl, os, sys\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('locked', flush=True); sys.stdin.read()\n")
    holder = subprocess.Popen([sys.executable, "-c", code, f"{busy}.lock"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert root.clean_temp() == 0
        assert sorted(os.listdir(temp)) == [busy.name, f"{busy.name}.lock"]
    finally:
        holder.kill()
        holder.wait()
    assert root.clean_temp() == 2  # killed: the tree and its lock are leftovers now
    assert os.listdir(temp) == []


def test_kill_9_during_extraction_leaves_no_visible_install(tmp_path: Path, root: InstallRoot) -> None:
    made = archive(tmp_path)
    code = ("import sys, time; from pathlib import Path\n"
            "from pytui.core.install_root import InstallRoot\n"
            "from pytui.core.extract import extract_archive\n"
            "root = InstallRoot(Path(sys.argv[1]))\n"
            "with root.stage() as s:\n"
            "    extract_archive(Path(sys.argv[2]), s / 'x')\n"
            "    print('extracted', flush=True); time.sleep(30)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(root.path), str(made.path)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "extracted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert root.installed() == [] and len(os.listdir(root.temp_dir)) == 2
    assert root.clean_temp() == 2
    install(root, made, None)
    assert [i.key for i in root.installed()] == [KEY]
