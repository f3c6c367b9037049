"""The CLI's live bar while an install waits for the install root's lock (uv installing, or
another pytui): it read `finish ····` under a line printed once above the bars, as if the job
worked, while the TUI's row said `waiting`. Now the build's own bar says it waits, for whom
(the lock's holder, from /proc/locks) and that Ctrl-C stops, and goes back to its bar once the
lock is taken. The wait is said per job (run_install_jobs's `wait_for`, as `progress_for`),
not once per run. The holder is a real process flock'ing the real lock file."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fixtures_archives import make_pbs_archive
from pytui.app.progress_board import STOP_HINT, ProgressBoard, _wrapped
from pytui.core.catalog import Catalog
from pytui.core.job_runs import run_install_jobs
from pytui.core.settings import Settings

BOUND = 60.0  # seconds a step may take on a busy machine before the test gives up


def _frame(board: ProgressBoard) -> list[str]:
    out = board.stream
    assert isinstance(out, io.StringIO)
    out.seek(0)
    out.truncate()
    board._draw()
    shown = (re.sub(r"\x1b\[[0-9]*[A-Za-z]", "", line) for line in out.getvalue().splitlines())
    return [line for line in shown if line]


def _holder(lock: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o666); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()",
         str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_the_bar_says_the_wait_its_holder_and_ctrl_c_then_its_step(tmp_path: Path,
                                                                   monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    made = make_pbs_archive(tmp_path / "made", version="3.12.8")
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(tmp_path), "UV_PYTHON_BIN_DIR": str(tmp_path / "bin")})
    settings.cache_dir.mkdir(parents=True)
    shutil.copyfile(made.path, settings.cache_dir / made.build.cache_filename)  # no download
    settings.install_root.mkdir(parents=True)
    board = ProgressBoard(io.StringIO(), live=True)  # bars drawn by _frame, not a thread
    waits = threading.Event()
    wait_for = board.waiting

    def waiting(build):
        said = wait_for(build)

        def on_wait(line: str) -> None:
            said(line)
            waits.set()
        return on_wait

    holder = _holder(settings.install_root / ".lock")
    outcomes: list = []
    job = threading.Thread(target=lambda: outcomes.extend(run_install_jobs(
        [made.build], settings=settings, catalog=Catalog([made.build], source="test"),
        progress_for=board.callback, wait_for=waiting)))
    try:
        job.start()
        assert waits.wait(BOUND), "the job never waited for the lock"
        frame = _frame(board)
        assert frame[0] == f"{made.build.key}  waiting", frame
        said = "".join("".join(line.split()) for line in frame[1:])  # as wrapped, spaces out
        want = f"waiting for the lock on {settings.install_root} (held by pid {holder.pid}: "
        assert "".join(want.split()) in said, frame
        assert said.endswith("".join(f"; {STOP_HINT}".split())), frame
        assert not any("····" in line for line in frame), frame
        assert all(len(line) < 200 for line in frame), frame
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
        job.join(BOUND)
    assert not job.is_alive() and outcomes and outcomes[0].error is None, outcomes
    frame = _frame(board)
    assert [line.rstrip() for line in frame] == [f"{made.build.key}  finish   " + "·" * 24], frame


def test_a_long_wait_line_keeps_its_holder_and_the_way_out() -> None:
    line = ("waiting for the lock on /" + "d" * 3000 + " (held by pid 7: uv python install "
            "3.12, which is changing the install root; up to 300s, UV_LOCK_TIMEOUT); "
            f"{STOP_HINT}")
    lines = _wrapped(line, 80)  # the 3000-character name goes whole: it is cut at its `/`
    assert len(lines) <= 3 and all(len(shown) < 80 for shown in lines), lines
    joined = " ".join(shown.strip() for shown in lines)
    assert "…" in joined and "(held by pid 7: uv python install" in joined
    assert joined.endswith(STOP_HINT)


def _real_waits(tmp_path: Path) -> tuple[list[str], list[int]]:
    """The two wait lines core says with real holders: the root's lock (a raw flock, as uv
    takes it) and a download's `.part.lock` (another process downloading), and their pids."""
    from pytui.core.cache_locks import exclusive
    from pytui.core.errors import Cancelled
    from pytui.core.install_root import InstallRoot, LockTimeout
    from pytui.core.progress import CancelToken

    root = tmp_path / "root"
    root.mkdir()
    part_lock = tmp_path / "cache" / "cpython-3.12.8-x.tar.gz.part.lock"
    part_lock.parent.mkdir()
    holders = [_holder(root / ".lock"), _holder(part_lock)]
    said: list[str] = []
    try:
        with contextlib.suppress(LockTimeout), InstallRoot(root, lock_timeout=0.1).locked(
                on_wait=said.append):
            pass
        cancel = CancelToken()
        with contextlib.suppress(Cancelled), exclusive(
                part_lock, cancel, "cpython-3.12.8-linux-x86_64-gnu",
                on_wait=lambda line: (said.append(line), cancel.cancel())):
            pass
    finally:
        for holder in holders:
            assert holder.stdin is not None
            holder.stdin.close()
            holder.wait()
    assert len(said) == 2, said
    return said, [holder.pid for holder in holders]


@pytest.mark.parametrize("width", [40, 60, 80])
def test_a_narrow_bar_keeps_the_key_the_holder_and_the_way_out(tmp_path: Path, monkeypatch,
                                                               width: int) -> None:
    """At 40 columns the middle cut took the holder's pid (`waiting for the lock on /home/some…`
    then the root lock's tail); each line must fit, and say which key waits, the holder's pid
    (and its command's start) and `Ctrl-C stops`."""
    from archive_builds import make_build

    said, pids = _real_waits(tmp_path)
    monkeypatch.setenv("COLUMNS", str(width))
    build = make_build()
    for message, pid in zip(said, pids, strict=True):
        board = ProgressBoard(io.StringIO(), live=True)
        board.callback(build)
        board.waiting(build)(message)
        frame = _frame(board)
        assert all(len(line) <= width - 1 for line in frame), frame
        assert frame[0].endswith(" waiting") and len(frame) <= 4, frame
        assert frame[0].startswith(build.key[:15]), frame
        text = " ".join(line.strip() for line in frame[1:])
        assert f"pid {pid}: python" in text, frame
        assert text.endswith(f"; {STOP_HINT}"), frame
