"""The downloader against a real loopback server that misbehaves on demand."""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import tarfile
import threading
from pathlib import Path

import pytest
from download_doubles import FAST, RecordingBackoff
from pytui.core.download import Backoff, Downloader, file_url_path
from pytui.core.download_policy import MISSING_NEXT_STEP
from pytui.core.errors import Cancelled, DownloadError, HashMismatch, OfflineError
from pytui.core.http import TransferLimits
from pytui.core.progress import CancelToken, Progress
from pytui.core.units import format_bytes

DATA = os.urandom(700_000) + b"end"
SHA = hashlib.sha256(DATA).hexdigest()


@pytest.fixture
def work(tmp_path):
    """A directory of its own (the hermetic env puts HOME in the test's tmp_path)."""
    path = tmp_path / "work"
    path.mkdir()
    return path


def _dir_listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


def test_plain_download_hashes_and_reports_progress(http_server, downloader, work):
    url = http_server.add("/a.tar.gz", DATA)
    seen: list[Progress] = []
    result = downloader.download([url], work / "a.part", expected_sha256=SHA, progress=seen.append)
    assert result.sha256 == SHA and result.size == len(DATA) and result.url == url
    assert (work / "a.part").read_bytes() == DATA
    assert not (work / "a.part.json").exists()
    assert seen[-1].phase == "download" and seen[-1].done == seen[-1].total == len(DATA)
    assert http_server.requests_for("/a.tar.gz")[0].headers["accept-encoding"] == "identity"


