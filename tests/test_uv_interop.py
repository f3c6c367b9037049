"""pytui and the real uv (PyPI) on one install root, one catalog and one archive cache.

Each side runs as a subprocess in an isolated world (UV_NO_CONFIG, HOME in tmp, its own uv cache):
uv finds and runs what `pytui install` put there; pytui lists and uninstalls what `uv python
install` put there; pytui installs offline from the archive cache uv filled; `pytui install`
waits while uv holds `<root>/.lock`. (uv installing offline from pytui's cache, and both
installing from an exported mirror, are in test_cache.py / test_cache_cli.py.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_installed, cache_name, minor_of
from fixtures_archives import MadeArchive

UV = Path(sys.executable).parent / "uv"

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {sys.executable}")]


def uv(pytui: Pytui, *args: str, cache: bool = False, offline: bool = True,
       timeout: float = 120, **extra: str) -> subprocess.CompletedProcess[str]:
    """The real uv on pytui's root and catalog; its archive cache only when `cache`."""
    env = pytui.env(UV_NO_CONFIG="1", UV_CACHE_DIR=str(pytui.tmp / "uv-cache"),
                    UV_PYTHON_PREFERENCE="only-managed", UV_NO_PROGRESS="1", **extra)
    if not cache:
        env.pop("UV_PYTHON_CACHE_DIR")
    if offline:
        env["UV_OFFLINE"] = "1"
    return subprocess.run([str(UV), *args], env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=pytui.tmp)


def uv_installed_keys(pytui: Pytui) -> list[str]:
    listed = uv(pytui, "python", "list", "--only-installed", "--output-format", "json")
    assert listed.returncode == 0, listed.stderr
    return [row["key"] for row in json.loads(listed.stdout)]


def pytui_installed_keys(pytui: Pytui) -> list[str]:
    listed = pytui.run("list", "--only-installed", "--json")
    assert listed.returncode == 0, str(listed)
    return [row["key"] for row in json.loads(listed.stdout)]


