"""The archive cache while another pytui works in it: `cache purge` and `cache verify` beside a
download in progress, run as real processes against the loopback server.

A `.part` that another process is writing (it holds `<name>.part.lock`) is that process's
download, not a leftover: a purge keeps it and says so, and the download goes on (here: it is
interrupted and resumed, to show its bytes were not lost). Each step waits for an observed event.
"""

from __future__ import annotations

import os
import signal
import subprocess

from cli_harness import (
    FOREVER,
    PATIENT,
    Pytui,
    assert_installed,
    cache_name,
    finish,
    wait_for,
)
from fixtures_archives import MadeArchive

# A killed import's copy carries its writer's pid: one past Linux's largest pid_max, never running.
NO_SUCH_PID = 4_194_305


def _stalled_download(pytui: Pytui) -> tuple[MadeArchive, subprocess.Popen[str], str]:
    """`pytui install 3.12` in another process, its download stalled after 60,000 bytes."""
    made = pytui.add("3.12.8", payload=True, faults={"stall_at": 60_000, "stall_seconds": FOREVER})
    proc = pytui.popen("install", "3.12", **PATIENT)
    part = pytui.cache / (cache_name(made) + ".part")

    def holding() -> bool:
        try:
            return part.stat().st_size > 0 and part.with_name(part.name + ".lock").exists()
        except FileNotFoundError:
            return False

    wait_for(holding, "the other pytui to hold a .part", proc)
    return made, proc, part.name


def test_purge_all_keeps_a_part_another_pytui_is_downloading(pytui: Pytui) -> None:
    made, proc, part = _stalled_download(pytui)
    try:
        purge = pytui.run("cache", "purge", "--all")
        assert purge.returncode == 0, str(purge)
        assert "Traceback" not in purge.stderr
        assert part in pytui.cached(), "the purge removed a download in progress"
        assert f"kept {part}" in purge.stdout, str(purge)
        # The install recorded its mode on the lock where the filesystem keeps user attributes
        # (tests/test_purge_kept_part_line.py has the other holders).
        lock = pytui.cache / f"{part}.lock"
        try:
            recorded = os.getxattr(lock, "user.pytui.turn").startswith(b"trees ")
        except OSError:
            recorded = False
        said = ("another pytui process is downloading it now" if recorded
                else "another process holds its download lock")
        assert f"): {said} (pid {proc.pid}: " in purge.stdout, str(purge)
        assert f"removed {part}" not in purge.stdout
    finally:
        proc.send_signal(signal.SIGINT)
        done = finish(proc)
    assert done.returncode == 130, str(done)
    assert part in pytui.cached()  # resumable
    pytui.server.set_faults(made.url_path, stall_at=None)
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    assert pytui.server.requests_for(made.url_path)[-1].status == 206
    assert_installed(pytui, made)


def test_purge_by_name_keeps_a_part_being_downloaded_and_says_so(pytui: Pytui) -> None:
    _made, proc, part = _stalled_download(pytui)
    try:
        purge = pytui.run("cache", "purge", "3.12")
        assert part in pytui.cached()
        assert f"kept {part}" in purge.stdout, str(purge)
        assert "nothing to remove" not in purge.stdout
        dry = pytui.run("cache", "purge", "--all", "--dry-run")
        assert f"would remove {part}" not in dry.stdout, str(dry)
        assert f"kept {part}" in dry.stdout, str(dry)
    finally:
        proc.send_signal(signal.SIGINT)
        finish(proc)


def test_purge_all_removes_a_part_nobody_is_writing(pytui: Pytui) -> None:
    _made, proc, part = _stalled_download(pytui)
    proc.send_signal(signal.SIGINT)
    assert finish(proc).returncode == 130
    assert part in pytui.cached() and part + ".lock" not in pytui.cached()
    purge = pytui.run("cache", "purge", "--all")
    assert purge.returncode == 0, str(purge)
    assert f"removed {part}" in purge.stdout
    assert pytui.cached() == [], pytui.cached()
    assert "kept" not in purge.stdout


