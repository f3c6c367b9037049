"""A download killed while it held `<archive>.part.lock` (SIGKILL before its first byte, or
between the archive's rename and the lock's removal) left the lock file in the cache dir for
good, listed nowhere and removed by nothing. `pytui cache list` counts it with the leftovers of
killed runs, and `cache purge --all` (and `cache verify`) removes it, never one a process
holds (a download connecting: no `.part` yet), never one beside a `.part` (that stopped
download's), never a name uv uses in a shared UV_PYTHON_CACHE_DIR. The killed and the live
holders are real processes taking the lock as a download takes it (core/cache_locks.exclusive).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from cli_harness import Pytui, cache_name
from pytui.core.cache_locks import download_in_progress

HOLD = ("import sys\nfrom pathlib import Path\nfrom pytui.core.cache_locks import exclusive\n"
        "from pytui.core.progress import CancelToken\n"
        "with exclusive(Path(sys.argv[1]), CancelToken(), 'a download'):\n"
        "    print('locked', flush=True)\n    sys.stdin.read()\n")


def _holder(lock: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(lock)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    return child


def _killed_holder(lock: Path) -> None:
    child = _holder(lock)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert lock.is_file()  # its `finally` never ran


def test_an_orphan_lock_is_listed_and_purged_and_a_held_one_is_kept(pytui: Pytui) -> None:
    orphan_of = cache_name(pytui.add("3.12.8"))
    held_of = cache_name(pytui.add("3.13.1"))
    stopped_of = cache_name(pytui.add("3.11.11"))
    pytui.cache.mkdir(parents=True)
    orphan = pytui.cache / f"{orphan_of}.part.lock"
    _killed_holder(orphan)
    held = pytui.cache / f"{held_of}.part.lock"
    holder = _holder(held)
    (pytui.cache / f"{stopped_of}.part").write_bytes(b"x" * 10)  # a stopped download and its lock
    _killed_holder(pytui.cache / f"{stopped_of}.part.lock")
    # uv's names in a shared cache dir, and a lock of no archive's name: never pytui's to take.
    (pytui.cache / ".tmpAbC123").mkdir()
    (pytui.cache / ".tmpAbC123" / "download").write_bytes(b"uv")
    (pytui.cache / ".lock").write_bytes(b"")
    (pytui.cache / "notes.part.lock").write_bytes(b"")
    held_inode = held.stat().st_ino
    try:
        listed = pytui.run("cache", "list")
        assert listed.returncode == 0, str(listed)
        assert "1 leftover of killed runs (0 B), an empty lock file: removed by the next install that " \
               "downloads or unpacks its archive, by a purge of that archive, `pytui cache verify` or " \
               "`pytui cache purge --all`" in listed.stdout, str(listed)
        preview = pytui.run("cache", "purge", "--all", "--dry-run")
        said = f"{orphan.name} (left by a killed download or install, its lock: no process holds it"
        assert f"would remove {said}" in preview.stdout, str(preview)
        assert held.name not in preview.stdout and f"{stopped_of}.part.lock" not in preview.stdout
        assert orphan.is_file()
        purged = pytui.run("cache", "purge", "--all")
        assert purged.returncode == 0, str(purged)
        assert f"removed {said}" in purged.stdout, str(purged)
        assert not orphan.exists()
        # The held lock is still the one its holder holds.
        assert held.stat().st_ino == held_inode and download_in_progress(pytui.cache / f"{held_of}.part")
        assert sorted(os.listdir(pytui.cache)) == sorted([
            ".lock", ".tmpAbC123", "notes.part.lock", held.name]), os.listdir(pytui.cache)
        assert (pytui.cache / ".tmpAbC123" / "download").read_bytes() == b"uv"
        again = pytui.run("cache", "list")
        assert "leftover" not in again.stdout, str(again)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
    assert not held.exists()  # its holder removed it, as a download does


def test_verify_removes_an_orphan_lock_and_an_install_goes_on_beside_one(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.cache.mkdir(parents=True)
    orphan = pytui.cache / f"{cache_name(made)}.part.lock"
    _killed_holder(orphan)
    installed = pytui.run("install", "3.12")
    assert installed.returncode == 0, str(installed)
    assert not orphan.exists()  # the download took it and removed it, as it removes its own
    _killed_holder(orphan)
    verified = pytui.run("cache", "verify")
    assert verified.returncode == 0, str(verified)
    assert not orphan.exists() and pytui.cached() == [cache_name(made)]
