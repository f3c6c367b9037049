"""uv downloads into the shared cache without pytui's lock: while `pytui install 3.12` downloaded
the archive (slowly), `uv python install 3.12` downloaded it too, renamed it into the cache and
installed. pytui went on to its last byte (a minute on a slow line) before it found the build
installed. It now stops its download once the archive is committed (core/foreign_commit.py),
drops its `.part`, and uses the committed file, re-hashed as it is read."""

from __future__ import annotations

import signal

import pytest
from cli_harness import FOREVER, PATIENT, Pytui, cache_name, finish, wait_for
from test_uv_interop import UV, uv


@pytest.mark.skipif(not UV.exists(), reason="needs uv beside the interpreter")
def test_a_download_stops_when_uv_commits_the_archive_meanwhile(pytui: Pytui) -> None:
    # pytui's response stalls after 60,000 bytes, for good; uv's (the next) is whole.
    made = pytui.add("3.12.8", payload=True,
                     faults={"stall_at": 60_000, "stall_seconds": FOREVER, "stall_times": 1})
    final = pytui.cache / cache_name(made)
    part = final.with_name(final.name + ".part")
    proc = pytui.popen("install", "3.12", **PATIENT)
    try:
        wait_for(lambda: part.exists() and part.stat().st_size > 0, "pytui's download to begin", proc)
        installed = uv(pytui, "python", "install", "3.12", cache=True, offline=False)
        assert installed.returncode == 0, installed.stderr
        assert final.is_file()
        done = finish(proc)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            finish(proc)
    assert done.returncode == 0, str(done)
    assert "Traceback" not in done.stderr
    assert f"{made.build.key} was installed meanwhile" in done.stderr or \
        "already installed" in done.stderr, str(done)
    # Its .part and resume state went; the committed archive is the cache's.
    left = {p.name for p in pytui.cache.iterdir() if p.name.startswith(final.name)}
    assert left - {final.name + ".part.lock"} == {final.name}, left  # an empty lock file may stay
    assert final.read_bytes() == made.path.read_bytes()
    assert pytui.requests(made) == 2  # pytui's stalled one and uv's: no retry, no resume