# -- cache import: killed, oversized -------------------------------------------------------------


def _hidden(pytui: Pytui) -> list[str]:
    return sorted(n for n in pytui.cached() if n.startswith(".import."))


def test_a_killed_import_leaves_a_temp_the_next_import_and_purge_remove(pytui: Pytui,
                                                                        tmp_path) -> None:
    """SIGTERM (or kill -9) ends `cache import` before its `finally`: the copy so far stayed in
    the cache dir under a hidden name that no command listed or removed (hundreds of MiB)."""
    made = pytui.add("3.12.8")
    big = tmp_path / "big.tar.gz"
    with open(big, "wb") as f:
        f.truncate(1 << 40)  # sparse: reading it never ends within the test
    proc = pytui.popen("cache", "import", str(big), PYTUI_MAX_ARCHIVE_BYTES=str(1 << 41))
    wait_for(lambda: _hidden(pytui), "the import to write its temporary copy", proc)
    proc.send_signal(signal.SIGTERM)
    assert finish(proc).returncode == -signal.SIGTERM
    assert _hidden(pytui), "the kill left the temporary copy (the case under test)"
    imported = pytui.run("cache", "import", str(made.path))
    assert imported.returncode == 0, str(imported)
    assert _hidden(pytui) == [], "the next import removes what a killed one left"
    # A leftover whose writer is gone is also removed by `cache purge --all`...
    leftover = pytui.cache / f".import.{NO_SUCH_PID}.feed.tmp"
    leftover.write_bytes(b"x" * 1000)
    purge = pytui.run("cache", "purge", "--all")
    assert purge.returncode == 0, str(purge)
    assert _hidden(pytui) == [], str(purge)
    assert "interrupted import" in purge.stdout, str(purge)


def test_an_import_removes_a_bounded_number_of_leftovers_and_purge_all_the_rest(pytui: Pytui) -> None:
    """A cache dir holding thousands of killed imports' copies (hostile, or long neglected) made
    each import list them all and try each one (an open and a lock): it looks at
    MAX_CLEANED_BY_IMPORT, `cache purge --all` removes the rest."""
    from pytui.core.cache_import import MAX_CLEANED_BY_IMPORT

    made = pytui.add("3.12.8")
    pytui.cache.mkdir(parents=True, exist_ok=True)
    many = MAX_CLEANED_BY_IMPORT * 50
    for i in range(many):
        (pytui.cache / f".import.{NO_SUCH_PID + i}.feed.tmp").write_bytes(b"x")
    imported = pytui.run("cache", "import", str(made.path))
    assert imported.returncode == 0, str(imported)
    assert len(_hidden(pytui)) == many - MAX_CLEANED_BY_IMPORT
    purge = pytui.run("cache", "purge", "--all")
    assert purge.returncode == 0, str(purge)
    assert _hidden(pytui) == []


def test_the_import_clean_up_looks_at_no_more_than_its_bound(tmp_path, monkeypatch) -> None:
    """Locked or not, no more than `limit` of the leftovers are opened and tried. (Four times
    the bound, among as many other names, shows it: 50 times made 6,400 files, seconds of a
    loaded suite; the thousands are the test above's, end to end.)"""
    from pytui.core import cache_import

    for i in range(cache_import.MAX_CLEANED_BY_IMPORT * 4):
        (tmp_path / f".import.{NO_SUCH_PID + i}.feed.tmp").write_bytes(b"x")
        (tmp_path / f"other-{i}.tar.gz").write_bytes(b"x")
    tried = []
    monkeypatch.setattr(cache_import, "try_lock", lambda fd: tried.append(fd) is not None)  # all live
    assert cache_import.remove_stale_imports(tmp_path, limit=cache_import.MAX_CLEANED_BY_IMPORT) == []
    assert len(tried) == cache_import.MAX_CLEANED_BY_IMPORT


