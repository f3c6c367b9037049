"""The archive cache while another pytui works in it: `cache purge` and `cache verify` beside a
download in progress, run as real processes against the loopback server.

A `.part` that another process is writing (it holds `<name>.part.lock`) is that process's
download, not a leftover: a purge keeps it and says so, and the download goes on (here: it is
interrupted and resumed, to show its bytes were not lost). Each step waits for an observed event.
"""

from __future__ import annotations

import signal
import subprocess

from cli_harness import Pytui, Result, assert_installed, cache_name, wait_for
from fixtures_archives import MadeArchive

FOREVER = 3600.0
PATIENT = {"UV_HTTP_TIMEOUT": "3600", "PYTUI_HTTP_SPEED_LIMIT": "0"}


def finish(proc: subprocess.Popen[str]) -> Result:
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return Result([], proc.returncode, out, err)


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
        assert "being downloaded" in purge.stdout, str(purge)
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
