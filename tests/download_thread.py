"""A real download running on a thread against the tests' server, for tests that look at its
progress while the server stalls it (tests/test_progress_trailing.py, test_progress_board.py)."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from cli_harness import FOREVER
from pytui.core.download import Downloader
from pytui.core.download_policy import Backoff
from pytui.core.errors import Cancelled
from pytui.core.http import TransferLimits
from pytui.core.progress import CancelToken, Progress

JOIN_WAIT = 60.0  # a bound for the download's end once it is cancelled


@contextlib.contextmanager
def download_in_thread(url: str, data: bytes, part: Path,
                       progress: Callable[[Progress], None]) -> Iterator[None]:
    """`url` (whose bytes are `data`) downloaded into `part` on a thread with no read timeout
    and no speed floor (a stalled server is waited on, not retried), reporting to `progress`;
    a transfer cut short is retried after 1 to 2 ms. On leaving, the download is cancelled; it
    must end by that, and only that."""
    token = CancelToken()
    outcome: list[BaseException] = []

    def run() -> None:
        limits = TransferLimits(read_timeout=FOREVER, speed_limit=0)
        try:
            with Downloader(limits=limits, backoff=Backoff(base=0.002)) as dl:
                dl.download([url], part, expected_sha256=hashlib.sha256(data).hexdigest(),
                            progress=progress, cancel=token)
        except BaseException as err:  # noqa: BLE001 - handed to the test's thread
            outcome.append(err)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        yield
    finally:
        token.cancel()
        worker.join(JOIN_WAIT)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled), outcome