def test_an_import_running_now_keeps_its_temp(pytui: Pytui, tmp_path) -> None:
    pytui.add("3.12.8")
    big = tmp_path / "big.tar.gz"
    with open(big, "wb") as f:
        f.truncate(1 << 40)
    proc = pytui.popen("cache", "import", str(big), PYTUI_MAX_ARCHIVE_BYTES=str(1 << 41))
    try:
        wait_for(lambda: _hidden(pytui), "the import to write its temporary copy", proc)
        purge = pytui.run("cache", "purge", "--all")
        assert purge.returncode == 0, str(purge)
        assert _hidden(pytui), "the purge removed the temporary copy of an import running now"
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGINT)
        finish(proc)
    assert _hidden(pytui) == []  # Ctrl-C: the import removes its own


def test_an_import_larger_than_any_archive_is_refused_before_reading(pytui: Pytui,
                                                                     tmp_path) -> None:
    pytui.add("3.12.8")
    big = tmp_path / "big.tar.gz"
    with open(big, "wb") as f:
        f.truncate(3 << 30)
    before = pytui.state()
    result = pytui.run("cache", "import", str(big))
    assert result.returncode == 1, str(result)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, str(result)
    assert str(big) in lines[0] and "3.0 GiB" in lines[0] and "PYTUI_MAX_ARCHIVE_BYTES" in lines[0]
    assert pytui.state() == before and _hidden(pytui) == []


def test_a_purge_names_a_bounded_number_of_leftovers_and_sums_up_the_rest(pytui: Pytui) -> None:
    """`cache purge --all` printed one line per leftover of killed runs: thousands of import
    copies and half-kept trees were thousands of lines. It names MAX_LEFTOVERS_NAMED, then one
    line for the rest, dry run and real run alike, and still removes them all."""
    from pytui.core.cache_purge import MAX_LEFTOVERS_NAMED

    pytui.add("3.12.8")
    trees = pytui.cache / "trees"
    trees.mkdir(parents=True)
    many = 1_500
    for i in range(many):
        (pytui.cache / f".import.{NO_SUCH_PID + i}.feed.tmp").write_bytes(b"x")
        (trees / f".tmp-{i:064x}-1-0").mkdir()
    rest = 2 * many - MAX_LEFTOVERS_NAMED
    for verb, args in (("would remove", ("--dry-run",)), ("removed", ())):
        purge = pytui.run("cache", "purge", "--all", *args)
        assert purge.returncode == 0, str(purge)
        lines = purge.stdout.splitlines()
        named = [line for line in lines if line.startswith(f"{verb} ") and "(left by " in line]
        assert len(named) == MAX_LEFTOVERS_NAMED, str(purge)
        assert f"{verb} {rest} more leftovers of killed runs (" in purge.stdout, str(purge)
        assert len(lines) == MAX_LEFTOVERS_NAMED + 2, str(purge)  # and what it frees
    assert _hidden(pytui) == [] and [p for p in trees.iterdir()] == []


def test_cache_list_tells_a_download_under_way_from_a_stopped_one(pytui: Pytui) -> None:
    """`cache list` called the `.part` another pytui was writing `partial 4%` and counted it
    `1 partial`, the word for a stopped download (`i` resumes it), where the Cached pane said
    `↓ 4%` and `1 downloading` and `cache purge` said it was being downloaded."""
    _made, proc, part = _stalled_download(pytui)
    try:
        listed = pytui.run("cache", "list")
        assert listed.returncode == 0, str(listed)
        (row,) = [line for line in listed.stdout.splitlines() if part in line]
        assert "  downloading " in row and "partial" not in row, row
        assert listed.stdout.splitlines()[-1].startswith("0 archives, 1 downloading, "), str(listed)
    finally:
        proc.send_signal(signal.SIGINT)
        done = finish(proc)
    assert done.returncode == 130, str(done)
    stopped = pytui.run("cache", "list")
    (row,) = [line for line in stopped.stdout.splitlines() if part in line]
    assert "  partial " in row, row
    assert stopped.stdout.splitlines()[-1].startswith("0 archives, 1 partial, "), str(stopped)
