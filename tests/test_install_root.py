"""core/install_root: uv's layout, the shared lock (also against the real uv), atomic commit, links,
uninstall, clean-up of killed runs, and an end-to-end install of this interpreter found by uv."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import pytui.core.install_root as install_root_module
from fixtures_archives import MadeArchive, make_pbs_archive, write_uv_catalog
from pytui.core.errors import Cancelled, InstallError, UsageError
from pytui.core.extract import extract_archive
from pytui.core.install_root import InstallRoot, LockTimeout, is_upgrade_of
from pytui.core.keys import parse_key
from pytui.core.progress import CancelToken
from pytui.core.root_tree import remove_later, wait_for_removals

UV = Path(sys.executable).parent / "uv"
KEY = "cpython-3.12.8-linux-x86_64-gnu"
MINOR = "cpython-3.12-linux-x86_64-gnu"
REPO = Path(__file__).resolve().parent.parent


def install(root: InstallRoot, made: MadeArchive, bin_dir: Path | None, **kwargs: object):
    with root.stage() as stage:
        prefix = extract_archive(made.path, stage / "x")
        return root.commit(made.build, prefix, bin_dir=bin_dir, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def root(tmp_path: Path) -> InstallRoot:
    return InstallRoot(tmp_path / "root")


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    return tmp_path / "bin"


def archive(tmp_path: Path, version: str = "3.12.8", build_date: str = "20250115", **kwargs: object) -> MadeArchive:
    return make_pbs_archive(tmp_path / "archives" / f"{version}-{build_date}", version=version,
                            build_date=build_date, **kwargs)  # type: ignore[arg-type]


def holder(root: Path, seconds: float, how: str = "pytui") -> subprocess.Popen[str]:
    """Another process holding the root lock: through InstallRoot, or a raw flock as uv takes it."""
    if how == "pytui":
        code = ("import sys, time; from pathlib import Path; from pytui.core.install_root import InstallRoot\n"
                "with InstallRoot(Path(sys.argv[1])).locked():\n"
                "    print('locked', flush=True); time.sleep(float(sys.argv[2]))\n")
    else:
        code = ("import fcntl, os, sys, time\n"
                "os.makedirs(sys.argv[1], exist_ok=True)\n"
                "fd = os.open(os.path.join(sys.argv[1], '.lock'), os.O_RDWR | os.O_CREAT, 0o666)\n"
                "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(float(sys.argv[2]))\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(root), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


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
    assert installation.extra["executables"] == str(bin_dir / "python3.12")
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
    assert freed == size
    assert not (root.path / "cpython-3.12.8-linux-x86_64-gnu").exists()
    assert os.readlink(root.path / MINOR).endswith("cpython-3.12.7-linux-x86_64-gnu")
    # As uv: the bin link resolved to the removed install, so it went; others stay.
    assert sorted(os.listdir(bin_dir)) == ["unrelated"]
    root.uninstall("cpython-3.12.7-linux-x86_64-gnu", bin_dir=bin_dir)
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
    install(root, archive(tmp_path, "3.12.8"), bin_dir, on_warning=warnings.append)
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


# -- the lock ---------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["pytui", "raw-flock"])
def test_lock_excludes_another_process(tmp_path: Path, root: InstallRoot, how: str) -> None:
    proc = holder(root.path, 30, how)
    try:
        waits: list[str] = []
        slow = InstallRoot(root.path, lock_timeout=0.3)
        with pytest.raises(LockTimeout) as info, slow.locked(on_wait=waits.append):
            pass
        message = str(info.value)
        assert "\n" not in message and str(root.lock_path) in message and "UV_LOCK_TIMEOUT" in message
        assert len(waits) == 1
    finally:
        proc.kill()
        proc.wait()
    with InstallRoot(root.path, lock_timeout=5).locked():
        pass


def test_lock_waits_for_release(root: InstallRoot) -> None:
    proc = holder(root.path, 0.5)
    try:
        started = time.monotonic()
        with InstallRoot(root.path, lock_timeout=30).locked():
            waited = time.monotonic() - started
        assert waited > 0.2
    finally:
        proc.wait()


def test_lock_timeout_from_env(root: InstallRoot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UV_LOCK_TIMEOUT", "7")
    assert root.lock_timeout == 7
    monkeypatch.setenv("UV_LOCK_TIMEOUT", "junk")
    with pytest.raises(UsageError, match="UV_LOCK_TIMEOUT` with invalid value `junk`"):
        root.lock_timeout  # noqa: B018 - the property reads the variable
    monkeypatch.delenv("UV_LOCK_TIMEOUT")
    assert root.lock_timeout == 300


def test_lock_wait_can_be_cancelled(root: InstallRoot) -> None:
    proc = holder(root.path, 30)
    try:
        token = CancelToken()
        threading.Timer(0.2, token.cancel).start()
        with pytest.raises(Cancelled), InstallRoot(root.path, lock_timeout=30).locked(cancel=token):
            pass
    finally:
        proc.kill()
        proc.wait()


def test_lock_is_shared_within_the_process(root: InstallRoot) -> None:
    other = InstallRoot(root.path)
    done = threading.Event()
    with root.locked():
        with other.locked():  # nested: same process, no self-deadlock
            pass

        def in_thread() -> None:
            with InstallRoot(root.path, lock_timeout=5).locked():
                done.set()

        thread = threading.Thread(target=in_thread)
        thread.start()
        thread.join(5)
        assert done.is_set()
        assert root.lock_held
    assert not root.lock_held
    # Released for real: another process gets it at once.
    proc = holder(root.path, 0)
    proc.wait()


@pytest.mark.skipif(not UV.exists(), reason="uv is not installed beside the interpreter")
def test_real_uv_waits_for_pytui_lock(tmp_path: Path, root: InstallRoot, bin_dir: Path) -> None:
    made = archive(tmp_path, "3.12.8")
    install(root, made, None)
    sysconfig_file = root.path / KEY / "lib/python3.12/_sysconfigdata__linux_x86_64-linux-gnu.py"
    before = sysconfig_file.read_bytes()
    catalog = write_uv_catalog(tmp_path / "catalog.json", [made.build])
    env = uv_env(tmp_path, root, catalog)
    # A short timeout: uv must fail with its lock-timeout error while pytui holds the lock.
    with root.locked():
        result = subprocess.run([str(UV), "python", "install", "3.12.8", "--no-bin"],
                                env={**env, "UV_LOCK_TIMEOUT": "1"}, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "Timeout" in result.stderr and ".lock" in result.stderr, result.stderr
    # A long timeout: uv waits while the lock is held, then proceeds once it is released.
    with root.locked():
        proc = subprocess.Popen([str(UV), "python", "install", "3.12.8", "--no-bin"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        assert proc.poll() is None, "uv did not wait for pytui's lock"
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    # uv re-ran its fix-ups on pytui's install: the result is byte-identical.
    assert sysconfig_file.read_bytes() == before


def tree(path: Path, root: Path) -> dict[str, tuple]:
    """Entries under `path` with `root` written as ROOT: kind, link target or (content, mode)."""
    out: dict[str, tuple] = {}
    for base, dirs, files in os.walk(path):
        for name in dirs + files:
            full = os.path.join(base, name)
            rel = os.path.relpath(full, path)
            if os.path.islink(full):
                out[rel] = ("link", os.readlink(full).replace(str(root), "ROOT"))
            elif os.path.isdir(full):
                out[rel] = ("dir",)
            else:
                data = Path(full).read_bytes().replace(str(root).encode(), b"ROOT")
                out[rel] = ("file", data, oct(os.stat(full).st_mode))
    return out


@pytest.mark.skipif(not UV.exists(), reason="uv is not installed beside the interpreter")
def test_same_tree_as_uv(tmp_path: Path) -> None:
    """uv installs an archive from its cache, pytui the same archive: identical roots and links."""
    made = archive(tmp_path, "3.12.8", with_python_link=False, long_names=True)
    cache = tmp_path / "cache"
    cache.mkdir()
    os.link(made.path, cache / made.build.cache_filename)
    catalog = write_uv_catalog(tmp_path / "catalog.json", [made.build])
    uv_root = InstallRoot(tmp_path / "uv-root")
    env = {**uv_env(tmp_path, uv_root, catalog), "UV_PYTHON_CACHE_DIR": str(cache)}
    result = subprocess.run([str(UV), "python", "install", "3.12"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    ours = InstallRoot(tmp_path / "pytui-root")
    install(ours, made, tmp_path / "pytui-bin")
    assert tree(ours.path, ours.path) == tree(uv_root.path, uv_root.path)
    assert os.readlink(tmp_path / "pytui-bin" / "python3.12").replace(str(ours.path), "ROOT") == \
        os.readlink(tmp_path / "uv-bin" / "python3.12").replace(str(uv_root.path), "ROOT")


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


# -- end to end: this interpreter, then uv finds it -------------------------------------------


def uv_env(tmp_path: Path, root: InstallRoot, catalog: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    env.update({
        "UV_PYTHON_INSTALL_DIR": str(root.path), "UV_NO_CONFIG": "1", "UV_OFFLINE": "1",
        "UV_PYTHON_DOWNLOADS_JSON_URL": str(catalog), "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "UV_PYTHON_BIN_DIR": str(tmp_path / "uv-bin"), "UV_NO_PROGRESS": "1",
    })
    return env


@pytest.mark.slow
def test_end_to_end_this_interpreter(tmp_path: Path, root: InstallRoot, bin_dir: Path,
                                     base_prefix_archive: MadeArchive) -> None:
    made = base_prefix_archive
    installation = install(root, made, bin_dir)
    key = made.build.key
    assert installation.key == key
    prefix = root.path / key
    code = ("import sysconfig, ssl, sqlite3; print(sysconfig.get_config_var('prefix')); "
            "print(sysconfig.get_config_var('LIBDIR')); print(sysconfig.get_config_var('PYTHON_BUILD_STANDALONE'))")
    result = subprocess.run([prefix / "bin" / "python3", "-c", code], capture_output=True, text=True,
                            env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(prefix), f"{prefix}/lib", "1"]
    mm = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert os.readlink(prefix / "bin" / "python") == f"python{mm}"
    assert (prefix / f"lib/python{mm}/EXTERNALLY-MANAGED").is_file()
    through_link = subprocess.run([bin_dir / f"python{mm}", "-c", "import sys; print(sys.prefix)"],
                                  capture_output=True, text=True, timeout=60)
    assert through_link.stdout.strip() in (str(prefix), str(root.path / parse_minor(key)))

    if not UV.exists():
        pytest.skip("uv is not installed beside the interpreter")
    catalog = write_uv_catalog(tmp_path / "catalog.json", [made.build])
    env = uv_env(tmp_path, root, catalog)
    listed = subprocess.run([str(UV), "python", "list", "--only-installed", "--managed-python",
                             "--output-format", "json"], env=env, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [row["key"] for row in rows] == [key]
    assert rows[0]["path"].startswith(str(root.path))
    found = subprocess.run([str(UV), "python", "find", mm, "--managed-python"], env=env,
                           capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    path = found.stdout.strip()
    assert path.startswith(str(root.path))
    ran = subprocess.run([path, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True,
                         text=True, timeout=60)
    assert ran.stdout.strip() == str(sys.version_info[:2])
    uv_run = subprocess.run([str(UV), "run", "--no-project", "--managed-python", "-p", mm, "python", "-c",
                             "import sys; print(sys.base_prefix)"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert uv_run.returncode == 0, uv_run.stderr
    assert uv_run.stdout.strip().startswith(str(root.path))


def parse_minor(key: str) -> str:
    from pytui.core.install_root import minor_key

    parts = parse_key(key)
    assert parts is not None
    return minor_key(parts)
