"""`pytui install` / `pytui uninstall` end to end: the CLI run as a subprocess against archives served
from a real loopback HTTP server, into an isolated install root, cache dir and bin dir.

Covers uv's layout after an install, reinstall, --no-cache, -j and de-duplication, uninstall and
the root lock, a real interpreter made from this one's prefix, and exit codes. Failures (offline,
server faults, corrupt cached archives, malicious archives) are in test_install_failures_e2e.py;
kill -9, Ctrl-C and two processes at once in test_install_interrupted_e2e.py; interop with the
real uv in test_uv_interop.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys

import pytest
from cli_harness import (
    Pytui,
    assert_clean_failure,
    assert_installed,
    cache_name,
    minor_of,
)
from fixtures_archives import MadeArchive

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
    # The highest patch leaves: the minor link goes back to the other one, and so does its bin
    # link (through the minor link), saying so.
    result = pytui.run("uninstall", "3.12.8")
    assert result.returncode == 0, str(result)
    assert f" - {new.build.key} (python3.12 now runs {old.build.key})" in result.stderr
    assert "Uninstalled Python 3.12.8" in result.stderr
    assert not (pytui.root / new.build.key).exists()
    assert os.readlink(minor) == str(pytui.root / old.build.key)
    assert os.path.realpath(pytui.bin / "python3.12") == str(pytui.root / old.build.key / "bin" / "python3.12")
    missing = pytui.run("uninstall", "3.12.8")
    # With its next step, as every expected failure's line (it ended at the root's path).
    assert assert_clean_failure(missing) == (
        f"error: no Python installations found matching `3.12.8` in {pytui.root}; "
        "`pytui list --only-installed` lists what is installed")
    everything = pytui.run("uninstall", "--all")
    assert everything.returncode == 0, str(everything)
    assert not os.path.lexists(minor) and not (pytui.root / old.build.key).exists()
    assert f" - {old.build.key} (python3.12)" in everything.stderr
    assert not os.path.lexists(pytui.bin / "python3.12")
    assert pytui.run("uninstall", "--all").returncode == 0  # nothing left: not an error


def test_a_newer_patch_names_the_bin_link_that_now_runs_it(pytui: Pytui) -> None:
    """python3.12 reaches the highest patch through the minor-version link: installing a newer
    patch moves that link, not the bin link, and the change line still says python3.12 runs
    the new patch (as uv's line does when it re-points the bin link)."""
    old, new = pytui.add("3.12.7", "20241016"), pytui.add("3.12.8")
    first = pytui.run("install", "3.12.7")
    assert first.returncode == 0 and f" + {old.build.key} (python3.12)" in first.stderr, str(first)
    second = pytui.run("install", "3.12.8")
    assert second.returncode == 0 and f" + {new.build.key} (python3.12)" in second.stderr, str(second)
    assert os.path.realpath(pytui.bin / "python3.12") == str(pytui.root / new.build.key / "bin" / "python3.12")
    older = pytui.run("install", "--reinstall", "3.12.7")  # not the highest: python3.12 stays on 3.12.8
    assert older.returncode == 0 and f" ~ {old.build.key}\n" in older.stderr, str(older)


def test_the_change_line_names_the_links_under_a_bin_dir_with_spaces_tabs_newlines(pytui: Pytui) -> None:
    """The links were kept as their paths joined by spaces and split again for the line: a bin
    dir 'r sp<TAB>ab<LF>nl/bin' made ` + KEY (ab, python3.12, r, sp)`, three names never made."""
    made = pytui.add("3.12.8")
    bin_dir = pytui.bin.parent / "r sp\tab\nnl" / "bin"
    result = pytui.run("install", "3.12", UV_PYTHON_BIN_DIR=str(bin_dir))
    assert result.returncode == 0, str(result)
    assert f" + {made.build.key} (python3.12)\n" in result.stderr, str(result)
    assert sorted(p.name for p in bin_dir.iterdir()) == ["python3.12"]


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
    assert fresh.returncode == 2 and "no download found for request `3.11`" in fresh.stderr


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


# -- usage and exit codes ---------------------------------------------------------------------------


def test_exit_codes(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    assert "error:" in assert_clean_failure(pytui.run("install", "3.12.x.y"), 2)
    assert "--jobs" in assert_clean_failure(pytui.run("install", "-j", "0", "3.12"), 2)
    assert assert_clean_failure(pytui.run("uninstall"), 2)
    assert assert_clean_failure(pytui.run("uninstall", "--all", "3.12"), 2)
    # A request with no download exits 2, as uv's does (tests/test_install_no_download_exit.py)...
    line = assert_clean_failure(pytui.run("install", "3.99"), 2)
    assert "no download found for request `3.99`" in line
    # ... also beside one that has a download: as uv, none of them is installed or downloaded.
    mixed = pytui.run("install", "3.99", "3.12")
    assert_clean_failure(mixed, 2)
    assert made.build.key not in mixed.stderr and pytui.server.count() == 0
    assert f" + {made.build.key}" in pytui.run("install", "3.12").stderr
    assert pytui.server.count() == 1


def test_output_on_a_pipe_is_plain_lines(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    result = pytui.run("install", "3.12")
    assert result.returncode == 0
    assert "\x1b[" not in result.stderr and result.stdout == ""
    assert f"download {made.build.key}" in result.stderr
