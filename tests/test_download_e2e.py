"""`pytui install` against hostile servers, a full disk and Ctrl-C, end to end: the CLI run as a
subprocess against the real loopback server. For every case: the exit code, the one line, and
that what was cached and installed before is byte-for-byte as it was.

Nothing here waits on time: the servers stall or trickle until told otherwise, the speed floor
is lowered through its documented variables, and each step waits for an observed event.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
from pathlib import Path

import pytest
from cli_harness import (
    FOREVER,
    PATIENT,
    Pytui,
    Result,
    assert_clean_failure,
    assert_installed,
    cache_name,
    finish,
    wait_for,
)
from fixtures_archives import MadeArchive, file
from fixtures_fs import Mounts


def sent(pytui: Pytui, made: MadeArchive) -> int:
    return sum(r.body_sent for r in pytui.server.requests_for(made.url_path))


def part_size(part: Path) -> int:
    try:
        return part.stat().st_size
    except FileNotFoundError:
        return 0


def parts(pytui: Pytui) -> list[str]:
    return [n for n in pytui.cached() if n.endswith(".part")]


def without(state: dict[str, tuple], *prefixes: Path) -> dict[str, tuple]:
    return {k: v for k, v in state.items() if not k.startswith(tuple(str(p) for p in prefixes))}


# -- Ctrl-C --------------------------------------------------------------------------------------


def _tgkill(pid: int, tid: int, sig: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if not hasattr(libc, "tgkill"):
        pytest.skip("this libc has no tgkill() to signal one thread")
    if libc.tgkill(pid, tid, sig) != 0:
        raise OSError(ctypes.get_errno(), "tgkill")


def interrupt(proc: subprocess.Popen[str], target: str) -> None:
    """SIGINT as a terminal sends it (to the process), or delivered to a worker thread only."""
    if target == "process":
        proc.send_signal(signal.SIGINT)
        return
    threads = [int(t) for t in os.listdir(f"/proc/{proc.pid}/task") if int(t) != proc.pid]
    assert threads, "no worker thread to signal"
    _tgkill(proc.pid, threads[0], signal.SIGINT)


def assert_interrupted(result: Result) -> None:
    assert result.returncode == 130, str(result)
    assert "Traceback" not in result.stderr, str(result)
    assert result.stderr.strip().splitlines()[-1].startswith("error: interrupted"), str(result)


@pytest.mark.parametrize("target", ["process", "worker-thread"])
def test_ctrl_c_stops_a_stalled_download_at_once_with_a_resumable_part(pytui: Pytui, baseline: MadeArchive,
                                                                       target: str) -> None:
    made = pytui.add("3.12.8", payload=True, faults={"stall_at": 60_000, "stall_seconds": FOREVER})
    before = pytui.state()
    proc = pytui.popen("install", "3.12", **PATIENT)
    part = pytui.cache / (cache_name(made) + ".part")
    # The first bytes received are flushed to the .part at once: then pytui holds some bytes.
    wait_for(lambda: sent(pytui, made) >= 60_000 and part_size(part), "the download to stall", proc)
    interrupt(proc, target)
    result = finish(proc)
    assert_interrupted(result)
    # Nothing partial: no stage left, no install, the baseline as it was; a .part to resume.
    assert pytui.temp_left() == [] and not os.path.lexists(pytui.root / made.build.key)
    assert without(pytui.state(), pytui.cache) == without(before, pytui.cache)
    assert parts(pytui) == [part.name]
    assert (pytui.cache / cache_name(baseline)).read_bytes() == baseline.path.read_bytes()
    kept = part.stat().st_size
    assert 0 < kept <= 60_000
    pytui.server.set_faults(made.url_path, stall_at=None)
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    last = pytui.server.requests_for(made.url_path)[-1]
    assert last.status == 206 and last.range is not None and last.range[0] == kept
    assert_installed(pytui, made)


def test_ctrl_c_stops_a_streamed_install_and_caches_nothing(pytui: Pytui, baseline: MadeArchive) -> None:
    made = pytui.add("3.12.8", payload=True, faults={"stall_at": 60_000, "stall_seconds": FOREVER})
    before = pytui.state()
    proc = pytui.popen("install", "--no-cache", "3.12", **PATIENT)
    wait_for(lambda: sent(pytui, made) >= 60_000, "the download to stall", proc)
    interrupt(proc, "process")
    result = finish(proc)
    assert_interrupted(result)
    assert result.stderr.strip().endswith("the same command again starts over (--no-cache kept no download)")
    assert pytui.temp_left() == [] and pytui.state() == before


def test_ctrl_c_during_the_retry_backoff(pytui: Pytui, baseline: MadeArchive) -> None:
    made = pytui.add("3.12.8", faults={"status": 503})
    before = pytui.state()
    proc = pytui.popen("install", "3.12", PYTUI_HTTP_BACKOFF="3600")
    wait_for(lambda: pytui.requests(made) >= 1, "the first (failed) request", proc)
    interrupt(proc, "process")
    assert_interrupted(finish(proc))
    assert pytui.temp_left() == [] and pytui.state() == before and pytui.requests(made) == 1


def test_ctrl_c_while_two_jobs_stall(pytui: Pytui, baseline: MadeArchive) -> None:
    a = pytui.add("3.12.8", payload=True, faults={"stall_at": 30_000, "stall_seconds": FOREVER})
    b = pytui.add("3.13.1", payload=True, faults={"stall_at": 30_000, "stall_seconds": FOREVER})
    proc = pytui.popen("install", "3.12", "3.13", **PATIENT)
    wait_for(lambda: all(part_size(pytui.cache / (cache_name(m) + ".part")) for m in (a, b)),
             "both downloads to receive bytes", proc)
    interrupt(proc, "worker-thread")
    assert_interrupted(finish(proc))
    assert pytui.temp_left() == []
    assert sorted(parts(pytui)) == sorted([cache_name(a) + ".part", cache_name(b) + ".part"])


# -- hostile servers -----------------------------------------------------------------------------


def test_an_endless_body_is_cut_at_the_cap(pytui: Pytui, baseline: MadeArchive) -> None:
    made = pytui.add("3.12.8", faults={"mode": "endless"})
    before = pytui.state()
    for flags in ([], ["--no-cache"]):
        result = pytui.run("install", *flags, "3.12", PYTUI_MAX_ARCHIVE_BYTES="2000000")
        line = assert_clean_failure(result)
        assert made.build.key in line and "more than 1.9 MiB" in line and "PYTUI_MAX_ARCHIVE_BYTES" in line, line
        assert pytui.state() == before and pytui.temp_left() == []


def test_a_gzip_bomb_is_never_inflated(pytui: Pytui, baseline: MadeArchive) -> None:
    made = pytui.add("3.12.8", faults={"mode": "gzip_bomb", "mode_args": {"inflated": 64 << 20}})
    before = pytui.state()
    for flags in ([], ["--no-cache"]):
        result = pytui.run("install", *flags, "3.12")
        line = assert_clean_failure(result)
        assert "sha256 mismatch" in line and made.build.key in line, line
        assert pytui.state() == before and pytui.temp_left() == []


def test_a_trickle_below_the_floor_is_retried_and_resumed(pytui: Pytui, baseline: MadeArchive) -> None:
    made = pytui.add("3.12.8", payload=True, faults={"rate": 500, "rate_times": 1})
    result = pytui.run("install", "3.12", PYTUI_HTTP_SPEED_LIMIT="20000", PYTUI_HTTP_SPEED_TIME="0.5")
    assert result.returncode == 0, str(result)
    assert_installed(pytui, made)
    assert pytui.server.resumed(made.url_path)


def test_a_trickle_that_never_heals_is_one_line(pytui: Pytui, baseline: MadeArchive) -> None:
    made = pytui.add("3.12.8", payload=True, faults={"rate": 500})
    before = pytui.state()
    result = pytui.run("install", "3.12", PYTUI_HTTP_SPEED_LIMIT="20000", PYTUI_HTTP_SPEED_TIME="0.5",
                       UV_HTTP_RETRIES="1")
    line = assert_clean_failure(result)
    assert "slower than 20000 bytes/s for 0.5 s" in line and "resumes" in line, line
    assert without(pytui.state(), pytui.cache) == without(before, pytui.cache)
    assert parts(pytui) == [cache_name(made) + ".part"]


def test_a_server_cutting_every_mebibyte_installs_in_one_run(pytui: Pytui, baseline: MadeArchive) -> None:
    big = file("lib/python3.12/big.bin", os.urandom(3 << 20))
    made = pytui.add("3.12.8", extra=[big], faults={"cut_at": 1 << 20, "cut_times": -1})
    result = pytui.run("install", "3.12", UV_HTTP_RETRIES="0")
    assert result.returncode == 0, str(result)
    assert_installed(pytui, made)
    assert pytui.requests(made) == -(-made.size // (1 << 20))


@pytest.mark.parametrize("state", ['{"total": "abc"}', '{"etag": 5}', '{"last_modified": ["x"]}', "{"])
def test_a_bad_part_state_never_sticks(pytui: Pytui, baseline: MadeArchive, state: str) -> None:
    made = pytui.add("3.12.8", payload=True)
    (pytui.cache / (cache_name(made) + ".part")).write_bytes(made.path.read_bytes()[:50_000])
    (pytui.cache / (cache_name(made) + ".part.json")).write_text(state)
    listed = pytui.run("cache", "list")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, str(listed)
    result = pytui.run("install", "3.12")
    assert result.returncode == 0, str(result)
    assert_installed(pytui, made)
    assert pytui.server.requests_for(made.url_path)[0].range_header is None
    assert pytui.cached() == sorted([cache_name(baseline), cache_name(made)])


@pytest.mark.parametrize(("name", "value"), [("UV_HTTP_TIMEOUT", "nan"), ("UV_HTTP_TIMEOUT", "-1"),
                                             ("UV_HTTP_CONNECT_TIMEOUT", "nan"), ("UV_HTTP_RETRIES", "-1")])
def test_an_invalid_environment_value_is_a_usage_error(pytui: Pytui, baseline: MadeArchive, name: str,
                                                       value: str) -> None:
    pytui.add("3.12.8")
    before = pytui.state()
    line = assert_clean_failure(pytui.run("install", "3.12", **{name: value}), 2)
    assert name in line and f"`{value}`" in line, line
    assert pytui.state() == before


# -- a full disk ---------------------------------------------------------------------------------


@pytest.fixture
def small_cache(pytui: Pytui, mounts: Mounts) -> Path:
    """The cache dir on an 8 MiB tmpfs (root only; skipped with the reason otherwise)."""
    return mounts.tmpfs(pytui.cache, "8m")


@pytest.mark.parametrize("declared", [True, False], ids=["size-declared", "size-undeclared"])
def test_a_download_that_fills_the_disk_leaves_it_as_it_was(pytui: Pytui, small_cache: Path,
                                                            baseline: MadeArchive, declared: bool) -> None:
    big = file("lib/python3.12/big.bin", os.urandom(9 << 20))
    made = pytui.add("3.12.8", extra=[big], faults={} if declared else {"content_length": False})
    before = pytui.state()
    free_before = os.statvfs(small_cache).f_bfree
    result = pytui.run("install", "3.12")
    line = assert_clean_failure(result)
    assert "not enough space in" in line and str(small_cache) in line and made.build.key in line, line
    assert "partial download was removed" in line, line
    if declared:
        # Refused before the first byte, naming the size the archive needs.
        assert f"({made.size} bytes)" in line, line
        assert sum(r.body_sent for r in pytui.server.requests_for(made.url_path)) < made.size
    assert pytui.state() == before and pytui.temp_left() == []
    assert os.statvfs(small_cache).f_bfree == free_before


def test_ctrl_c_mid_extraction_of_a_stream_leaves_nothing(pytui: Pytui, baseline: MadeArchive) -> None:
    # The members before the stall point are extracted while the server holds the rest for good.
    many = [file(f"lib/python3.12/many/m{i}.py", os.urandom(2000).hex()) for i in range(200)]
    made = pytui.make("3.12.8", payload=True, extra=many)
    made = pytui.serve(made, stall_at=made.size - 20_000, stall_seconds=FOREVER)
    before = pytui.state()
    proc = pytui.popen("install", "--no-cache", "3.12", **PATIENT)
    wait_for(lambda: pytui.staged_files(), "extracted files in the stage", proc)
    interrupt(proc, "worker-thread")
    assert_interrupted(finish(proc))
    assert pytui.temp_left() == [] and pytui.state() == before


def test_ctrl_c_mid_extraction_from_the_cache_is_never_partial(pytui: Pytui, baseline: MadeArchive) -> None:
    many = [file(f"lib/python3.12/many/m{i}.py", f"x = {i}\n") for i in range(1500)]
    made = pytui.add("3.12.8", extra=many)
    pytui.call("install", "3.12")
    pytui.call("uninstall", "3.12")
    before = pytui.state()
    proc = pytui.popen("install", "3.12", PYTUI_NO_TREES="1")
    wait_for(lambda: pytui.staged_files() or proc.poll() is not None, "extracted files in the stage")
    interrupt(proc, "process")
    result = finish(proc)
    if result.returncode == 0:
        pytest.skip("the install finished before the signal arrived")
    assert_interrupted(result)
    prefix = pytui.root / made.build.key
    # Either the commit's rename happened before the signal (a complete install) or nothing did.
    if os.path.lexists(prefix):
        assert_installed(pytui, made)
    else:
        assert pytui.state() == before
    assert pytui.temp_left() == []
