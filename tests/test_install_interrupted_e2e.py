"""`pytui install` interrupted, end to end (the CLI as a subprocess, the loopback server): kill -9
mid-extraction leaves no visible install, Ctrl-C mid-download keeps a resumable `.part` and
nothing else, and two processes installing at once (different keys, the same key) both end well.
Each step waits for an observed event (tests/cli_harness.py `wait_for`), never for a time.
"""

from __future__ import annotations

import os
import signal

import pytest
from cli_harness import (
    Pytui,
    assert_install_resumes,
    assert_installed,
    cache_name,
    minor_of,
    wait_for,
)
from fixtures_archives import file

# -- kill -9, two processes --------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["no-cache", "cache", "tree"])
def test_kill_9_mid_extraction_leaves_no_visible_install(pytui: Pytui, how: str) -> None:
    # --no-cache streams a trickling download into extraction: the small members before the
    # payload are on disk while its bytes still arrive. With the cache, a cached archive of
    # 1,500 small files is extracted (PYTUI_NO_TREES: the first install kept its tree), or,
    # `tree`, that tree is linked. The kill lands once the stage holds files.
    no_cache = how == "no-cache"
    many = [] if no_cache else [file(f"lib/python3.12/many/m{i}.py", f"x = {i}\n") for i in range(1500)]
    made = pytui.add("3.12.8", payload=True, faults={"rate": 100_000} if no_cache else {}, extra=many)
    if not no_cache:
        pytui.call("install", "3.12")
        pytui.call("uninstall", "3.12")
        pytui.server.clear_requests()
    before = pytui.state()
    proc = pytui.popen("install", *(["--no-cache"] if no_cache else []), "3.12",
                       **({"PYTUI_NO_TREES": "1"} if how == "cache" else {}))
    try:
        wait_for(lambda: pytui.staged_files() or proc.poll() is not None, "extraction")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    if proc.returncode != -signal.SIGKILL:
        pytest.skip("the install finished before it could be killed")
    prefix = pytui.root / made.build.key
    committed_links: set[str] = set()  # outside the root, what a committed install made
    committed = os.path.lexists(prefix)
    if committed:
        # On a loaded machine the kill may land after the commit's rename: then the install is
        # complete (fix-ups run in the stage, before the rename), never partial, and its bin
        # link may be made too (into the root, as every install's).
        assert (prefix / "BUILD").read_text().strip() == made.build.build
        assert (prefix / "lib/python3.12/EXTERNALLY-MANAGED").is_file() and (prefix / "bin/python").is_symlink()
        assert len(list((prefix / "lib/python3.12/many").iterdir())) == len(many)
        bin_link = pytui.bin / "python3.12"
        if os.path.lexists(bin_link):
            assert os.readlink(bin_link).startswith(str(pytui.root / minor_of("3.12.8")))
            committed_links.add(str(bin_link))
    else:
        assert not os.path.lexists(pytui.root / minor_of("3.12.8")) and not os.path.lexists(pytui.bin / "python3.12")
        assert pytui.temp_left(), "the killed run's stage should be left behind"
        listed = pytui.run("list", "--only-installed")
        assert made.build.key not in listed.stdout
    # An install unpacking the archive holds its lock file (core/job_archive.take_turn): killed,
    # it leaves that empty file, which the next install unpacking the archive (or a purge) removes.
    lock = str(pytui.cache / (cache_name(made) + ".part.lock"))
    if not no_cache:
        assert [name for name in pytui.cached() if name != os.path.basename(lock)] == [cache_name(made)]
        assert how == "cache" or not os.path.lexists(lock)  # (a tree is linked without it)
        after = pytui.state()
        assert {k: v for k, v in after.items() if str(pytui.root) not in k and k not in committed_links
                and k != lock} == \
               {k: v for k, v in before.items() if str(pytui.root) not in k and k not in committed_links}
    pytui.server.set_faults(made.url_path, rate=None)
    again = pytui.run("install", *(["--no-cache"] if no_cache else []), "3.12",
                      **({"PYTUI_NO_TREES": "1"} if how == "cache" else {}))
    assert again.returncode == 0, str(again)
    assert_installed(pytui, made)
    assert pytui.temp_left() == []
    if not no_cache and not committed:  # (one committed before the kill is not installed again)
        assert pytui.cached() == [cache_name(made)]


def _interrupted(proc, ready, what: str, *, timeout: float) -> None:
    """Ctrl-C once `ready()` (or the process ended), then the one line and exit code 130."""
    try:
        wait_for(lambda: ready() or proc.poll() is not None, what)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("error: interrupted"), err


def test_ctrl_c_mid_download_keeps_a_resumable_part_and_nothing_else(pytui: Pytui) -> None:
    # Event-driven: the server stalls after 20 kB until the test ends, so the install cannot
    # finish before the signal however loaded the machine is; no timeout can end it either.
    made = pytui.add("3.12.8", payload=True, faults={"stall_at": 20_000, "stall_seconds": 3600})
    proc = pytui.popen("install", "3.12", UV_HTTP_TIMEOUT="3600", PYTUI_HTTP_SPEED_LIMIT="0")
    # The first bytes received are flushed to the .part at once: wait until pytui holds some.
    part = pytui.cache / (cache_name(made) + ".part")
    _interrupted(proc, lambda: part.is_file() and part.stat().st_size > 0,
                 "the first bytes in the .part", timeout=30)
    # The job stopped and cleaned its stage before the process exited.
    assert pytui.temp_left() == [] and not pytui.bin.exists()
    assert not os.path.lexists(pytui.root / made.build.key)
    parts = [n for n in pytui.cached() if n.endswith(".part")]
    assert parts and not (pytui.cache / cache_name(made)).exists(), pytui.cached()
    pytui.server.set_faults(made.url_path, stall_at=None)
    assert_install_resumes(pytui, made)


def test_ctrl_c_while_the_server_never_answers_exits_without_the_read_timeout(pytui: Pytui) -> None:
    """A mirror that accepted the connection and never answers: the cancel cannot wake a read
    that has no response yet, so Ctrl-C stops waiting for the job after CANCEL_GRACE_SECONDS,
    not after the read timeout (an hour here: the test's own bound is far below it)."""
    made = pytui.add("3.12.8", payload=True, faults={"mode": "silent"})
    proc = pytui.popen("install", "3.12", UV_HTTP_TIMEOUT="3600")
    _interrupted(proc, lambda: pytui.requests(made) >= 1, "the request reaching the server",
                 timeout=300)
    assert not os.path.lexists(pytui.root / made.build.key) and not pytui.bin.exists()
    assert not (pytui.cache / cache_name(made)).exists()
    # The next run cleans what the abandoned job left and installs.
    pytui.server.set_faults(made.url_path, mode=None)
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    assert_installed(pytui, made)
    assert pytui.temp_left() == []


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