@pytest.mark.parametrize("fault", ["cut_at", "reset_at"])
def test_connection_lost_mid_body_resumes_with_range_and_if_range(http_server, downloader, work, fault):
    url = http_server.add("/a", DATA, **{fault: len(DATA) // 2})
    result = downloader.download([url], work / "a.part", expected_sha256=SHA)
    assert result.sha256 == SHA
    first, second = http_server.requests_for("/a")
    assert first.fault == fault.removesuffix("_at") and first.status == 200
    assert second.status == 206 and second.range_header.startswith("bytes=")
    assert second.headers["if-range"].startswith('"')  # the strong ETag
    assert 0 < second.range[0] <= len(DATA) // 2
    assert second.body_sent < len(DATA)  # only the rest travelled again
    assert http_server.resumed("/a")


def test_resume_uses_last_modified_when_there_is_no_etag(http_server, downloader, work):
    url = http_server.add("/a", DATA, cut_at=300_000, etag=False)
    downloader.download([url], work / "a.part", expected_sha256=SHA)
    second = http_server.requests_for("/a")[1]
    assert second.status == 206 and second.headers["if-range"].endswith("GMT")


def test_server_errors_are_retried_with_backoff(http_server, work):
    backoff = RecordingBackoff()
    url = http_server.add("/a", DATA, fail=2)
    with Downloader(backoff=backoff) as dl:
        result = dl.download([url], work / "a.part", expected_sha256=SHA)
    assert result.sha256 == SHA
    assert [r.status for r in http_server.requests_for("/a")] == [500, 500, 200]
    assert backoff.calls == [1, 2]


@pytest.mark.parametrize("status", [408, 429, 503])
def test_other_transient_statuses_are_retried(http_server, downloader, work, status):
    url = http_server.add("/a", DATA, fail=1, fail_status=status)
    assert downloader.download([url], work / "a.part", expected_sha256=SHA).sha256 == SHA


def test_404_fails_at_once_and_leaves_nothing(http_server, work):
    backoff = RecordingBackoff()
    url = http_server.add("/a", DATA, status=404)
    with Downloader(backoff=backoff) as dl, pytest.raises(DownloadError) as err:
        dl.download([url], work / "a.part", expected_sha256=SHA, what="cpython-3.12.8-linux-x86_64-gnu")
    message = str(err.value)
    assert "cpython-3.12.8-linux-x86_64-gnu" in message and "404" in message and url in message
    assert "\n" not in message and message.endswith(f"; {MISSING_NEXT_STEP}")
    assert err.value.next_step == MISSING_NEXT_STEP and MISSING_NEXT_STEP not in err.value.cause
    assert backoff.calls == [] and http_server.count("/a") == 1
    assert _dir_listing(work) == []


def test_next_url_is_tried_without_backoff(http_server, work):
    backoff = RecordingBackoff()
    bad = http_server.add("/mirror/a", DATA, status=404)
    good = http_server.add("/github/a", DATA)
    with Downloader(backoff=backoff) as dl:
        result = dl.download([bad, good], work / "a.part", expected_sha256=SHA)
    assert result.url == good and backoff.calls == []


def test_retries_exhausted_keep_the_part_and_the_next_call_resumes(http_server, work):
    # Cuts after less than MIN_PROGRESS new bytes: each one spends the retry budget.
    url = http_server.add("/a", DATA, cut_at=20_000, cut_times=-1)
    part = work / "a.part"
    with Downloader(backoff=FAST, retries=1) as dl, pytest.raises(DownloadError) as err:
        dl.download([url], part, expected_sha256=SHA)
    assert "after 1 retry in" in str(err.value) and "resumes" in str(err.value)
    assert http_server.count("/a") == 2
    kept = part.stat().st_size
    assert kept > 0 and json.loads((work / "a.part.json").read_text())["total"] == len(DATA)
    http_server.set_faults("/a", cut_at=None)
    with Downloader(backoff=FAST) as dl:
        result = dl.download([url], part, expected_sha256=SHA)
    assert result.sha256 == SHA and result.resumed_from == kept
    assert http_server.requests_for("/a")[-1].range == (kept, len(DATA) - 1)


def test_uv_http_retries_zero_means_one_attempt(http_server, work):
    url = http_server.add("/a", DATA, fail=1)
    with Downloader(backoff=FAST, env={"UV_HTTP_RETRIES": "0"}) as dl, pytest.raises(DownloadError):
        dl.download([url], work / "a.part", expected_sha256=SHA)
    assert http_server.count("/a") == 1


def test_wrong_bytes_are_a_hash_mismatch_and_nothing_is_kept(http_server, downloader, work):
    url = http_server.add("/a", DATA, corrupt=True)
    with pytest.raises(HashMismatch) as err:
        downloader.download([url], work / "a.part", expected_sha256=SHA, what="cpython-3.12.8-x")
    message = str(err.value)
    assert "cpython-3.12.8-x" in message and url in message and SHA in message
    assert hashlib.sha256(bytes(b ^ 0xFF for b in DATA)).hexdigest() in message
    assert http_server.count("/a") == 1  # a mismatch is not retried (as uv)
    assert _dir_listing(work) == []


def test_server_ignoring_range_restarts_cleanly(http_server, downloader, work):
    url = http_server.add("/a", DATA, cut_at=400_000, ignore_range=True)
    result = downloader.download([url], work / "a.part", expected_sha256=SHA)
    assert result.sha256 == SHA and (work / "a.part").read_bytes() == DATA
    first, second = http_server.requests_for("/a")
    assert second.range_header and second.status == 200 and second.body_sent == len(DATA)


def test_changed_file_fails_if_range_and_restarts(http_server, downloader, work):
    """The .part holds the old bytes; If-Range no longer matches, so the server sends the new file whole."""
    old = os.urandom(600_000)
    new = os.urandom(600_000)
    url = http_server.add("/a", old, rate=1_500_000)
    part = work / "a.part"
    token = CancelToken()

    def cancel_midway(p: Progress) -> None:
        if p.done > 100_000:
            token.cancel()

    with Downloader(backoff=FAST, chunk_size=16_384) as dl, pytest.raises(Cancelled):
        dl.download([url], part, expected_sha256=hashlib.sha256(new).hexdigest(),
                    progress=cancel_midway, cancel=token)
    http_server.replace("/a", new)
    http_server.set_faults("/a", rate=None)
    with Downloader(backoff=FAST) as dl:
        result = dl.download([url], part, expected_sha256=hashlib.sha256(new).hexdigest())
    assert part.read_bytes() == new and result.resumed_from > 0
    last = http_server.requests_for("/a")[-1]
    assert last.headers.get("if-range") and last.status == 200


def test_cancel_leaves_a_resumable_part_that_another_process_resumes(http_server, work):
    url = http_server.add("/a", DATA, rate=2_000_000)
    part = work / "a.part"
    token = CancelToken()

    def cancel_midway(p: Progress) -> None:
        if p.done >= 300_000:
            token.cancel()

    with Downloader(backoff=FAST, chunk_size=16_384) as dl, pytest.raises(Cancelled) as err:
        dl.download([url], part, expected_sha256=SHA, progress=cancel_midway, cancel=token)
    assert "cancelled" in str(err.value) and str(part) in str(err.value)
    kept = part.stat().st_size
    # The kept bytes in the one unit system (MiB as uv), not a raw byte count.
    assert f"{format_bytes(kept)} kept in {part}" in str(err.value) and "bytes kept" not in str(err.value)
    assert 300_000 <= kept < len(DATA)
    state = json.loads((work / "a.part.json").read_text())
    assert state["url"] == url and state["etag"] and state["sha256"] == SHA
    # A new Downloader (as a new process would) resumes from the saved validator.
    http_server.set_faults("/a", rate=None)
    with Downloader(backoff=FAST) as dl:
        result = dl.download([url], part, expected_sha256=SHA)
    assert result.sha256 == SHA and result.resumed_from == kept
    last = http_server.requests_for("/a")[-1]
    assert last.status == 206 and last.range == (kept, len(DATA) - 1)
    assert last.headers["if-range"] == state["etag"]


def test_a_bad_old_part_is_retried_from_scratch_once(http_server, downloader, work):
    url = http_server.add("/a", DATA)
    part = work / "a.part"
    part.write_bytes(b"\0" * 1000)  # not the start of DATA
    result = downloader.download([url], part, expected_sha256=SHA)
    assert result.sha256 == SHA and part.read_bytes() == DATA
    ranges = [r.range_header for r in http_server.requests_for("/a")]
    assert ranges == ["bytes=1000-", None]


def test_a_complete_part_is_finished_from_a_416(http_server, downloader, work):
    url = http_server.add("/a", DATA)
    part = work / "a.part"
    part.write_bytes(DATA)
    result = downloader.download([url], part, expected_sha256=SHA)
    assert result.sha256 == SHA and result.resumed_from == len(DATA)
    assert [r.status for r in http_server.requests_for("/a")] == [416]


def test_a_stalled_transfer_times_out_and_resumes(http_server, work):
    url = http_server.add("/a", DATA, stall_at=250_000, stall_seconds=10)
    with Downloader(backoff=FAST, limits=TransferLimits(read_timeout=0.3)) as dl:
        result = dl.download([url], work / "a.part", expected_sha256=SHA)
    assert result.sha256 == SHA
    assert http_server.requests_for("/a")[0].fault == "stall" and http_server.resumed("/a")


def test_a_trickle_reports_speed(http_server, downloader, work):
    data = os.urandom(60_000)
    url = http_server.add("/a", data, rate=200_000)
    seen: list[Progress] = []
    downloader.download([url], work / "a.part", expected_sha256=hashlib.sha256(data).hexdigest(),
                        progress=seen.append)
    assert any(p.speed for p in seen)
    assert [p.done for p in seen] == sorted(p.done for p in seen)


def test_refused_connection_is_transient(work):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    backoff = RecordingBackoff()
    with Downloader(backoff=backoff, retries=2) as dl, pytest.raises(DownloadError) as err:
        dl.download([f"http://127.0.0.1:{port}/a"], work / "a.part", expected_sha256=SHA)
    assert backoff.calls == [1, 2]
    assert f"(http://127.0.0.1:{port}/a: 127.0.0.1:{port} refused the connection (no server listens " \
        "there, or a firewall rejects it))" in str(err.value), str(err.value)  # not `ConnectError: [Errno 111] Connection refused`


def test_cancel_during_backoff(http_server, work):
    url = http_server.add("/a", DATA, status=503)
    token = CancelToken()
    threading.Timer(0.2, token.cancel).start()
    with Downloader(backoff=Backoff(base=30, cap=30)) as dl, pytest.raises(Cancelled):
        dl.download([url], work / "a.part", expected_sha256=SHA, cancel=token)


# -- offline and file:// ------------------------------------------------------------------------
def test_offline_opens_no_socket(no_sockets, work):
    made: list[int] = []

    def factory():  # a client factory that must never be called
        made.append(1)
        raise AssertionError("client created while offline")

    with Downloader(offline=True, client_factory=factory) as dl, pytest.raises(OfflineError) as err:
        dl.download(["https://example.invalid/a.tar.gz"], work / "a.part",
                    expected_sha256=SHA, what="cpython-3.12.8-linux-x86_64-gnu")
    assert "cpython-3.12.8-linux-x86_64-gnu" in str(err.value) and "offline" in str(err.value)
    with Downloader(offline=True) as dl, pytest.raises(OfflineError):
        dl.stream(["http://127.0.0.1:9/a"], expected_sha256=SHA)
    assert made == [] and no_sockets == [] and _dir_listing(work) == []


def test_file_mirror_works_offline(no_sockets, work):
    mirror = work / "mirror" / "20250115"
    mirror.mkdir(parents=True)
    (mirror / "cpython-3.12.8+20250115-x.tar.gz").write_bytes(DATA)
    url = (work / "mirror").as_uri() + "/20250115/cpython-3.12.8%2B20250115-x.tar.gz"
    assert file_url_path(url) == mirror / "cpython-3.12.8+20250115-x.tar.gz"
    seen: list[Progress] = []
    with Downloader(offline=True) as dl:
        result = dl.download([url, "https://example.invalid/x"], work / "a.part",
                             expected_sha256=SHA, progress=seen.append)
    assert result.sha256 == SHA and (work / "a.part").read_bytes() == DATA
    assert seen[-1].done == len(DATA) == seen[-1].total


def test_missing_file_mirror_is_a_clear_error(work):
    url = (work / "nope.tar.gz").as_uri()
    with Downloader(offline=True) as dl, pytest.raises(DownloadError) as err:
        dl.download([url], work / "a.part", expected_sha256=SHA)
    assert "does not exist" in str(err.value)


# -- streaming (--no-cache) ---------------------------------------------------------------------
def test_stream_resumes_after_a_cut_and_verifies(http_server, downloader):
    url = http_server.add("/a", DATA, cut_at=350_000)
    stream = downloader.stream([url], expected_sha256=SHA)
    assert stream.total == len(DATA)
    assert b"".join(stream.chunks()) == DATA
    assert stream.verify() == SHA and http_server.resumed("/a")


def test_stream_from_a_server_ignoring_range_skips_what_was_given(http_server, downloader):
    url = http_server.add("/a", DATA, reset_at=350_000, ignore_range=True)
    stream = downloader.stream([url], expected_sha256=SHA)
    assert b"".join(stream.chunks()) == DATA
    assert stream.verify() == SHA


def test_stream_hash_mismatch_is_raised_by_verify(http_server, downloader):
    url = http_server.add("/a", DATA, corrupt=True)
    stream = downloader.stream([url], expected_sha256=SHA, what="cpython-3.12.8-k")
    for _ in stream.chunks():
        pass
    with pytest.raises(HashMismatch, match="cpython-3.12.8-k"):
        stream.verify()


def test_stream_404_raises_at_start(http_server, downloader):
    with pytest.raises(DownloadError):
        downloader.stream([http_server.add("/a", DATA, status=404)], expected_sha256=SHA)


def test_stream_reads_as_a_file_for_tarfile(http_server, downloader):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        payload = os.urandom(200_000)
        info = tarfile.TarInfo("python/bin/python3")
        info.size = len(payload)
        tf.addfile(info, io.BytesIO(payload))
    archive = buf.getvalue()
    url = http_server.add("/a.tar.gz", archive, cut_at=len(archive) // 2)
    stream = downloader.stream([url], expected_sha256=hashlib.sha256(archive).hexdigest())
    with tarfile.open(fileobj=stream, mode="r|gz") as tf:
        member = tf.next()
        assert member is not None and tf.extractfile(member).read() == payload
    assert stream.verify() == hashlib.sha256(archive).hexdigest()  # drains the tail, then checks


def test_no_network_says_which_host_names_did_not_resolve(monkeypatch, work):
    """With no network every name lookup fails: the line names the hosts and says so, where it
    listed each long URL with `ConnectError: [Errno -2] Name or service not known`."""
    import socket

    def no_dns(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    seen: list[Progress] = []
    urls = ["https://releases.example/20250115/cpython-3.12.8%2B20250115-x.tar.gz",
            "http://mirror.example/20250115/cpython-3.12.8%2B20250115-x.tar.gz",
            "https://releases.example/other/cpython-3.12.8%2B20250115-x.tar.gz"]
    with Downloader(backoff=FAST, retries=1) as dl, pytest.raises(DownloadError) as err:
        dl.download(urls, work / "a.part", expected_sha256=SHA, what="cpython-3.12.8",
                    progress=seen.append)
    line = str(err.value)
    assert err.value.cause.startswith(
        "could not download cpython-3.12.8 after 1 retry in "), line
    assert err.value.cause.endswith(
        "s: cannot look up releases.example or mirror.example (no network, or no DNS)"), line
    assert "Errno" not in line and "/20250115/" not in line, line
    assert "check the network connection" in err.value.next_step
    # Each retry's note names every host too: it named the last URL's alone (`cannot look up
    # github.com`), as if Astral's mirror, tried first, had answered.
    notes = [p.note for p in seen if p.note]
    assert notes and notes[0].endswith(
        "cannot look up releases.example or mirror.example (no network, or no DNS)"), notes
    assert _dir_listing(work) == []
