"""core/install_root's lock: it excludes another process (pytui's, or a raw flock as uv takes
it), waits for a release, times out as UV_LOCK_TIMEOUT says, can be cancelled, is shared within
a process, and the real uv waits for pytui's."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fixtures_archives import write_uv_catalog
from fixtures_root import KEY, UV, archive, install, uv_env
from pytui.core.errors import Cancelled, UsageError
from pytui.core.install_root import InstallRoot, LockTimeout
from pytui.core.progress import CancelToken


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


def test_a_job_behind_another_waiting_for_the_lock_says_so(root: InstallRoot) -> None:
    """Two installs of one process behind uv's lock: the first said whom it waited for, the
    second nothing (the TUI showed it in `finish` with an empty bar). It says it waits behind
    another job, naming the same holder."""
    proc = holder(root.path, 60, "raw-flock")
    notes: dict[str, list[str]] = {"first": [], "second": []}
    said = {name: threading.Event() for name in notes}
    tokens = {name: CancelToken() for name in notes}

    def waiter(name: str) -> None:
        def on_wait(line: str) -> None:
            notes[name].append(line)
            said[name].set()
        with pytest.raises(Cancelled), InstallRoot(root.path, lock_timeout=60).locked(
                cancel=tokens[name], on_wait=on_wait):
            pass

    threads = {name: threading.Thread(target=waiter, args=(name,)) for name in notes}
    try:
        threads["first"].start()
        assert said["first"].wait(30), "the first waiter said nothing"
        threads["second"].start()
        assert said["second"].wait(30), "the second waiter said nothing"
    finally:
        for name in notes:
            tokens[name].cancel()
        for thread in threads.values():
            thread.join(30)
        proc.kill()
        proc.wait()
    assert notes["first"][0].startswith(f"waiting for the lock on {root.path} (held by pid {proc.pid}"), notes
    second = notes["second"]  # (then its own wait's, if it took the first's place before its cancel)
    assert second[0].startswith(f"waiting for the lock on {root.path} behind another job of this pytui "
                                f"(held by pid {proc.pid}: "), second
    assert "\n" not in second[0] and second[0].endswith("UV_LOCK_TIMEOUT)"), second


def test_a_job_behind_one_that_only_takes_a_while_says_nothing(root: InstallRoot, monkeypatch) -> None:
    """The in-process mutex held past a 50 ms turn by a job that is not waiting for the flock
    (a slow open, a loaded machine) is no wait to speak of: `behind another job` was said
    whenever the mutex was busy (review37). A small unit test: the mutex misses three turns."""

    class Contended:
        def __init__(self) -> None:
            self.misses = 3
            self.lock = threading.Lock()

        def acquire(self, timeout: float = -1) -> bool:
            if self.misses:
                self.misses -= 1
                return False
            return self.lock.acquire()

        def release(self) -> None:
            self.lock.release()

        def __enter__(self) -> bool:
            return self.lock.acquire()

        def __exit__(self, *exc: object) -> None:
            self.lock.release()

    contended = Contended()
    monkeypatch.setattr(root._lock, "acquiring", contended)
    notes: list[str] = []
    with root.locked(on_wait=notes.append):
        pass
    assert contended.misses == 0 and notes == []
