"""`pytui cache list` (and --json) on a `.part` whose lock another process holds: it said
`downloading NN%` of any holder, a bare `flock`, another purge and a `--no-cache` install (which
streams into its install, not into the `.part`) alike. Now `downloading` only where the holder's
record on the lock says so (core/turn_record.held_part_state, the rule `cache purge`'s kept line
and lock waits follow), else `locked`; --json keeps `"state": "partial"` (the file's state, as
ever) and adds `"lock_holder"`: the process /proc names and the activity its record vouches for.
Real holders (a plain flock in a child, a stalled download from the loopback server, a paused
purge, a stalled --no-cache install); waits on events."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from cli_harness import FOREVER, PATIENT, Pytui, finish, wait_for
from flock_holder import lock_held
from pytui.core.cache_locks import download_in_progress
from step_hook import paused_at, resume
from test_purge_kept_part_line import _records, _stopped_part


def _listed(pytui: Pytui, part: Path) -> tuple[str, str, dict]:
    """(its text row, the text's last line, its --json entry)."""
    text = pytui.run("cache", "list")
    assert text.returncode == 0 and text.stderr == "", str(text)
    [row] = [line for line in text.stdout.splitlines() if line.endswith(part.name)]
    listed = pytui.run("cache", "list", "--json")
    assert listed.returncode == 0, str(listed)
    [entry] = [e for e in json.loads(listed.stdout) if e["file"] == part.name]
    return row, text.stdout.splitlines()[-1], entry


def test_a_bare_flock_is_locked_not_downloading(pytui: Pytui) -> None:
    """Before: `downloading 1%` and `1 downloading`."""
    part = _stopped_part(pytui)
    lock = Path(f"{part}.lock")
    lock.touch()
    with lock_held(lock) as holder:
        row, last, entry = _listed(pytui, part)
        assert "  locked " in row and "downloading" not in row, row
        assert last.startswith("0 archives, 1 locked, ") and "downloading" not in last, last
        assert entry["state"] == "partial", entry  # the file's state, as before
        assert entry["lock_holder"]["activity"] is None, entry
        assert entry["lock_holder"]["process"].startswith(f"pid {holder.pid}: "), entry
    row, last, entry = _listed(pytui, part)  # let go: a stopped download again
    assert "  partial " in row and entry["lock_holder"] is None, (row, entry)
    assert last.startswith("0 archives, 1 partial, "), last


def test_a_stalled_download_is_downloading_and_names_its_process(pytui: Pytui) -> None:
    part = _stopped_part(pytui, stall_at=60_000, stall_seconds=FOREVER)
    if not _records(part):
        pytest.skip("this filesystem keeps no user extended attributes")
    install = pytui.popen("install", "3.12", **PATIENT)
    try:
        wait_for(lambda: download_in_progress(part), "the install to hold the lock", install)
        # Its record follows its lock: listed until the record is there (a bounded wait).
        wait_for(lambda: _listed(pytui, part)[2]["lock_holder"]["activity"] == "downloading",
                 "the install's record on the lock", install)
        row, last, entry = _listed(pytui, part)
        assert "  downloading " in row, row
        assert last.startswith("0 archives, 1 downloading, "), last
        assert entry["state"] == "partial", entry
        assert entry["lock_holder"]["process"].startswith(f"pid {install.pid}: "), entry
    finally:
        install.send_signal(signal.SIGINT)
        finish(install)


def test_a_paused_purge_holding_the_lock_is_locked_and_purging(pytui: Pytui) -> None:
    part = _stopped_part(pytui)
    if not _records(part):
        pytest.skip("this filesystem keeps no user extended attributes")
    purge = paused_at(pytui, "pathlib.Path/unlink", "cache", "purge", "--all",
                      when="str(args[0]).endswith('.part')")
    try:
        row, last, entry = _listed(pytui, part)
        assert "  locked " in row and "downloading" not in last, (row, last)
        assert entry["lock_holder"] == {"process": entry["lock_holder"]["process"], "activity": "purging"}, entry
        assert entry["lock_holder"]["process"].startswith(f"pid {purge.pid}: "), entry
    finally:
        code, _, err = resume(purge)
    assert code == 0, err


def test_a_no_cache_install_holding_the_lock_is_locked(pytui: Pytui) -> None:
    part = _stopped_part(pytui, stall_at=60_000, stall_seconds=FOREVER)
    if not _records(part):
        pytest.skip("this filesystem keeps no user extended attributes")
    install = pytui.popen("install", "--no-cache", "3.12", **PATIENT)
    try:
        wait_for(lambda: download_in_progress(part), "the --no-cache install to hold the lock", install)
        wait_for(lambda: _listed(pytui, part)[2]["lock_holder"]["activity"] is not None,
                 "the install's record on the lock", install)
        row, _, entry = _listed(pytui, part)
        assert "  locked " in row, row
        assert entry["lock_holder"]["activity"] == "installing with --no-cache", entry
        assert part.stat().st_size == 1000
    finally:
        install.send_signal(signal.SIGINT)
        finish(install)


def test_one_process_holding_many_parts_is_named_for_each(pytui: Pytui) -> None:
    """/proc/locks and the holder's command are read once for a listing
    (core/lock_holders.FlockTable), not once per held `.part`: every row still names it."""
    from pytui.core.cache_locks import held_parts
    from pytui.core.lock_holders import lock_holder
    from pytui.core.models import CachedArchive

    pytui.cache.mkdir(parents=True, exist_ok=True)
    parts = [pytui.cache / f"{i:09x}-cpython-3.12.{i}-20250115-x86_64-unknown-linux-gnu-install_only.tar.gz.part"
             for i in range(3)]
    for part in parts:
        part.write_bytes(b"x")
    with lock_held(*(Path(f"{p}.lock") for p in parts)) as holder:
        fd = os.open(f"{parts[0]}.lock", os.O_RDONLY)
        try:
            alone = lock_holder(fd)  # /proc/locks read for this one file
        finally:
            os.close(fd)
        archives = [CachedArchive(path=p, size=1, state="partial") for p in parts]
        found = held_parts(archives)
        assert alone is not None and alone.startswith(f"pid {holder.pid}: ")
        assert {name: h.words for name, h in found.items()} == {p.name: alone for p in parts}, found
