"""The line of a purge that keeps a `.part` because another process holds its lock
(`<name>.part.lock`) names what that process does only when the process recorded it on the
lock (core/turn_record.py, as a wait for that lock does since 4111865): it said "it is being
downloaded by another pytui process now" of any holder, also a bare `flock`, another purge,
a `--no-cache` install (which streams into its install, not into the `.part`), or a holder
whose record a killed run left. Real processes hold the lock (a pytui paused at a step,
tests/step_hook.py, or a plain flock); the `.part` stays each time. Waits on events."""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

import pytest
from cli_harness import FOREVER, PATIENT, Pytui, cache_name, finish, wait_for
from flock_holder import lock_held
from pytui.core.cache_locks import download_in_progress
from step_hook import paused_at, resume

# One past Linux's largest pid_max: a record's pid that never runs (a killed install's).
NO_SUCH_PID = 4_194_305


def _stopped_part(pytui: Pytui, **faults: object) -> Path:
    """A stopped download's `.part` (1,000 bytes) in the cache of 3.12.8, served with `faults`."""
    made = pytui.add("3.12.8", payload=True, faults=faults)
    pytui.cache.mkdir(parents=True, exist_ok=True)
    part = pytui.cache / (cache_name(made) + ".part")
    part.write_bytes(made.path.read_bytes()[:1000])
    return part


def _records(path: Path) -> bool:
    """Whether the filesystem of `path` keeps user extended attributes (the holder's record)."""
    try:
        os.setxattr(path, "user.pytui.probe", b"1")
    except OSError as err:
        if err.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return False
        raise
    os.removexattr(path, "user.pytui.probe")
    return True


def _kept(stdout: str, part: Path) -> str:
    [line] = [line for line in stdout.splitlines() if line.startswith(f"kept {part.name} (")]
    return line


@pytest.mark.parametrize("record", [None, f"trees {NO_SUCH_PID}", "purge 1"],
                         ids=["none", "a-killed-installs", "another-pids"])
def test_a_holder_that_records_nothing_of_its_own_is_named_without_an_activity(
        pytui: Pytui, record: str | None) -> None:
    """Before: `kept NAME (…): it is being downloaded by another pytui process now; …`."""
    part = _stopped_part(pytui)
    lock = Path(f"{part}.lock")
    lock.touch()
    if record is not None:
        if not _records(lock):
            pytest.skip("this filesystem keeps no user extended attributes")
        os.setxattr(lock, "user.pytui.turn", record.encode())
    with lock_held(lock) as holder:
        for dry in ((), ("--dry-run",)):
            purge = pytui.run("cache", "purge", "--all", *dry)
            assert purge.returncode == 0 and purge.stderr == "", str(purge)
            line = _kept(purge.stdout, part)
            assert f": another process holds its download lock (pid {holder.pid}: " in line, line
            assert line.endswith(f"; {lock.name}) and records nothing of what it does there; purge "
                                 "again once that process ends"), line
            assert "download" not in line.split("holds its")[0] and "purging" not in line, line
            assert part.stat().st_size == 1000


def test_a_part_another_purge_holds_says_purging(pytui: Pytui) -> None:
    """A purge paused with the `.part`'s lock held, just before it removes the `.part`."""
    part = _stopped_part(pytui)
    if not _records(part):
        pytest.skip("this filesystem keeps no user extended attributes")
    first = paused_at(pytui, "pathlib.Path/unlink", "cache", "purge", "--all",
                      when="str(args[0]).endswith('.part')")
    try:
        second = pytui.run("cache", "purge", "--all")
        assert second.returncode == 0, str(second)
        line = _kept(second.stdout, part)
        assert f": another pytui process is purging it now (pid {first.pid}: " in line, line
        assert line.endswith("; once that purge ends, purge again if it is still listed"), line
        assert part.exists()
    finally:
        code, _, err = resume(first)
    assert code == 0, err
    assert not part.exists()


def test_a_no_cache_install_holding_the_lock_is_not_said_to_download_into_the_part(pytui: Pytui) -> None:
    """`install --no-cache` streams the archive into its install: the `.part` a stopped
    download left is not what it writes."""
    part = _stopped_part(pytui, stall_at=60_000, stall_seconds=FOREVER)
    if not _records(part):
        pytest.skip("this filesystem keeps no user extended attributes")
    install = pytui.popen("install", "--no-cache", "3.12", **PATIENT)
    try:
        wait_for(lambda: download_in_progress(part), "the --no-cache install to hold the lock", install)
        purge = pytui.run("cache", "purge", "--all")
        assert purge.returncode == 0, str(purge)
        line = _kept(purge.stdout, part)
        assert f": another pytui process installing it with --no-cache holds its lock (pid {install.pid}: " \
            in line, line
        assert "streams the download into its install, not into this file" in line, line
        assert part.stat().st_size == 1000
    finally:
        install.send_signal(signal.SIGINT)
        finish(install)
