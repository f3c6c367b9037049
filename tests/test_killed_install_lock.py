"""An install killed (SIGKILL) while it holds its archive's `<name>.part.lock` (it holds it from
when it needs the archive until its commit has ended, core/job_archive.take_turn) leaves that
empty file in the cache dir. Until the next install that downloads or unpacks the archive (or a
purge, or `cache verify`) removes it, every reader of the cache treats it as what it is: no
archive (no row, not counted), no error, 0 B in every total. `pytui cache list` says it in one
line, a leftover and what removes it; the Cached pane shows nothing of it (its rows, subtitle
and the header's total are those of the same cache without it); `cache verify` removes it and
says so, exit 0. The real uv, sharing the cache dir, installs beside it and leaves it.

The installs are real pytui processes killed for real at a step (tests/step_hook.py): while
they unpack the archive, or once their tree is kept but before their commit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui, cache_name
from step_hook import killed_at

UV = Path(sys.executable).parent / "uv"

KILLED_AT = {"unpacking": "pytui.core.extract.extract_archive",
             "tree-kept": "pytui.core.jobs.InstallJob/_commit"}
LINE = ("1 leftover of killed runs (0 B), an empty lock file: removed by the next install that "
        "downloads or unpacks its archive, by a purge of that archive, `pytui cache verify` or "
        "`pytui cache purge --all`")


def _killed_install(pytui: Pytui, at: str) -> tuple[Path, object]:
    """3.12.8 imported and 3.13.1 installed (an archive with a tree beside it), then `pytui
    install 3.12` killed at `at`: (the lock it left, 3.12.8's made archive)."""
    made = pytui.add("3.12.8")
    pytui.add("3.13.1")
    pytui.call("cache", "import", str(made.path))
    pytui.call("install", "3.13")
    killed_at(pytui, KILLED_AT[at], "install", "3.12")
    lock = pytui.cache / f"{cache_name(made)}.part.lock"
    assert lock.is_file() and lock.stat().st_size == 0, os.listdir(pytui.cache)
    assert (made.sha256 in pytui.trees()) == (at == "tree-kept")
    return lock, made


def _cached_pane(pytui: Pytui) -> tuple[list, tuple[str, ...], int | None]:
    """What the TUI's Cached pane and header would show, from the listing the app makes
    (app/gateway.py): the rows, the subtitle's forms and the header's cache total."""
    from pytui.app.gateway import CoreGateway
    from pytui.app.header_view import header_info
    from pytui.app.state import AppState
    from pytui.app.subtitles import cached_subtitles
    from pytui.app.view_model import ViewModel
    from pytui.core.platform_detect import detect_host
    from pytui.core.settings import Settings
    from pytui.core.sources import load_catalog

    settings = Settings.resolve(env=pytui.env())
    catalog = load_catalog(settings)
    gateway = CoreGateway()
    state = AppState(settings=settings, host=detect_host(), home=pytui.tmp, clock=lambda: 1000.0,
                     catalog=catalog, disk_listed=True)
    archives, problem = gateway.scan_cache(settings, catalog)
    assert problem is None, problem
    state.archives = archives
    state.cache_usage = gateway.cache_usage(settings)
    state.cache_parts = gateway.cache_parts(settings)
    state.loose_trees = gateway.loose_trees(settings)
    rows = [(row.build_key, row.state, row.tree, row.size) for row in ViewModel().cache_rows(state)]
    return rows, cached_subtitles(state), header_info(state).cache_size


@pytest.mark.parametrize("at", list(KILLED_AT))
def test_every_reader_of_the_cache_takes_the_lock_for_what_it_is(pytui: Pytui, at: str) -> None:
    lock, made = _killed_install(pytui, at)
    listed, as_json, pane = pytui.run("cache", "list"), pytui.run("cache", "list", "--json"), _cached_pane(pytui)
    for result in (listed, as_json):
        assert result.returncode == 0 and result.stderr == "", str(result)
    # The same cache without the lock: what every reader says of it, less the one line.
    os.unlink(lock)
    without, json_without = pytui.run("cache", "list"), pytui.run("cache", "list", "--json")
    assert listed.stdout.splitlines() == [*without.stdout.splitlines(), LINE], str(listed)
    assert "2 archives, 1 unpacked tree" in listed.stdout or "2 archives, 2 unpacked trees" in listed.stdout
    assert as_json.stdout == json_without.stdout
    assert pane == _cached_pane(pytui)
    assert [row[:3] for row in pane[0]] == [("cpython-3.13.1-linux-x86_64-gnu", "ok", True),
                                            ("cpython-3.12.8-linux-x86_64-gnu", "ok", at == "tree-kept")], pane[0]
    assert all("other files" not in form for form in pane[1]), pane[1]
    # `cache verify` removes it, says it, and finds nothing wrong.
    lock.write_bytes(b"")
    verified = pytui.run("cache", "verify")
    assert verified.returncode == 0 and verified.stderr == "", str(verified)
    assert verified.stdout.splitlines()[0] == (
        f"removed {lock.name} (left by a killed download or install, its lock: no process holds it "
        "and no .part is beside it, 0 B)"), str(verified)
    assert not lock.exists() and pytui.cached() == sorted(
        [cache_name(made), *(n for n in pytui.cached() if "3.13.1" in n)])


@pytest.mark.uv
@pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {sys.executable}")
def test_uv_installs_beside_it_and_the_next_unpacking_install_removes_it(pytui: Pytui) -> None:
    lock, made = _killed_install(pytui, "unpacking")
    # uv, sharing the cache dir, installs from the archive and leaves the lock (not uv's name).
    env = pytui.env(UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), XDG_CONFIG_HOME=str(pytui.tmp / "config"),
                    UV_PYTHON_INSTALL_DIR=str(pytui.tmp / "uv-root"), UV_PYTHON_BIN_DIR=str(pytui.tmp / "uv-bin"))
    theirs = subprocess.run([str(UV), "python", "install", "3.12"], env=env, capture_output=True, text=True,
                            timeout=120, cwd=pytui.tmp)
    assert theirs.returncode == 0, theirs.stderr
    assert pytui.requests(made) == 0, "uv downloaded the cached archive"
    assert lock.is_file()
    assert pytui.run("cache", "list").stdout.splitlines()[-1] == LINE
    # The next pytui install of that build unpacks its archive (no tree was kept) and takes the lock.
    installed = pytui.run("install", "3.12")
    assert installed.returncode == 0, str(installed)
    assert not lock.exists()
    assert "leftover" not in pytui.run("cache", "list").stdout


