"""An install waiting behind a `pytui cache purge` that holds an archive's lock (removing a
stopped download's `.part`, core/cache_locks.unless_downloading) said the holder was
downloading the archive: a purge recorded no mode on the lock, as an install does since
70dc721 (the `user.pytui.turn` extended attribute, core/turn_record.py). The purge now records
`purge`, and the waiter says it waits for a purge. On a filesystem with no user attributes
(ramfs: tmpfs keeps them since Linux 6.6, and this kernel's does) nothing is recorded, and the
line said the purge was `downloading KEY`: it now names no activity, only that another process
holds the lock. A record a killed purge left on its lock file was read as the next holder's
(a process that records nothing: a listing's probe, another program, an older pytui): a record
now names its pid, and counts only when that process holds the lock. Real pytui processes
(tests/step_hook.py: the purge paused while it holds the lock, or killed there) on the loopback
server; waits on events. The three tests fail before."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_installed, cache_name, finish, reading_stderr, wait_for
from fixtures_fs import Mounts
from flock_holder import lock_held
from step_hook import killed_at, paused_at, resume

WAITS = "waiting for another pytui process that is "
WAITS_UNKNOWN = "waiting for another process that holds the lock on the archive of "
# Inside the purge's hold of a `.part`'s lock: the removal of its resume state, after the `.part`.
HELD = "pytui.core.cache_purge.unlink_quiet"


def _waits_behind_a_purge(pytui: Pytui, *install: str) -> tuple[str, int]:
    """A stopped download's `.part` in the cache, a `cache purge --all` paused while it holds
    the `.part`'s lock, and an install of that build (`install`: its options) run until it says
    it waits: its line, and the purge's pid. Both are then run to their end; the install
    downloads the build."""
    made = pytui.add("3.12.8")
    pytui.cache.mkdir(parents=True, exist_ok=True)
    (pytui.cache / (cache_name(made) + ".part")).write_bytes(made.path.read_bytes()[:1000])
    purge = paused_at(pytui, HELD, "cache", "purge", "--all", when="str(args[0]).endswith('.part.json')")
    two = pytui.popen("install", *install, "3.12")
    said, reader = reading_stderr(two)
    try:
        wait_for(lambda: any(line.startswith("waiting for another ") for line in said),
                 "the install's waiting line", two)
    finally:
        code, _, err = resume(purge)
    assert code == 0, err
    two.stderr = None
    ended = finish(two)
    reader.join(60)
    assert ended.returncode == 0, "".join(said)
    assert_installed(pytui, made)
    [line] = [line.rstrip("\n") for line in said if line.startswith("waiting for another ")]
    return line, purge.pid


def test_an_install_behind_a_purge_says_it_waits_for_a_purge(pytui: Pytui) -> None:
    line, pid = _waits_behind_a_purge(pytui)
    key = pytui.builds[0].key
    assert line.startswith(f"{WAITS}purging what a stopped download or a killed install of {key} left "
                           f"in the cache (pid {pid}: "), line
    assert line.endswith("; this install goes on with the cached archive if it is still there, else "
                         "downloads it itself, once it ends; Ctrl-C stops"), line


@pytest.fixture
def cache_on_ramfs(pytui: Pytui, mounts: Mounts) -> Path:
    """The cache dir a ramfs mount (no user extended attributes), unmounted after the test."""
    return mounts.ramfs(pytui.cache)


def test_with_no_user_attributes_the_line_names_no_activity(pytui: Pytui, cache_on_ramfs: Path) -> None:
    probe = cache_on_ramfs / "probe"
    probe.touch()
    with pytest.raises(OSError) as refused:
        os.setxattr(probe, "user.pytui.turn", b"purge")
    assert refused.value.errno in (errno.ENOTSUP, errno.EOPNOTSUPP)
    probe.unlink()
    # --no-cache: a ramfs says 0 B free, and a download into it is refused for want of space.
    line, pid = _waits_behind_a_purge(pytui, "--no-cache")
    key = pytui.builds[0].key
    assert line.startswith(f"{WAITS_UNKNOWN}{key} (pid {pid}: "), line
    assert line.endswith(".part.lock); this install goes on with the install it made, or the tree it keeps if "
                         "it keeps one, or the cached archive if there is one then, else downloads it itself, "
                         "once it ends; Ctrl-C stops"), line


def test_a_killed_purges_record_is_not_read_as_the_next_holders(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.cache.mkdir(parents=True, exist_ok=True)
    part = pytui.cache / (cache_name(made) + ".part")
    part.write_bytes(made.path.read_bytes()[:1000])
    killed_at(pytui, HELD, "cache", "purge", "--all", when="str(args[0]).endswith('.part.json')")
    lock = Path(f"{part}.lock")
    # The killed purge's lock file stays, its record on it (this filesystem keeps them).
    assert os.getxattr(lock, "user.pytui.turn").split(b" ")[0] == b"purge"
    # The next holder records nothing (another program; a listing's probe, an older pytui).
    with lock_held(lock) as holder:
        two = pytui.popen("install", "3.12")
        said, reader = reading_stderr(two)
        wait_for(lambda: any(line.startswith("waiting for another ") for line in said), "the waiting line", two)
    two.stderr = None
    ended = finish(two)
    reader.join(60)
    assert ended.returncode == 0, "".join(said)
    assert_installed(pytui, made)
    [line] = [line.rstrip("\n") for line in said if line.startswith("waiting for another ")]
    assert line.startswith(f"{WAITS_UNKNOWN}{made.build.key} (pid {holder.pid}: "), line
    assert "purging" not in line, line
