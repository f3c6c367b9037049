"""A body with no Content-Length ends where the connection does, so a cut and the end read the
same over plain TCP (a FIN; a reset is an error and was resumed already). Over TLS they do not:
the end is TLS's close_notify, a cut a bare TCP close (RFC 9112 section 8: an "incomplete
close" leaves such a response incomplete). Python's ssl takes that cut for the end by default,
so a download cut short failed as a sha256 mismatch and its bytes were thrown away. It is now
a cut: the `.part` is kept and resumed, and the line says it was cut short; a body that ends
cleanly but hashes wrong is a mismatch as before, and a sloppy server that skips the
close_notify after the whole file is not made to send it again. Against the tests' real
server over TLS (a certificate for 127.0.0.1 made by openssl, trusted through SSL_CERT_FILE).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from download_doubles import RecordingBackoff
from pytui.core.download import Downloader
from pytui.core.errors import DownloadError, HashMismatch
from pytui.core.http import TransferLimits
from pytui.core.progress import Progress

DATA = os.urandom(300_000) + b"end"
SHA = hashlib.sha256(DATA).hexdigest()
CUT_SHORT = "the connection was cut short after 1000 B: TLS ended without its closing message"


def limits(**kw: object) -> TransferLimits:
    return TransferLimits(**{"retries": 0, **kw})  # type: ignore[arg-type]


def test_a_tls_body_of_no_declared_size_cut_short_is_resumed(https_server, tmp_path: Path) -> None:
    url = https_server.add("/a", DATA, content_length=False, cut_at=100_000)
    with Downloader(limits=limits(), backoff=RecordingBackoff()) as dl:
        result = dl.download([url], tmp_path / "a.part", expected_sha256=SHA)
    assert (result.sha256, result.size) == (SHA, len(DATA))
    first, second = https_server.requests_for("/a")
    assert (first.status, first.fault, second.status, second.range) == \
        (200, "cut", 206, (100_000, len(DATA) - 1))


def test_a_cut_before_any_progress_keeps_the_part_and_says_cut_short(https_server,
                                                                    tmp_path: Path) -> None:
    url = https_server.add("/a", DATA, content_length=False, cut_at=1000)
    part = tmp_path / "a.part"
    with Downloader(limits=limits(), backoff=RecordingBackoff()) as dl, \
            pytest.raises(DownloadError) as caught:
        dl.download([url], part, expected_sha256=SHA, what="cpython-x")
    line = str(caught.value)
    assert f"({url}: {CUT_SHORT}" in line and "\n" not in line, line
    assert f"{part} keeps the bytes received and the next attempt resumes it" in line, line
    assert part.read_bytes() == DATA[:1000]
    with Downloader(limits=limits(), backoff=RecordingBackoff()) as dl:
        assert dl.download([url], part, expected_sha256=SHA).sha256 == SHA
    assert https_server.requests_for("/a")[-1].range == (1000, len(DATA) - 1)


def test_a_clean_tls_end_with_the_wrong_bytes_is_still_a_mismatch(https_server, tmp_path: Path) -> None:
    url = https_server.add("/a", DATA[:100_000], content_length=False)
    work = tmp_path / "work"
    with Downloader(limits=limits(), backoff=RecordingBackoff()) as dl, pytest.raises(HashMismatch):
        dl.download([url], work / "a.part", expected_sha256=SHA)
    assert list(work.iterdir()) == []  # discarded, as before
    assert https_server.count("/a") == 1


def test_a_sloppy_server_skipping_the_close_after_the_whole_file_is_fine(https_server,
                                                                        tmp_path: Path) -> None:
    url = https_server.add("/a", DATA, content_length=False, tls_close_notify=False, ignore_range=True)
    with Downloader(limits=limits(), backoff=RecordingBackoff()) as dl:
        assert dl.download([url], tmp_path / "a.part", expected_sha256=SHA).sha256 == SHA
        stream = dl.stream([url], expected_sha256=SHA)
        assert b"".join(stream.chunks()) == DATA
        stream.verify()
    assert https_server.count("/a") == 2  # one request each: the whole file was not asked again


def test_a_streamed_tls_body_cut_short_is_taken_again(https_server) -> None:
    """`--no-cache`: the cut is retried and the bytes already given are skipped."""
    url = https_server.add("/a", DATA, content_length=False, cut_at=100_000, ignore_range=True)
    with Downloader(limits=limits(), backoff=RecordingBackoff()) as dl:
        stream = dl.stream([url], expected_sha256=SHA)
        assert b"".join(stream.chunks()) == DATA
        stream.verify()


def test_a_length_declared_larger_than_sent_ends_at_the_true_size(http_server, tmp_path: Path) -> None:
    """The server declares 400000 bytes and sends 300003: the first response comes up short, and
    the last progress says the file is whole at 300003 (it said 300003 of 400000, a bar stopped
    at 75%, to the end). Its sha256 being the catalog's, it is taken at once; without one to
    check, the resume's 416 says the file is whole."""
    url = http_server.add("/a", DATA, declare_length=400_000)
    seen: list[Progress] = []
    with Downloader(limits=limits(), backoff=RecordingBackoff()) as dl:
        assert dl.download([url], tmp_path / "a.part", expected_sha256=SHA, progress=seen.append).sha256 == SHA
    assert [r.status for r in http_server.requests_for("/a")] == [200]
    assert (seen[-1].done, seen[-1].total) == (len(DATA), len(DATA))
    seen.clear()
    with Downloader(limits=limits(), backoff=RecordingBackoff()) as dl:
        assert dl.download([url], tmp_path / "b.part", progress=seen.append).size == len(DATA)
    assert [r.status for r in http_server.requests_for("/a")] == [200, 200, 416]
    assert (seen[-1].done, seen[-1].total) == (len(DATA), len(DATA))


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_reset_mid_body_says_cut_short_and_keeps_the_part(request: pytest.FixtureRequest,
                                                           tmp_path: Path, scheme: str) -> None:
    """A reset (RST) was resumed already, but its line read `ReadError: [Errno 104] Connection
    reset by peer` alone; it now says the connection was cut short, and after how much."""
    server = request.getfixturevalue(f"{scheme}_server")
    url = server.add("/a", DATA, content_length=False, reset_at=1000)
    part = tmp_path / "a.part"
    with Downloader(limits=limits(), backoff=RecordingBackoff()) as dl, \
            pytest.raises(DownloadError) as caught:
        dl.download([url], part, expected_sha256=SHA)
    line = str(caught.value)
    assert f"({url}: the connection was cut short after 1000 B: " in line, line
    assert part.read_bytes() == DATA[:1000]


@pytest.mark.parametrize("ignore_range", [True, False], ids=["ignores-range", "honours-range"])
def test_a_length_declared_larger_whose_body_hashes_right_is_taken_at_once(
        http_server, tmp_path: Path, ignore_range: bool) -> None:
    """The server declares 400000 bytes and sends the catalog's 300003, then closes. Cut short of
    its length, but the sha256 of what came is the catalog's: the file is whole, taken from the
    first response. A server that also ignores Range failed after all its retries (each resume
    got the same short body, all of it skipped), and one that honours it took a second request
    (a 416 saying the file was whole)."""
    url = http_server.add("/a", DATA, declare_length=400_000, ignore_range=ignore_range)
    seen: list[Progress] = []
    with Downloader(limits=limits(retries=2), backoff=RecordingBackoff()) as dl:
        result = dl.download([url], tmp_path / "a.part", expected_sha256=SHA, progress=seen.append)
    assert (result.sha256, result.size) == (SHA, len(DATA))
    assert [r.status for r in http_server.requests_for("/a")] == [200]
    assert (seen[-1].done, seen[-1].total) == (len(DATA), len(DATA))