def test_the_line_says_which_leftovers_the_next_install_removes() -> None:
    """Several lock files, and lock files among other leftovers (a unit test of the wording)."""
    from pytui.app.cmd_cache import _leftovers_line
    from pytui.core.cache_purge import LEFT_BY_LOCK, Leftovers

    locks = Leftovers((("a.tar.gz.part.lock", 0, LEFT_BY_LOCK), ("b.tar.gz.part.lock", 0, LEFT_BY_LOCK)))
    assert _leftovers_line(locks) == (
        "2 leftovers of killed runs (0 B), empty lock files: each removed by the next install that "
        "downloads or unpacks its archive, by a purge of that archive, `pytui cache verify` or "
        "`pytui cache purge --all`")
    mixed = Leftovers((("a.tar.gz.part.lock", 0, LEFT_BY_LOCK), ("trees/.tmp-x", 2048, "an interrupted pytui")))
    assert _leftovers_line(mixed) == (
        "2 leftovers of killed runs (2.0 KiB), removed by `pytui cache verify` or `pytui cache purge "
        "--all`; 1 of them an empty lock file, which the next install that downloads or unpacks its "
        "archive also removes")
    other = Leftovers((("trees/.tmp-x", 2048, "an interrupted pytui"),))
    assert _leftovers_line(other) == (
        "1 leftover of killed runs (2.0 KiB), removed by `pytui cache verify` or `pytui cache purge --all`")
