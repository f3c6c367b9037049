"""`pytui install` / `pytui uninstall` end to end: the CLI run as a subprocess against archives served
from a real loopback HTTP server, into an isolated install root, cache dir and bin dir.

Covers uv's layout after an install, reinstall, --no-cache, -j and de-duplication, a real
interpreter made from this one's prefix, offline installs (uv's wording, no socket), every server
fault ending in a resumed download or one clear line with the cache and root as they were,
corrupt cached archives, kill -9 mid-extraction, two processes at once, malicious archives and
exit codes. Interop with the real uv is in test_uv_interop.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_harness import (
    ARCH,
    LIBC,
    OS,
    Pytui,
    Result,
    assert_clean_failure,
    assert_installed,
    cache_name,
    minor_of,
    snapshot,
)
from fixtures_archives import MadeArchive, file, make_build
from fixtures_http import FaultyHTTPServer


@pytest.fixture
def pytui(tmp_path: Path, http_server: FaultyHTTPServer) -> Pytui:
    archives = tmp_path / "archives"
    archives.mkdir()
    return Pytui(tmp_path, http_server, archives)


# -- install, already installed, reinstall --------------------------------------------------------


def test_install_then_already_installed_then_reinstall(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    key = made.build.key
    first = pytui.run("install", "3.12")
    assert first.returncode == 0, str(first)
    assert f" + {key}" in first.stderr and "Installed Python 3.12.8 in " in first.stderr
    # The archive landed in the cache under uv's name, verified, with nothing else beside it.
    assert pytui.cached() == [cache_name(made)]
    assert (pytui.cache / cache_name(made)).read_bytes() == made.path.read_bytes()
    prefix = assert_installed(pytui, made)
    minor = pytui.root / minor_of("3.12.8")
    assert os.readlink(minor) == str(prefix)
    link = pytui.bin / "python3.12"
    assert os.readlink(link) == str(minor / "bin" / "python3.12")
    assert subprocess.run([link], capture_output=True, text=True).stdout.strip() == "Python 3.12.8"
    assert (pytui.root / ".gitignore").read_text() == "*" and (pytui.root / ".lock").is_file()
    assert pytui.temp_left() == [] and pytui.requests(made) == 1

    before = pytui.state()
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    assert f"Python 3.12 is already installed ({key})" in again.stderr and "Installed" not in again.stderr
    assert pytui.state() == before and pytui.requests(made) == 1

    inode = (prefix / "BUILD").stat().st_ino
    re = pytui.run("install", "--reinstall", key)
    assert re.returncode == 0, str(re)
    assert f" ~ {key}" in re.stderr
    assert pytui.requests(made) == 1  # the cached archive was reused
    assert (prefix / "BUILD").stat().st_ino != inode  # a fresh tree was swapped in
    assert_installed(pytui, made)
    assert os.readlink(link) == str(minor / "bin" / "python3.12")
    assert pytui.temp_left() == [] and pytui.cached() == [cache_name(made)]


def test_already_installed_restores_missing_links_and_cleans_temp(pytui: Pytui) -> None:
    """As uv does for satisfied installs: links a killed run left out come back; a run with
    nothing to install still cleans `.temp/` of killed runs."""
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    minor, link = pytui.root / minor_of("3.12.8"), pytui.bin / "python3.12"
    expected = (os.readlink(minor), os.readlink(link))
    minor.unlink()
    link.unlink()
    leftover = pytui.root / ".temp" / "pytui-1-dead"
    (leftover / "x").mkdir(parents=True)
    (leftover / "x" / "f").write_text("half")
    result = pytui.run("install", "3.12")
    assert result.returncode == 0 and "already installed" in result.stderr, str(result)
    assert (os.readlink(minor), os.readlink(link)) == expected
    assert pytui.temp_left() == [] and pytui.requests(made) == 1


def test_install_no_bin_and_flags_for_dirs(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    other_root, other_cache = pytui.tmp / "r2", pytui.tmp / "c2"
    result = pytui.run("install", "--no-bin", "--install-dir", str(other_root), "--cache-dir", str(other_cache),
                       "--downloads-json", str(pytui.catalog), made.build.key)
    assert result.returncode == 0, str(result)
    assert (other_root / made.build.key / "BUILD").is_file() and not pytui.root.exists()
    assert sorted(os.listdir(other_cache)) == [cache_name(made), "trees"] and not pytui.cache.exists()
    assert not pytui.bin.exists()


def test_no_cache_installs_verified_and_leaves_the_cache_empty(pytui: Pytui) -> None:
    made = pytui.add("3.12.8", payload=True)
    result = pytui.run("install", "--no-cache", "3.12.8")
    assert result.returncode == 0, str(result)
    assert_installed(pytui, made)
    assert pytui.cached() == [] and pytui.temp_left() == []


@pytest.mark.skipif(shutil.which("zstd") is None, reason="no zstd binary on PATH")
def test_verbose_says_what_unpacked_a_tar_zst(pytui: Pytui) -> None:
    made = pytui.add("3.12.8", payload=True, kind="tar.zst")
    result = pytui.run("install", "--no-cache", "-v", "3.12.8")
    assert result.returncode == 0, str(result)
    assert_installed(pytui, made)
    assert "unpacked by" in result.stderr and "zstd -d (a separate process)" in result.stderr, result.stderr
    result = pytui.run("install", "--reinstall", "--verbose", "3.12.8", PYTUI_ZSTD="0", PYTUI_NO_TREES="1")
    assert result.returncode == 0, str(result)
    assert "unpacked by zstandard (in-process)" in result.stderr, result.stderr


@pytest.mark.skipif(shutil.which("zstd") is None, reason="no zstd binary on PATH")
def test_no_cache_tar_zst_from_a_corrupt_server_installs_nothing(pytui: Pytui) -> None:
    # The zstd child sees corrupt data first; the line still names the real cause.
    made = pytui.add("3.12.8", payload=True, kind="tar.zst", faults={"corrupt": True})
    result = pytui.run("install", "--no-cache", "3.12.8")
    line = assert_clean_failure(result)
    assert made.build.key in line and "sha256 mismatch" in line, line
    assert not (pytui.root / made.build.key).exists() and pytui.temp_left() == []


def test_no_cache_from_a_corrupt_server_installs_nothing(pytui: Pytui) -> None:
    made = pytui.add("3.12.8", payload=True, faults={"corrupt": True})
    pytui.add("3.11.9")
    pytui.call("install", "3.11")
    before = pytui.state()
    result = pytui.run("install", "--no-cache", "3.12.8")
    line = assert_clean_failure(result)
    assert made.build.key in line and "sha256 mismatch" in line and made.sha256 in line, line
    assert pytui.state() == before
    assert not (pytui.root / made.build.key).exists() and pytui.temp_left() == []


def test_several_requests_run_as_jobs_and_one_key_is_one_job(pytui: Pytui) -> None:
    made = [pytui.add(v, payload=True) for v in ("3.12.8", "3.11.9", "3.13.1")]
    # Three spellings of 3.12.8 and two of 3.11.9: one job each (with --no-cache a second job
    # for the same key would download again, so the request count shows it).
    result = pytui.run("install", "--no-cache", "-j", "2", "3.12", "3.11", "3.13.1", "3.12.8", made[0].build.key,
                       "cpython@3.11")
    assert result.returncode == 0, str(result)
    assert "Installed 3 versions in " in result.stderr
    for m in made:
        assert result.stderr.count(f" + {m.build.key}") == 1
        assert pytui.requests(m) == 1
        assert_installed(pytui, m)
    assert sorted(p.name for p in pytui.bin.iterdir()) == ["python3.11", "python3.12", "python3.13"]


def test_two_patches_minor_link_and_uninstall(pytui: Pytui) -> None:
    old, new = pytui.add("3.12.7", "20241016"), pytui.add("3.12.8")
    pytui.call("install", "3.12.7", "3.12.8")
    minor = pytui.root / minor_of("3.12.8")
    assert os.readlink(minor) == str(pytui.root / new.build.key)
    # The highest patch leaves: the minor link goes back to the other one, its bin link goes.
    result = pytui.run("uninstall", "3.12.8")
    assert result.returncode == 0, str(result)
    assert f" - {new.build.key}" in result.stderr and "Uninstalled Python 3.12.8" in result.stderr
    assert not (pytui.root / new.build.key).exists()
    assert os.readlink(minor) == str(pytui.root / old.build.key)
    assert not os.path.lexists(pytui.bin / "python3.12")
    missing = pytui.run("uninstall", "3.12.8")
    assert "no Python installations found matching `3.12.8`" in assert_clean_failure(missing)
    everything = pytui.run("uninstall", "--all")
    assert everything.returncode == 0, str(everything)
    assert not os.path.lexists(minor) and not (pytui.root / old.build.key).exists()
    assert pytui.run("uninstall", "--all").returncode == 0  # nothing left: not an error


def test_reinstall_reinstalls_every_matching_installed_patch(pytui: Pytui) -> None:
    old, new = pytui.add("3.12.7", "20241016"), pytui.add("3.12.8")
    other = pytui.add("3.13.1")
    pytui.call("install", "3.12.7", "3.12.8", "3.13.1")
    marker = pytui.root / old.build.key / "marker"
    marker.write_text("from before the reinstall")
    # As uv: `--reinstall 3.12` takes both installed 3.12 patches, not only the newest.
    result = pytui.run("install", "--reinstall", "3.12")
    assert result.returncode == 0, str(result)
    assert f" ~ {old.build.key}" in result.stderr and f" ~ {new.build.key}" in result.stderr
    assert other.build.key not in result.stderr
    assert not marker.exists()  # a fresh tree was swapped in
    # With nothing installed that matches, --reinstall installs the newest build as usual.
    fresh = pytui.run("install", "--reinstall", "3.11")
    assert fresh.returncode == 1 and "no download found for request `3.11`" in fresh.stderr


def test_uninstall_waits_for_the_root_lock(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    # Another process holds `<root>/.lock` as uv takes it (flock) until told to let go, which
    # happens only once pytui has said that it waits (events, not a sleep).
    code = ("import fcntl, os, sys\n"
            "fd = os.open(sys.argv[1], os.O_RDWR)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.readline()\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(pytui.root / ".lock")], stdout=subprocess.PIPE,
                              stdin=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        uninstall = subprocess.Popen(pytui.argv("uninstall", "3.12"), env=pytui.env(), text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert uninstall.stderr is not None
        first = ""
        while f"waiting for the lock on {pytui.root}" not in first:
            line = uninstall.stderr.readline()
            if not line:
                break  # it ended without waiting: the assertions below say so
            first += line
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.flush()
        rest_out, rest_err = uninstall.communicate(timeout=120)
    finally:
        if holder.stdin is not None and not holder.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                holder.stdin.close()
        holder.wait(30)
    stderr = first + rest_err
    assert uninstall.returncode == 0, stderr
    assert f"waiting for the lock on {pytui.root}" in first, stderr
    assert stderr.count(f"waiting for the lock on {pytui.root}") == 1, stderr
    assert not (pytui.root / made.build.key).exists()


# -- the real interpreter -------------------------------------------------------------------------


@pytest.mark.slow
def test_real_interpreter_installed_over_loopback_runs(pytui: Pytui, base_prefix_archive: MadeArchive) -> None:
    made = pytui.serve(base_prefix_archive)
    key = made.build.key
    result = pytui.run("install", key)
    assert result.returncode == 0, str(result)
    prefix = pytui.root / key
    code = "import sysconfig, ssl, sqlite3; print(sysconfig.get_config_var('prefix'))"
    ran = subprocess.run([prefix / "bin" / "python3", "-c", code], capture_output=True, text=True,
                         env={"PATH": os.environ["PATH"], "HOME": str(pytui.tmp)}, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == str(prefix)


# -- offline ----------------------------------------------------------------------------------------

# Fails the process on any socket use; installed before pytui is imported.
NO_SOCKETS = """
import sys
def hook(event, args):
    if event.startswith("socket.") and event != "socket.gethostname":
        raise SystemExit(f"error: socket use while offline: {event} {args!r}")
