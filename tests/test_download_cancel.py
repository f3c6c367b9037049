"""A cancel wakes a download whose request is still waiting for the response's head (a mirror
that accepted the connection and never answers: the loopback server's `silent` mode), through
the plain socket client and through httpx alike, with a read timeout of an hour. The httpx
case relies on httpcore's `trace` request extension reporting each new connection's stream:
these tests fail if a release stops doing so. Each waits for events (the request reaching the
server, the download's thread ending); the silent handlers are released when a test ends."""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fixtures_http import FaultyHTTPServer
from pytui.core.download import Downloader
from pytui.core.download_response import STREAM_EVENTS, InFlight
from pytui.core.errors import Cancelled
from pytui.core.http import TransferLimits
from pytui.core.progress import CancelToken, Progress

DATA = os.urandom(50_000)
SHA = hashlib.sha256(DATA).hexdigest()
# Far above what any of these waits needs, far below the read timeout (an hour).
BOUND = 120.0


@pytest.fixture
def server(http_server: FaultyHTTPServer) -> Iterator[FaultyHTTPServer]:
    try:
        yield http_server
    finally:
        http_server.stop()  # the silent handlers return before the next test


def _hour_limits() -> TransferLimits:
    return TransferLimits.from_env({"UV_HTTP_TIMEOUT": "3600", "PYTUI_HTTP_SPEED_LIMIT": "0",
                                    "UV_HTTP_RETRIES": "0"})


def _wait(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def _cancelled_while_silent(server: FaultyHTTPServer, downloader: Downloader, part: Path,
                            path: str = "/silent") -> BaseException | None:
    """Start a download of a silent URL in a thread, cancel once the request is at the
    server, and return what the download raised."""
    url = server.add(path, DATA, mode="silent")
    cancel = CancelToken()
    raised: list[BaseException | None] = []

    def run() -> None:
        try:
            downloader.download([url], part, expected_sha256=SHA, cancel=cancel)
        except BaseException as err:  # noqa: BLE001 - handed to the test
            raised.append(err)
        else:
            raised.append(None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    _wait(lambda: server.count(path) >= 1, "the request reaching the server")
    cancel.cancel()
    thread.join(BOUND)
    assert not thread.is_alive(), "the cancel did not wake the read"
    return raised[0]


def test_a_request_waiting_for_its_head_is_reported_as_a_download_waiting_for_the_host(
        server: FaultyHTTPServer, tmp_path: Path) -> None:
    """Before any answer comes, the progress callback hears that the download waits for the
    mirror (phase `download`, `waiting` naming its host), not nothing; the numbers are the
    body's (nothing received yet)."""
    seen: list[Progress] = []
    url = server.add("/quiet", DATA, mode="silent")
    cancel = CancelToken()
    with Downloader(limits=_hour_limits()) as downloader:
        thread = threading.Thread(target=_quietly, daemon=True,
                                  args=(downloader, url, tmp_path / "q.part", cancel, seen.append))
        thread.start()
        _wait(lambda: server.count("/quiet") >= 1, "the request reaching the server")
        _wait(lambda: any(p.waiting for p in seen), "the waiting report")
        cancel.cancel()
        thread.join(BOUND)
    host = server.base_url.split("://", 1)[1].split("/", 1)[0]
    waiting = [p for p in seen if p.waiting]
    assert waiting == [Progress("download", 0, None, None, "", host)]
    # An answer that comes is reported as before (no waiting in it).
    ok = server.add("/answers", DATA)
    seen.clear()
    with Downloader(limits=_hour_limits()) as downloader:
        downloader.download([ok], tmp_path / "ok.part", expected_sha256=SHA, progress=seen.append)
    assert seen[0].waiting == host and all(not p.waiting for p in seen[1:])
    assert seen[-1].done == len(DATA)


def _quietly(downloader: Downloader, url: str, part: Path, cancel: CancelToken,
             progress: Callable[[Progress], None]) -> None:
    with contextlib.suppress(Cancelled):
        downloader.download([url], part, expected_sha256=SHA, cancel=cancel, progress=progress)


def test_plain_client_cancel_wakes_a_request_waiting_for_its_head(
        server: FaultyHTTPServer, tmp_path: Path) -> None:
    with Downloader(limits=_hour_limits()) as downloader:
        err = _cancelled_while_silent(server, downloader, tmp_path / "a.part")
    assert isinstance(err, Cancelled), err


def test_httpx_cancel_wakes_a_request_waiting_for_its_head(
        server: FaultyHTTPServer, tmp_path: Path) -> None:
    with Downloader(limits=_hour_limits(), client_factory=httpx.Client) as downloader:
        # A download before it on the same server: its connection is not kept for reuse
        # (a pooled one would make no trace event for the cancel to see).
        url = server.add("/first", DATA)
        downloader.download([url], tmp_path / "first.part", expected_sha256=SHA)
        assert server.requests_for("/first")[0].headers.get("connection") == "close"
        err = _cancelled_while_silent(server, downloader, tmp_path / "a.part")
    assert isinstance(err, Cancelled), err


def test_httpcore_reports_each_new_connections_stream(server: FaultyHTTPServer) -> None:
    """What InFlight relies on: the trace event that carries the new connection's stream,
    whose `socket` is a real socket (and so can be shut from another thread)."""
    url = server.add("/traced", DATA)
    seen: list[tuple[str, object]] = []

    def trace(event: str, info: dict[str, object]) -> None:
        seen.append((event, info.get("return_value")))

    with httpx.Client() as client, client.stream("GET", url, extensions={"trace": trace}) as r:
        r.read()
    streams = [value for event, value in seen if event == STREAM_EVENTS[0]]
    assert len(streams) == 1, [event for event, _ in seen]
    import socket

    assert isinstance(streams[0].get_extra_info("socket"), socket.socket)  # type: ignore[attr-defined]


def test_in_flight_shuts_a_connection_made_after_the_cancel() -> None:
    import socket

    left, right = socket.socketpair()
    try:
        in_flight = InFlight()
        in_flight.shut()
        in_flight.add(left)
        assert left.recv(1) == b""  # shut: a read returns at once
    finally:
        left.close()
        right.close()
