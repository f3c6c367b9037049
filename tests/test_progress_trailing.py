"""A throttled report dropped because it came too soon is sent late (`Throttle(trailing=True)`):
a download that stalls right after a burst shows the bytes it has, not those of the last report
that got through. Unit tests of the throttle, then the downloader against a real stalling server."""

from __future__ import annotations

import os
import threading

from cli_harness import FOREVER
from download_thread import download_in_thread
from pytui.core.progress import Progress, Throttle

WAIT = 60.0  # a bound for an event that comes within one throttle interval


def _recorder(wanted_done: int) -> tuple[list[Progress], threading.Event, object]:
    seen: list[Progress] = []
    arrived = threading.Event()

    def callback(progress: Progress) -> None:
        seen.append(progress)
        if progress.done >= wanted_done:
            arrived.set()

    return seen, arrived, callback


def test_a_report_dropped_for_coming_too_soon_is_sent_after_the_interval():
    seen, arrived, callback = _recorder(300)
    throttle = Throttle(callback, rate=10.0, trailing=True)  # type: ignore[arg-type]
    for done in (100, 200, 300):  # the first passes (a new phase), the next two come too soon
        throttle(Progress("download", done, 1000))
    assert [p.done for p in seen] in ([100], [100, 300])
    assert arrived.wait(WAIT)
    assert [p.done for p in seen] == [100, 300]  # the newest only, once


def test_without_trailing_a_report_that_came_too_soon_is_dropped_as_before():
    seen: list[Progress] = []
    throttle = Throttle(seen.append, rate=0.001)  # one report every 1000 s
    throttle(Progress("download", 100, 1000))
    throttle(Progress("download", 200, 1000))
    assert [p.done for p in seen] == [100] and throttle._timer is None


def test_a_newer_report_sent_in_time_leaves_nothing_pending():
    seen: list[Progress] = []
    throttle = Throttle(seen.append, rate=0.001, trailing=True)
    throttle(Progress("download", 100, 1000))
    throttle(Progress("download", 200, 1000))  # pending, its timer armed
    throttle(Progress("verify", 0, 1000))  # a new phase passes and supersedes it
    throttle._flush()  # what the timer would do
    assert [(p.phase, p.done) for p in seen] == [("download", 100), ("verify", 0)]
    throttle.close()


def test_close_drops_what_is_pending_and_nothing_is_sent_after():
    seen: list[Progress] = []
    throttle = Throttle(seen.append, rate=0.001, trailing=True)
    throttle(Progress("download", 100, 1000))
    throttle(Progress("download", 200, 1000))
    timer = throttle._timer
    throttle.close()
    assert timer is not None and timer.finished.is_set()  # cancelled
    throttle._flush()
    throttle(Progress("extract", 0, 10))
    assert [p.done for p in seen] == [100]


def test_a_download_that_stalls_after_a_burst_reports_the_bytes_it_has(http_server, tmp_path):
    data = os.urandom(700_000)
    stall_at = 300_000
    url = http_server.add("/a", data, stall_at=stall_at, stall_seconds=FOREVER)
    seen, arrived, callback = _recorder(stall_at)
    with download_in_thread(url, data, tmp_path / "a.part", callback):  # type: ignore[arg-type]
        # The server sends 300,000 bytes at once and then nothing: without the late report
        # the last one through said the first chunk's bytes until the stall ended.
        assert arrived.wait(WAIT), f"last report: {seen[-1] if seen else None}"
        assert max(p.done for p in seen) == stall_at