sys.addaudithook(hook)
from pytui.app.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_without_sockets(pytui: Pytui, *args: str, **extra_env: str) -> Result:
    done = subprocess.run([sys.executable, "-c", NO_SOCKETS, *args], env=pytui.env(**extra_env),
                          capture_output=True, text=True, timeout=60, cwd=pytui.tmp)
    return Result(list(args), done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("how", ["flag", "env"])
def test_offline_and_not_cached_fails_with_uvs_wording(pytui: Pytui, how: str) -> None:
    made = pytui.add("3.12.8")
    args = ("--offline", "install", "3.12") if how == "flag" else ("install", "3.12")
    result = run_without_sockets(pytui, *args, **({"UV_OFFLINE": "1"} if how == "env" else {}))
    line = assert_clean_failure(result)
    assert (f"An offline Python installation was requested, but {made.build.key} (from {made.build.url}) "
            f"is missing in {pytui.cache}") in line
    assert "socket use" not in result.stderr
    assert pytui.server.count() == 0 and not (pytui.root / made.build.key).exists()


def test_offline_and_cached_installs_without_a_socket(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "3.12")
    pytui.call("uninstall", "3.12")
    pytui.server.clear_requests()
    result = run_without_sockets(pytui, "install", "--offline", "3.12")
    assert result.returncode == 0, str(result)
    assert "socket use" not in result.stderr
    assert_installed(pytui, made)
    assert pytui.server.count() == 0


def test_the_socket_hook_fires(pytui: Pytui) -> None:
    """The audit hook above really catches a download (so the offline tests prove something)."""
    made = pytui.add("3.12.8")
    result = run_without_sockets(pytui, "install", "3.12")
    assert result.returncode != 0 and "socket use while offline" in result.stderr
    assert not (pytui.root / made.build.key).exists()


# -- server faults: a resumed download or one clear line, nothing lost -------------------------------

HALF = 100_000


@pytest.fixture
def baseline(pytui: Pytui) -> MadeArchive:
    """Something installed and cached before the faulty job, which must survive it untouched."""
    made = pytui.add("3.11.9")
    pytui.call("install", "3.11")
    return made


def assert_kept(before: dict[str, tuple], after: dict[str, tuple]) -> None:
    """Every entry that existed before is still there, unchanged (a success may add entries)."""
    changed = {path: (value, after.get(path)) for path, value in before.items()
               if after.get(path) != value and value != ("absent",)}
    assert not changed, changed


RECOVERABLE = {
    "cut": {"cut_at": HALF},
    "reset": {"reset_at": HALF},
    "500-then-200": {"fail": 1},
    "503-twice": {"fail": 2, "fail_status": 503},
    "trickle": {"rate": 1_000_000},
    "ignore-range-and-cut": {"ignore_range": True, "cut_at": HALF},
    "no-validators-and-cut": {"etag": False, "last_modified": False, "cut_at": HALF},
}


@pytest.mark.parametrize(("fault", "no_cache"), [
    *((fault, False) for fault in RECOVERABLE),
    # The streamed path (--no-cache) resumes or restarts in the middle of extraction.
    *((fault, True) for fault in ("cut", "reset", "500-then-200", "ignore-range-and-cut")),
])
def test_flaky_server_ends_in_an_install(pytui: Pytui, baseline: MadeArchive, fault: str, no_cache: bool) -> None:
    made = pytui.add("3.12.8", payload=True, faults=RECOVERABLE[fault])
    before = pytui.state()
    result = pytui.run("install", *(["--no-cache"] if no_cache else []), "3.12")
    assert result.returncode == 0, str(result)
    assert "Traceback" not in result.stderr and not result.errors
    assert_installed(pytui, made)
    assert_kept(before, pytui.state())
    assert pytui.cached() == sorted([cache_name(baseline)] + ([] if no_cache else [cache_name(made)]))
    assert pytui.temp_left() == []
    served = pytui.server.requests_for(made.url_path)
    if fault in ("cut", "reset", "no-validators-and-cut"):
        assert pytui.server.resumed(made.url_path), [(r.status, r.range_header) for r in served]
    if fault == "ignore-range-and-cut":
        assert [r.status for r in served] == [200, 200]  # started over cleanly


BROKEN = {
    "404": ({"status": 404}, "HTTP 404"),
    "500-always": ({"status": 500}, "after 3 retries"),
    "wrong-bytes": ({"corrupt": True}, "sha256 mismatch"),
}


@pytest.mark.parametrize(("fault", "no_cache"), [
    *((fault, False) for fault in BROKEN), ("404", True), ("wrong-bytes", True)])
def test_broken_server_is_one_line_and_nothing_changes(pytui: Pytui, baseline: MadeArchive, fault: str,
                                                       no_cache: bool) -> None:
    faults, words = BROKEN[fault]
    made = pytui.add("3.12.8", payload=True, faults=faults)
    before = pytui.state()
    result = pytui.run("install", *(["--no-cache"] if no_cache else []), "3.12")
    line = assert_clean_failure(result)
    assert made.build.key in line and words in line and "nothing was installed" in line, line
    if fault == "404":
        # A missing file ends with what to do about it (the TUI shows the same line).
        from pytui.core.download_policy import MISSING_NEXT_STEP

        assert line.endswith(f"nothing was installed; {MISSING_NEXT_STEP}"), line
    else:
        assert "catalog may be stale" not in line, line
    assert pytui.state() == before


def test_failed_reinstall_keeps_the_existing_install(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    pytui.call("install", "--no-cache", "3.12")
    pytui.server.set_faults(made.url_path, status=404)
    before = pytui.state()
    result = pytui.run("install", "--reinstall", "3.12")
    line = assert_clean_failure(result)
    assert f"the existing {made.build.key} install was left as it was" in line, line
    assert_kept(before, pytui.state())
    assert pytui.cached() == [] and pytui.temp_left() == []
    assert_installed(pytui, made)


def test_stalled_transfer_times_out_and_resumes(pytui: Pytui) -> None:
    made = pytui.add("3.12.8", payload=True, faults={"stall_at": HALF, "stall_seconds": 10})
    result = pytui.run("install", "3.12", UV_HTTP_TIMEOUT="1")
    assert result.returncode == 0, str(result)
    assert_installed(pytui, made)
    assert pytui.server.resumed(made.url_path)


def test_interrupted_download_is_kept_and_resumed_by_the_next_run(pytui: Pytui) -> None:
    """Retries exhausted mid-body: one clear line, a resumable .part, and the next run resumes it."""
    # Cut after less than 64 KiB each time: too little progress for a free retry.
    made = pytui.add("3.12.8", payload=True, faults={"cut_at": 20_000, "cut_times": -1})
    result = pytui.run("install", "3.12", UV_HTTP_RETRIES="0")
    line = assert_clean_failure(result)
    assert "keeps the bytes received and the next attempt resumes it" in line, line
    assert [n for n in pytui.cached() if n.endswith(".part")], pytui.cached()
    listed = pytui.run("cache", "list")
    assert "partial" in listed.stdout, str(listed)
    pytui.server.set_faults(made.url_path, cut_at=None)
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    last = pytui.server.requests_for(made.url_path)[-1]
    assert last.status == 206 and last.range is not None and last.range[0] > 0
    assert pytui.cached() == [cache_name(made)]
    assert_installed(pytui, made)


# -- a corrupt cached archive -------------------------------------------------------------------------


def corrupt(path: Path, at: int | None = None) -> None:
    """Flip bytes in the middle of a file (same size), as a bad disk or another tool would."""
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if at is None else at
    for i in range(at, min(len(data), at + 64)):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_corrupt_cached_archive_is_found_by_verify_and_replaced_by_install(pytui: Pytui) -> None:
    made = pytui.add("3.12.8", payload=True)
    pytui.call("install", "3.12")
    pytui.call("uninstall", "3.12")
    cached = pytui.cache / cache_name(made)
    corrupt(cached)
    verify = pytui.run("cache", "verify")
    assert verify.returncode == 1, str(verify)
    assert cache_name(made) in verify.stdout + verify.stderr and "Traceback" not in verify.stderr
    assert not cached.exists()
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    assert cached.read_bytes() == made.path.read_bytes() and pytui.requests(made) == 2
    assert_installed(pytui, made)


@pytest.mark.parametrize("where", ["payload", "header"])
def test_corrupt_cached_archive_is_replaced_by_the_next_install(pytui: Pytui, where: str) -> None:
    """No verify first: the install finds the bad archive (a hash mismatch, or an archive that does not
    even decompress), deletes it, downloads it again and installs."""
    made = pytui.add("3.12.8", payload=True)
    pytui.call("install", "3.12")
    pytui.call("uninstall", "3.12")
    # Without its pristine tree (an intact tree would be used and the archive not read at all).
    shutil.rmtree(pytui.cache / "trees")
    cached = pytui.cache / cache_name(made)
    corrupt(cached, at=None if where == "payload" else 0)
    result = pytui.run("install", "3.12")
    assert result.returncode == 0, str(result)
    assert "Traceback" not in result.stderr
    assert cached.read_bytes() == made.path.read_bytes() and pytui.requests(made) == 2
    assert_installed(pytui, made)
    assert pytui.cached() == [cache_name(made)] and pytui.temp_left() == []


# -- kill -9, two processes --------------------------------------------------------------------------


def wait_for(predicate, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def extracted_files(root: Path) -> list[Path]:
    # os.walk skips what vanishes while it lists (a stage is renamed away on commit); a
    # pathlib glob raises FileNotFoundError then.
    temp = root / ".temp"
    return [Path(dirpath, name) for dirpath, _dirs, files in os.walk(temp)
            if Path(dirpath).relative_to(temp).parts[:1] and
            Path(dirpath).relative_to(temp).parts[0].startswith("pytui-")
            for name in files]


@pytest.mark.parametrize("no_cache", [True, False], ids=["no-cache", "cache"])
def test_kill_9_mid_extraction_leaves_no_visible_install(pytui: Pytui, no_cache: bool) -> None:
    # --no-cache streams a trickling download into extraction: the small members before the
    # payload are on disk while its bytes still arrive. With the cache, a cached archive of
    # 1,500 small files is extracted. The kill lands once the stage holds extracted files.
    many = [] if no_cache else [file(f"lib/python3.12/many/m{i}.py", f"x = {i}\n") for i in range(1500)]
    made = pytui.add("3.12.8", payload=True, faults={"rate": 100_000} if no_cache else {}, extra=many)
    if not no_cache:
        pytui.call("install", "3.12")
        pytui.call("uninstall", "3.12")
        pytui.server.clear_requests()
    before = pytui.state()
    proc = pytui.popen("install", *(["--no-cache"] if no_cache else []), "3.12")
    try:
        wait_for(lambda: extracted_files(pytui.root) or proc.poll() is not None, what="extraction")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    if proc.returncode != -signal.SIGKILL:
        pytest.skip("the install finished before it could be killed")
    prefix = pytui.root / made.build.key
    if os.path.lexists(prefix):
        # On a loaded machine the kill may land after the commit's rename: then the install is
        # complete (fix-ups run in the stage, before the rename), never partial.
        assert (prefix / "BUILD").read_text().strip() == made.build.build
        assert (prefix / "lib/python3.12/EXTERNALLY-MANAGED").is_file() and (prefix / "bin/python").is_symlink()
        assert len(list((prefix / "lib/python3.12/many").iterdir())) == len(many)
    else:
        assert not os.path.lexists(pytui.root / minor_of("3.12.8")) and not os.path.lexists(pytui.bin / "python3.12")
        assert pytui.temp_left(), "the killed run's stage should be left behind"
        listed = pytui.run("list", "--only-installed")
        assert made.build.key not in listed.stdout
    if not no_cache:
        assert pytui.cached() == [cache_name(made)]
        after = pytui.state()
        assert {k: v for k, v in after.items() if str(pytui.root) not in k} == \
               {k: v for k, v in before.items() if str(pytui.root) not in k}
    pytui.server.set_faults(made.url_path, rate=None)
    again = pytui.run("install", *(["--no-cache"] if no_cache else []), "3.12")
    assert again.returncode == 0, str(again)
    assert_installed(pytui, made)
    assert pytui.temp_left() == []


def test_ctrl_c_mid_download_keeps_a_resumable_part_and_nothing_else(pytui: Pytui) -> None:
    # Event-driven: the server stalls after 20 kB until the test ends, so the install cannot
    # finish before the signal however loaded the machine is; no timeout can end it either.
    made = pytui.add("3.12.8", payload=True, faults={"stall_at": 20_000, "stall_seconds": 3600})
    proc = pytui.popen("install", "3.12", UV_HTTP_TIMEOUT="3600", PYTUI_HTTP_SPEED_LIMIT="0")
    try:
        # The first bytes received are flushed to the .part at once: wait until pytui holds some.
        part = pytui.cache / (cache_name(made) + ".part")
        wait_for(lambda: (part.is_file() and part.stat().st_size > 0) or proc.poll() is not None,
                 what="the first bytes in the .part")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "error: interrupted", err
    # The job stopped and cleaned its stage before the process exited.
    assert pytui.temp_left() == [] and not pytui.bin.exists()
    assert not os.path.lexists(pytui.root / made.build.key)
    parts = [n for n in pytui.cached() if n.endswith(".part")]
    assert parts and not (pytui.cache / cache_name(made)).exists(), pytui.cached()
    pytui.server.set_faults(made.url_path, stall_at=None)
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    last = pytui.server.requests_for(made.url_path)[-1]
    assert last.status == 206 and last.range is not None and last.range[0] > 0
    assert pytui.cached() == [cache_name(made)]
    assert_installed(pytui, made)


def test_two_processes_install_different_keys_at_once(pytui: Pytui) -> None:
    a = pytui.add("3.12.8", payload=True, faults={"rate": 400_000})
    b = pytui.add("3.11.9", payload=True, faults={"rate": 400_000})
    procs = [pytui.popen("install", "3.12"), pytui.popen("install", "3.11")]
    outs = [p.communicate(timeout=60) for p in procs]
    for proc, (_, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err
    for made in (a, b):
        assert_installed(pytui, made)
        assert pytui.requests(made) == 1
    assert pytui.temp_left() == [] and pytui.cached() == sorted([cache_name(a), cache_name(b)])
    assert sorted(p.name for p in pytui.bin.iterdir()) == ["python3.11", "python3.12"]


@pytest.mark.parametrize("no_cache", [False, True], ids=["cache", "no-cache"])
def test_two_processes_install_the_same_key_at_once(pytui: Pytui, no_cache: bool) -> None:
    made = pytui.add("3.12.8", payload=True, faults={"rate": 400_000})
    flags = ["--no-cache"] if no_cache else []
    procs = [pytui.popen("install", *flags, "3.12"), pytui.popen("install", *flags, "3.12")]
    outs = [p.communicate(timeout=60) for p in procs]
    for proc, (_, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    errs = "".join(err for _, err in outs)
    # One of them installed it; the other found it installed (before starting, or at commit).
    assert errs.count(f" + {made.build.key}") == 1, errs
    assert "already installed" in errs, errs
    assert_installed(pytui, made)
    assert pytui.temp_left() == []
    if not no_cache:
        # The second waited on the archive's lock and used the first one's download.
        assert pytui.requests(made) == 1 and pytui.cached() == [cache_name(made)]
    else:
        assert pytui.cached() == []


# -- malicious archives ------------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ["dotdot", "absolute", "symlink_escape", "hardlink_absolute",
                                    "write_through_symlink"])
def test_malicious_archive_is_refused_and_nothing_is_written_outside(pytui: Pytui, archive_factory,
                                                                     baseline: MadeArchive, attack: str) -> None:
    outside = pytui.tmp / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n")
    evil = archive_factory.malicious(attack, outside)
    digest = hashlib.sha256(evil.read_bytes()).hexdigest()
    build = make_build(version="3.12.8", os_name=OS, arch=ARCH, libc=LIBC, sha256=digest)
    made = MadeArchive(path=evil, sha256=digest, size=evil.stat().st_size, build=build, kind="tar.gz")
    made = pytui.serve(made)
    before = pytui.state()
    outside_before = snapshot(outside, pytui.tmp.parent / "outside")
    for no_cache in (False, True):
        result = pytui.run("install", *(["--no-cache"] if no_cache else []), "3.12")
        line = assert_clean_failure(result)
        assert "refusing to extract" in line and made.build.key in line and "nothing was installed" in line, line
        assert snapshot(outside, pytui.tmp.parent / "outside") == outside_before
        assert not list(pytui.tmp.rglob("pwned.txt"))
        after = pytui.state()
        # The archive itself matches its catalog sha256, so it may stay cached; the root is as it was.
        assert {k: v for k, v in after.items() if not k.startswith(str(pytui.cache))} == \
               {k: v for k, v in before.items() if not k.startswith(str(pytui.cache))}
        assert_kept(before, after)
    assert not (pytui.root / made.build.key).exists() and pytui.temp_left() == []


# -- usage and exit codes ---------------------------------------------------------------------------


def test_exit_codes(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    assert "error:" in assert_clean_failure(pytui.run("install", "3.12.x.y"), 2)
    assert "--jobs" in assert_clean_failure(pytui.run("install", "-j", "0", "3.12"), 2)
    assert assert_clean_failure(pytui.run("uninstall"), 2)
    assert assert_clean_failure(pytui.run("uninstall", "--all", "3.12"), 2)
    line = assert_clean_failure(pytui.run("install", "3.99"))
    assert "no download found for request `3.99`" in line
    # One request fails, the other installs: exit 1, and the good one is installed.
    mixed = pytui.run("install", "3.99", "3.12")
    assert_clean_failure(mixed)
    assert f" + {made.build.key}" in mixed.stderr
    assert pytui.run("install", "3.12").returncode == 0
    assert pytui.server.count() == 1


def test_output_on_a_pipe_is_plain_lines(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    result = pytui.run("install", "3.12")
    assert result.returncode == 0
    assert "\x1b[" not in result.stderr and result.stdout == ""
    assert f"download {made.build.key}" in result.stderr
