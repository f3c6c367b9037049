"""`pytui install` when something fails, end to end (the CLI as a subprocess, the loopback server):
offline installs (uv's wording, no socket), every server fault ending in a resumed download or
one clear line with the cache and root as they were, corrupt cached archives, and malicious
archives refused with nothing written outside.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import (
    ARCH,
    LIBC,
    OS,
    Pytui,
    Result,
    assert_clean_failure,
    assert_install_resumes,
    assert_installed,
    cache_name,
    snapshot,
)
from fixtures_archives import MadeArchive, make_build
from pytui.core.job_archive import corrupt_line

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
    # uv's words, then what to do (the line ended with "nothing was installed" before).
    assert line.endswith("; nothing was installed; go online, or import the archive with "
                         "`pytui cache import FILE`"), line
    assert "socket use" not in result.stderr
    assert pytui.server.count() == 0 and not (pytui.root / made.build.key).exists()


def test_offline_with_a_file_for_the_cache_dir_says_so(pytui: Pytui, tmp_path: Path) -> None:
    """The archive is not "missing in" a cache dir that is a file: the file is the problem (and
    `pytui cache import`, the next step the missing line gives, would fail on it)."""
    made = pytui.add("3.12.8")
    a_file = tmp_path / "cache-file"
    a_file.write_bytes(b"not a dir")
    line = assert_clean_failure(run_without_sockets(pytui, "--offline", "install", "3.12",
                                                    UV_PYTHON_CACHE_DIR=str(a_file)))
    assert line == (f"error: failed to install {made.build.key}: cannot use the cache dir {a_file}: "
                    "it is not a directory; pass another directory with --cache-dir or "
                    "UV_PYTHON_CACHE_DIR; nothing was installed"), line
    assert a_file.read_bytes() == b"not a dir" and not (pytui.root / made.build.key).exists()


def test_offline_names_another_build_the_cache_holds(pytui: Pytui) -> None:
    """An archive of the same interpreter downloaded under another catalog (an older build) is
    no use to this catalog's lookup, as to uv's, but the refusal names it and what to do."""
    pytui.add("3.12.8", "20250106")
    pytui.call("install", "3.12")
    pytui.call("uninstall", "3.12")
    newer = pytui.add("3.12.8", "20250115")  # the catalog now lists another build of 3.12.8
    before = pytui.state()
    line = assert_clean_failure(run_without_sockets(pytui, "--offline", "install", "3.12.8"))
    assert f"but {newer.build.key} (from {newer.build.url}) is missing in {pytui.cache}" in line
    assert line.endswith("; nothing was installed; the cache holds build 20250106 of it, which "
                         "this catalog does not list (run with --downloads-json naming the catalog "
                         "it came from to install that one); or go online, or import the archive "
                         "with `pytui cache import FILE`"), line
    assert pytui.state() == before


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
    assert_install_resumes(pytui, made)


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
    # Said, not a second download with no word why.
    assert f"warning: {corrupt_line(made.build.key, cache_name(made))}" in result.stderr, str(result)
    assert cached.read_bytes() == made.path.read_bytes() and pytui.requests(made) == 2
    assert_installed(pytui, made)
    assert pytui.cached() == [cache_name(made)] and pytui.temp_left() == []


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


@pytest.mark.parametrize("no_cache", [False, True], ids=["cache", "no-cache"])
def test_a_mirror_nobody_answers_at_ends_with_what_to_do(pytui: Pytui, baseline: MadeArchive,
                                                         no_cache: bool) -> None:
    """Every URL failed before any HTTP answer (here: a refused connection; offline, a name
    that does not resolve): the line ends with what to do, as a 404's does."""
    import socket

    from pytui.core.download_policy import UNREACHABLE_NEXT_STEP

    pytui.add("3.12.8")
    with socket.socket() as sock:  # a port nothing listens on once this closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The catalog's URL moved to that port.
    pytui.catalog.write_text(pytui.catalog.read_text().replace(
        pytui.server.base_url, f"http://127.0.0.1:{port}"))
    before = pytui.state()
    result = pytui.run("install", *(["--no-cache"] if no_cache else []), "3.12", UV_HTTP_RETRIES="1")
    line = assert_clean_failure(result)
    assert line.endswith(f"nothing was installed; {UNREACHABLE_NEXT_STEP}"), line
    assert pytui.state() == before


def test_a_mirror_that_cannot_serve_the_catalogs_urls_names_the_build_once(pytui: Pytui) -> None:
    """`--mirror` with a catalog whose URLs are no GitHub release URLs: the line read `failed to
    install KEY: KEY: its URL …`, and its next step came before `nothing was installed`."""
    made = pytui.add("3.12.8")
    result = pytui.run("--mirror", "http://127.0.0.1:9/mirror", "install", "3.12")
    line = assert_clean_failure(result)
    key = made.build.key
    assert line.startswith(f"error: failed to install {key}: its URL {made.build.url} is not a "
                           "python-build-standalone release URL, so the mirror"), line
    assert line.count(key) == 1, line
    # What to do ends the line, after what was kept, as every failed install's.
    assert line.endswith("cannot serve it; nothing was installed; unset the mirror or use a "
                         "catalog with GitHub release URLs"), line
    assert not (pytui.root / key).exists() and pytui.cached() == []
