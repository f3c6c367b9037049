"""The CLI's progress board: a retry's note is printed once, with the build's key; a download
that stalls says so (core/stalls.py, as the TUI's rows), against the tests' stalling server."""

from __future__ import annotations

import io
import os
import re
import threading

from cli_harness import FOREVER
from download_thread import download_in_thread
from fixtures_archives import make_build
from pytui.app.progress_board import ProgressBoard
from pytui.core.progress import Progress
from pytui.core.stalls import STALL_NOTE, STALL_SAID_AFTER


def test_a_retry_note_is_a_line_of_its_own() -> None:
    out = io.StringIO()
    build = make_build(version="3.12.8")
    board = ProgressBoard(out, live=False)
    report = board.callback(build)
    report(Progress("download", 0, 100))
    report(Progress("download", 10, 100, note="retrying in 2 s (attempt 2 of 4): HTTP 503"))
    report(Progress("download", 100, 100))
    lines = out.getvalue().splitlines()
    assert lines == [f"download {build.key} (100 B)",
                     f"{build.key}: retrying in 2 s (attempt 2 of 4): HTTP 503"]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _frame(board: ProgressBoard, out: io.StringIO) -> list[str]:
    """The lines of one redraw of the live bars (escape sequences left out)."""
    out.seek(0)
    out.truncate()
    board._draw()
    shown = (re.sub(r"\x1b\[[0-9]*[A-Za-z]", "", line) for line in out.getvalue().splitlines())
    return [line for line in shown if line]


def test_a_stalled_download_says_so_in_its_bar_and_once_as_a_plain_line(http_server, tmp_path,
                                                                         monkeypatch) -> None:
    # The bars kept the speed of the last bytes (and said nothing on a pipe) while the transfer
    # stalled, until the read timed out (30 s by default); the TUI's rows said it already.
    monkeypatch.setenv("COLUMNS", "200")  # the bars' width (a worker's own may be 80)
    data = os.urandom(700_000)
    stall_at = 300_000
    # Sent at 1 MB/s (the reports carry a speed), then nothing.
    url = http_server.add("/a", data, rate=1_000_000, stall_at=stall_at, stall_seconds=FOREVER)
    build = make_build(version="3.12.8")
    clock = Clock()
    live_out, plain_out = io.StringIO(), io.StringIO()
    live = ProgressBoard(live_out, live=True, clock=clock)
    plain = ProgressBoard(plain_out, live=False, clock=clock)
    reports = [live.callback(build), plain.callback(build)]
    arrived = threading.Event()

    def callback(progress: Progress) -> None:
        for report in reports:
            report(progress)
        if progress.done >= stall_at:
            arrived.set()

    with download_in_thread(url, data, tmp_path / "a.part", callback):
        assert arrived.wait(60.0)
        [bar] = _frame(live, live_out)
        assert bar.startswith(f"{build.key}  download ") and "/s" in bar, bar
        plain.say_stalls()
        assert STALL_NOTE not in plain_out.getvalue()
        clock.now += STALL_SAID_AFTER + 7
        said = f"{STALL_NOTE}12 s: waiting for the read timeout (Ctrl-C stops)"
        bar, note = _frame(live, live_out)
        assert "/s" not in bar and "293.0 KiB/683.6 KiB" in bar and note == f"  {said}", (bar, note)
        plain.say_stalls()
        clock.now += 1
        plain.say_stalls()  # said once per stall, not every second
        assert plain_out.getvalue().splitlines()[-1:] == [f"{build.key}: {said}"], plain_out.getvalue()
        assert plain_out.getvalue().count(STALL_NOTE) == 1
        # A retry's note (or a request with no answer yet) says more: no stall under it.
        callback(Progress("download", stall_at, len(data), note="retrying in 4 s (attempt 2 of 4)"))
        clock.now += 60
        assert len(_frame(live, live_out)) == 1
        # Nor once the job ended (failed in its download): its reports stopped.
        callback(Progress("download", stall_at + 1, len(data), speed=1e5))
        live.ended(build)
        clock.now += 60
        assert len(_frame(live, live_out)) == 1