@pytest.mark.slow
def test_uv_finds_and_runs_what_pytui_installed(pytui: Pytui, base_prefix_archive: MadeArchive) -> None:
    made = pytui.serve(base_prefix_archive)
    key = made.build.key
    mm = f"{made.build.major}.{made.build.minor}"
    result = pytui.run("install", mm)
    assert result.returncode == 0, str(result)
    prefix = pytui.root / key

    assert uv_installed_keys(pytui) == [key]
    found = uv(pytui, "python", "find", mm)
    assert found.returncode == 0, found.stderr
    # uv names the interpreter through the minor-version link pytui made, or the key dir.
    path = Path(found.stdout.strip())
    assert path.parent.parent in (prefix, pytui.root / minor_of(made.build.version)), path
    ran = subprocess.run([path, "-c", "import sys, ssl; print(sys.prefix)"], capture_output=True, text=True,
                         timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert uv(pytui, "python", "find", mm).stdout == found.stdout
    run = uv(pytui, "run", "--no-project", "-p", mm, "python", "-c",
             "import sys, sysconfig; print(sys.base_prefix); print(sysconfig.get_config_var('prefix'))")
    assert run.returncode == 0, run.stderr
    base_prefix, config_prefix = run.stdout.split()
    assert Path(base_prefix).resolve() == prefix and config_prefix == str(prefix)


@pytest.mark.slow
def test_pytui_lists_and_uninstalls_what_uv_installed(pytui: Pytui, base_prefix_archive: MadeArchive) -> None:
    # A real interpreter: uv lists only installs it can query.
    made = pytui.serve(base_prefix_archive)
    key = made.build.key
    mm = f"{made.build.major}.{made.build.minor}"
    installed = uv(pytui, "python", "install", mm, offline=False)  # from the loopback server
    assert installed.returncode == 0, installed.stderr
    assert os.path.islink(pytui.bin / f"python{mm}")
    listed = uv(pytui, "python", "list", "--only-installed", "--output-format", "json")
    ours = pytui.run("list", "--only-installed", "--json")
    assert ours.returncode == 0, str(ours)
    uv_rows, our_rows = json.loads(listed.stdout), json.loads(ours.stdout)
    assert [r["key"] for r in our_rows] == [r["key"] for r in uv_rows] == [key]
    assert our_rows[0]["path"] == uv_rows[0]["path"] and our_rows[0]["version"] == uv_rows[0]["version"]
    # A request with a patch names the install's own dir, not the minor-version link (as uv).
    version = made.build.version
    uv_patch = json.loads(uv(pytui, "python", "list", version, "--only-installed", "--output-format", "json").stdout)
    our_patch = json.loads(pytui.run("list", version, "--only-installed", "--json").stdout)
    assert [r["path"] for r in our_patch] == [r["path"] for r in uv_patch] != [uv_rows[0]["path"]]
    # pytui sees uv's install as installed: nothing to do, nothing downloaded.
    again = pytui.run("install", mm)
    assert again.returncode == 0 and f"Python {mm} is already installed ({key})" in again.stderr, str(again)
    assert pytui.requests(made) == 1

    removed = pytui.run("uninstall", mm)
    assert removed.returncode == 0, str(removed)
    assert f" - {key}" in removed.stderr
    assert not (pytui.root / key).exists()
    assert not os.path.lexists(pytui.root / minor_of(made.build.version))
    assert not os.path.lexists(pytui.bin / f"python{mm}")
    assert uv_installed_keys(pytui) == []


def test_uv_uninstalls_what_pytui_installed(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    other = pytui.add("3.11.9")
    assert pytui.run("install", "3.12", "3.11").returncode == 0
    gone = uv(pytui, "python", "uninstall", "3.12")
    assert gone.returncode == 0, gone.stderr
    assert made.build.key in gone.stderr
    assert pytui_installed_keys(pytui) == [other.build.key]
    assert not (pytui.root / made.build.key).exists()
    assert not os.path.lexists(pytui.bin / "python3.12") and not os.path.lexists(pytui.root / minor_of("3.12.8"))
    assert os.path.islink(pytui.bin / "python3.11") and os.path.islink(pytui.root / minor_of("3.11.9"))


def test_pytui_installs_offline_from_the_cache_uv_filled(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    filled = uv(pytui, "python", "install", "3.12.8", cache=True, offline=False)
    assert filled.returncode == 0, filled.stderr
    assert pytui.cached() == [cache_name(made)]  # uv's name is pytui's name
    assert uv(pytui, "python", "uninstall", "3.12.8").returncode == 0
    pytui.server.clear_requests()
    result = pytui.run("install", "--offline", "3.12")
    assert result.returncode == 0, str(result)
    assert_installed(pytui, made)
    assert pytui.server.count() == 0
    # pytui's list shows the archive as cached; uv runs its fix-ups on pytui's tree unchanged.
    listed = pytui.run("cache", "list", "--json")
    assert made.build.key in listed.stdout, str(listed)


def test_pytui_install_waits_while_uv_holds_the_root_lock(pytui: Pytui) -> None:
    # uv holds `<root>/.lock` for its whole command, downloads included: trickle its archive.
    slow = pytui.add("3.11.9", payload=True, faults={"rate": 100_000})
    fast = pytui.add("3.12.8")
    holder = subprocess.Popen([str(UV), "python", "install", "3.11.9"],
                              env={**pytui.env(UV_NO_CONFIG="1", UV_CACHE_DIR=str(pytui.tmp / "uv-cache"),
                                               UV_NO_PROGRESS="1")},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=pytui.tmp)
    try:
        deadline = time.monotonic() + 30
        while not pytui.server.requests_for(slow.url_path) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pytui.server.requests_for(slow.url_path), "uv never asked for its archive"
        waiter = pytui.popen("install", "3.12")
        out, err = waiter.communicate(timeout=60)
        uv_out, uv_err = holder.communicate(timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert holder.returncode == 0, uv_err
    assert waiter.returncode == 0, err
    if "waiting for the lock on" not in err:
        pytest.skip("uv finished before pytui reached its commit (slow machine)")
    assert err.count("waiting for the lock on") == 1
    # The line names uv's process (from /proc/locks) and how to stop waiting.
    assert f"(held by pid {holder.pid}: uv python install 3.11.9, which is changing" in err, err
    assert "UV_LOCK_TIMEOUT); Ctrl-C stops" in err, err
    assert_installed(pytui, fast)
    assert (pytui.root / slow.build.key / "BUILD").is_file()
    # pytui committed after uv released the lock: uv's install was complete by then.
    assert (pytui.root / fast.build.key).stat().st_mtime_ns >= (pytui.root / slow.build.key / "BUILD").stat().st_mtime_ns


def test_a_root_whose_name_is_not_utf8_gets_uvs_sysconfig(pytui: Pytui) -> None:
    """A root path with a byte that is not UTF-8 (Linux allows any but / and NUL): pytui's
    fix-up stopped the install with a UnicodeEncodeError traceback writing the sysconfig data;
    uv installs and writes the prefix with U+FFFD for the bad byte. Both roots' names are as long,
    so the two files differ only in those names."""
    made = pytui.add("3.12.8")
    mine, uvs = (pytui.tmp / os.fsdecode(name) for name in (b"p\xff", b"u\xff"))
    result = pytui.run("install", "3.12.8", UV_PYTHON_INSTALL_DIR=str(mine), UV_PYTHON_INSTALL_BIN="0")
    assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)
    done = uv(pytui, "python", "install", "3.12.8", offline=False, UV_PYTHON_INSTALL_DIR=str(uvs),
              UV_PYTHON_INSTALL_BIN="0")
    assert done.returncode == 0, done.stderr
    lib = Path(made.build.key) / "lib" / "python3.12"
    (written,) = (mine / lib).glob("_sysconfigdata_*.py")
    # Each root as the file says it: the bad byte as U+FFFD.
    said = {root: os.fsencode(root).decode("utf-8", "replace").encode() for root in (mine, uvs)}
    expected = (uvs / lib / written.name).read_bytes().replace(said[uvs], said[mine])
    assert written.read_bytes() == expected
    assert "p\ufffd/cpython-3.12.8" in written.read_text(encoding="utf-8")