def test_a_retry_that_stalls_at_once_counts_its_stall_from_its_answer(http_server, tmp_path,
                                                                       monkeypatch) -> None:
    # Counted from the bytes before the retry, a server that stalled again at once read
    # `no data for 34 s` at the first tick: the read timeout and the retry's wait included.
    monkeypatch.setenv("COLUMNS", "200")
    data = os.urandom(200_000)
    # The first answer stalls after fewer bytes than a free retry needs (MIN_PROGRESS), and
    # fails once they are reported: a retry with a note and a wait.
    first_fails = threading.Event()
    url = http_server.add("/a", data, stall_at=30_000, stall_seconds=FOREVER, stall_release=first_fails)
    build = make_build(version="3.12.8")
    clock = Clock()
    live_out, plain_out = io.StringIO(), io.StringIO()
    live = ProgressBoard(live_out, live=True, clock=clock)
    plain = ProgressBoard(plain_out, live=False, clock=clock)
    reports = [live.callback(build), plain.callback(build)]
    retried: list[Progress] = []
    answered = threading.Event()

    def callback(progress: Progress) -> None:
        if progress.note:  # 30 s of a read that timed out; the retry's answer stalls at once
            http_server.set_faults("/a", stall_at=0, stall_times=-1, stall_release=None)
            clock.now += 30
            retried.append(progress)
        elif progress.waiting and retried:  # the retry's wait
            clock.now += 4
        for report in reports:
            report(progress)
        if progress.done == 30_000 and not retried:
            first_fails.set()
        elif retried and not progress.note and not progress.waiting:
            answered.set()

    with download_in_thread(url, data, tmp_path / "a.part", callback):
        assert answered.wait(60.0)
        assert http_server.count("/a") == 2 and retried[0].done == 30_000
        assert len(_frame(live, live_out)) == 1, live_out.getvalue()
        plain.say_stalls()
        clock.now += STALL_SAID_AFTER + 1
        said = f"{STALL_NOTE}6 s: waiting for the read timeout (Ctrl-C stops)"
        bar, note = _frame(live, live_out)
        assert note == f"  {said}", (bar, note)
        plain.say_stalls()
        assert plain_out.getvalue().count(STALL_NOTE) == 1
        assert plain_out.getvalue().splitlines()[-1] == f"{build.key}: {said}", plain_out.getvalue()


def test_a_bar_gives_way_before_the_byte_counts_on_a_narrow_terminal(monkeypatch) -> None:
    # At 80 columns the line was cut at the edge: `… ██░░ 2.3 MiB/18.4` (the total's unit and
    # the speed gone, a number cut in two). The bar narrows, then the speed goes, then the bar.
    out = io.StringIO()
    board = ProgressBoard(out, live=True, clock=Clock())
    build = make_build(version="3.11.7", build_date="20250115")
    board.callback(build)(Progress("download", 2_411_724, 19_296_287, speed=307_200.0))
    for columns in (200, 100, 80, 60, 40):
        monkeypatch.setenv("COLUMNS", str(columns))
        [bar] = _frame(board, out)
        assert len(bar) < columns, (columns, bar)
        if columns >= 50:
            assert bar.startswith(f"{build.key}  download ") and "2.3 MiB/18.4 MiB" in bar, bar
        if columns >= 100:
            assert bar.endswith("2.3 MiB/18.4 MiB  300.0 KiB/s") and "██" + "░" * 22 in bar, bar
        elif columns >= 80:
            assert bar.endswith(" 2.3 MiB/18.4 MiB") and "█" in bar and "░" * 8 in bar, bar
    monkeypatch.setenv("COLUMNS", "60")
    [bar] = _frame(board, out)
    assert bar == f"{build.key}  download 2.3 MiB/18.4 MiB", bar
