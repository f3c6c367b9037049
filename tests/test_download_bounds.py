"""The downloader against hostile servers and hostile state, on the real loopback server:
every download is bounded in size and time, retries that made progress are free, and a bad
`.part.json` never sticks."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from download_doubles import RecordingBackoff
from fixtures_http import gzip_bomb
from pytui.core.download import MIN_PROGRESS, Downloader
from pytui.core.download_body import read_part_state
from pytui.core.errors import DownloadError, HashMismatch
from pytui.core.http import TransferLimits
from pytui.core.progress import Progress

DATA = os.urandom(300_000) + b"end"
SHA = hashlib.sha256(DATA).hexdigest()


def limits(**kw: object) -> TransferLimits:
    return TransferLimits(**{"retries": 1, **kw})  # type: ignore[arg-type]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


def listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


# -- size bounds ---------------------------------------------------------------------------------


def test_an_endless_body_stops_at_the_cap_and_keeps_nothing(http_server, work) -> None:
    url = http_server.add("/a", DATA, mode="endless")
    seen: list[Progress] = []
    cap = 1_000_000
    with Downloader(limits=limits(max_archive_bytes=cap), backoff=RecordingBackoff()) as dl, \
            pytest.raises(DownloadError) as err:
        dl.download([url], work / "a.part", expected_sha256=SHA, progress=seen.append, what="cpython-x")
    line = str(err.value)
    assert "cpython-x" in line and "more than 976.6 KiB" in line and "PYTUI_MAX_ARCHIVE_BYTES" in line, line
    assert "resumes" not in line and "\n" not in line
    assert max(p.done for p in seen) <= cap
    assert listing(work) == []  # the refused bytes are not kept for a resume
    assert http_server.count("/a") == 1  # not transient: not retried


def test_an_endless_stream_stops_at_the_cap(http_server) -> None:
    url = http_server.add("/a", DATA, mode="endless")
    with Downloader(limits=limits(max_archive_bytes=500_000)) as dl:
        stream = dl.stream([url], expected_sha256=SHA)
        with pytest.raises(DownloadError, match="more than"):
            for _ in stream.chunks():
                pass
        assert stream.received <= 500_000


def test_a_declared_size_above_the_cap_is_refused_before_the_body(http_server, work) -> None:
    url = http_server.add("/a", DATA)
    with Downloader(limits=limits(max_archive_bytes=100_000)) as dl, pytest.raises(DownloadError) as err:
        dl.download([url], work / "a.part", expected_sha256=SHA)
    assert "declares 293.0 KiB, more than the 97.7 KiB" in str(err.value)
    assert listing(work) == []


def test_the_catalog_size_bounds_the_download(http_server, work) -> None:
    # No Content-Length: the catalog's size is the bound; a server lying about it is refused.
    url = http_server.add("/a", DATA, content_length=False)
    with Downloader(limits=limits()) as dl:
        assert dl.download([url], work / "a.part", expected_sha256=SHA, expected_size=len(DATA)).size == len(DATA)
    (work / "a.part").unlink()
    with Downloader(limits=limits()) as dl, pytest.raises(DownloadError) as err:
        dl.download([url], work / "a.part", expected_sha256=SHA, expected_size=len(DATA) - 10)
    assert f"more than the {len(DATA) - 10} bytes the catalog declares" in str(err.value)
    assert listing(work) == []
    http_server.set_faults("/a", content_length=True)
    with Downloader(limits=limits()) as dl, pytest.raises(DownloadError, match="catalog says"):
        dl.download([url], work / "a.part", expected_sha256=SHA, expected_size=len(DATA) + 1)


def test_a_gzip_bomb_is_taken_raw_and_never_inflated(http_server, work) -> None:
    inflated = 64 << 20
    bomb = gzip_bomb(inflated)
    url = http_server.add("/a.tar.gz", DATA, mode="gzip_bomb", mode_args={"inflated": inflated})
    seen: list[Progress] = []
    with Downloader(limits=limits()) as dl, pytest.raises(HashMismatch) as err:
        dl.download([url], work / "a.part", expected_sha256=SHA, progress=seen.append)
    assert hashlib.sha256(bomb).hexdigest() in str(err.value)  # the raw bytes were hashed
    assert max(p.done for p in seen) == len(bomb) < inflated // 500
    assert listing(work) == []
    # Streamed (--no-cache), the consumer gets the compressed bytes, not the inflated ones.
    with Downloader(limits=limits()) as dl:
        stream = dl.stream([url], expected_sha256=SHA)
        assert sum(len(c) for c in stream.chunks()) == len(bomb)
        with pytest.raises(HashMismatch):
            stream.verify()


# -- the speed floor -----------------------------------------------------------------------------

# A floor far above the trickle and far below loopback speed, over a short window.
FLOOR = {"speed_limit": 20_000, "speed_time": 0.5}


def test_a_trickle_below_the_floor_is_cut_retried_and_resumed(http_server, work) -> None:
    url = http_server.add("/a", DATA, rate=500, rate_times=1)
    backoff = RecordingBackoff()
    with Downloader(limits=limits(retries=3, **FLOOR), backoff=backoff) as dl:
        result = dl.download([url], work / "a.part", expected_sha256=SHA)
    assert result.sha256 == SHA and result.requests >= 2
    first, second = http_server.requests_for("/a")[:2]
    assert 0 < first.body_sent < len(DATA)
    assert second.status == 206 and second.range is not None and second.range[0] > 0
    assert backoff.calls[0] == 1  # the floor spends the retry budget


def test_a_trickle_that_never_heals_fails_in_one_line_and_keeps_the_part(http_server, work) -> None:
    url = http_server.add("/a", DATA, rate=500)
    with Downloader(limits=limits(retries=1, **FLOOR), backoff=RecordingBackoff()) as dl, \
            pytest.raises(DownloadError) as err:
        dl.download([url], work / "a.part", expected_sha256=SHA, what="cpython-x")
    line = str(err.value)
    assert "slower than 20000 bytes/s for 0.5 s" in line and "after 1 retry in" in line, line
    assert http_server.count("/a") == 2
    assert (work / "a.part").stat().st_size > 0 and read_part_state(work / "a.part")["total"] == len(DATA)


def test_the_floor_can_be_turned_off(http_server, work) -> None:
    data = os.urandom(3000)
    url = http_server.add("/a", data, rate=20_000)
    with Downloader(limits=limits(speed_limit=0, speed_time=0.01)) as dl:
        assert dl.download([url], work / "a.part", expected_sha256=hashlib.sha256(data).hexdigest()).requests == 1


# -- retries that made progress ------------------------------------------------------------------


def test_a_server_cutting_every_mebibyte_finishes_in_one_run(http_server, work) -> None:
    data = os.urandom(5 << 20)
    url = http_server.add("/a", data, cut_at=1 << 20, cut_times=-1)
    backoff = RecordingBackoff()
    with Downloader(limits=limits(retries=0), backoff=backoff) as dl:
        result = dl.download([url], work / "a.part", expected_sha256=hashlib.sha256(data).hexdigest())
    assert result.size == len(data) and result.requests == 5
    assert backoff.calls == []  # resumed at once, budget untouched
    assert [r.range[0] if r.range else 0 for r in http_server.requests_for("/a")] == [i << 20 for i in range(5)]


def test_a_cut_without_enough_progress_spends_the_budget(http_server, work) -> None:
    url = http_server.add("/a", DATA, cut_at=MIN_PROGRESS // 4, cut_times=-1)
    with Downloader(limits=limits(retries=2), backoff=RecordingBackoff()) as dl, pytest.raises(DownloadError):
        dl.download([url], work / "a.part", expected_sha256=SHA)
    assert http_server.count("/a") == 3


def test_progress_on_a_stream_is_free_too(http_server) -> None:
    data = os.urandom(3 << 20)
    url = http_server.add("/a", data, reset_at=1 << 20, reset_times=-1)
    with Downloader(limits=limits(retries=0), backoff=RecordingBackoff()) as dl:
        stream = dl.stream([url], expected_sha256=hashlib.sha256(data).hexdigest())
        assert b"".join(stream.chunks()) == data
        stream.verify()


# -- hostile state beside the .part ----------------------------------------------------------------

BAD_STATES: dict[str, bytes | None] = {
    "total-str": json.dumps({"total": "abc", "etag": '"x"'}).encode(),
    "etag-int": json.dumps({"etag": 5, "total": len(DATA)}).encode(),
    "last-modified-list": json.dumps({"last_modified": ["x"]}).encode(),
    "total-negative": json.dumps({"total": -5}).encode(),
    "total-bool": json.dumps({"total": True}).encode(),
    "sha-int": json.dumps({"sha256": 123}).encode(),
    "etag-crlf": json.dumps({"etag": '"a"\r\nX-Evil: 1'}).encode(),
    "etag-non-ascii": json.dumps({"etag": '"\u00e9"'}).encode(),
    "a-list": b"[1, 2]",
    "not-json": b"{\"total\": ",
    "deep": b"[" * 100_000,
    "huge": b" " * 100_000 + b"{}",
    "directory": None,
}


@pytest.mark.parametrize("case", sorted(BAD_STATES))
def test_a_bad_state_file_is_discarded_and_the_download_starts_over(http_server, work, case: str) -> None:
    url = http_server.add("/a", DATA)
    part = work / "a.part"
    part.write_bytes(DATA[:100_000])
    state = work / "a.part.json"
    content = BAD_STATES[case]
    if content is None:
        state.mkdir()
        (state / "x").write_text("x")
    else:
        state.write_bytes(content)
    assert read_part_state(part) is None
    with Downloader(limits=limits()) as dl:
        result = dl.download([url], part, expected_sha256=SHA)
    assert result.sha256 == SHA and part.read_bytes() == DATA and result.resumed_from == 0
    assert http_server.requests_for("/a")[0].range_header is None
    if content is not None:
        assert not state.exists()  # nothing sticks for the next run


def test_a_fifo_as_state_file_does_not_hang(http_server, work) -> None:
    url = http_server.add("/a", DATA)
    part = work / "a.part"
    os.mkfifo(work / "a.part.json")
    with Downloader(limits=limits()) as dl:
        assert dl.download([url], part, expected_sha256=SHA).sha256 == SHA


def test_a_part_that_is_a_link_is_never_written_through(http_server, work, tmp_path) -> None:
    url = http_server.add("/a", DATA)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    part = work / "a.part"
    part.symlink_to(victim)
    with Downloader(limits=limits()) as dl:
        assert dl.download([url], part, expected_sha256=SHA).sha256 == SHA
    assert victim.read_bytes() == b"precious"
    assert not part.is_symlink() and part.read_bytes() == DATA


def test_a_part_that_is_a_directory_is_one_line(http_server, work) -> None:
    url = http_server.add("/a", DATA)
    (work / "a.part").mkdir()
    with Downloader(limits=limits()) as dl, pytest.raises(DownloadError) as err:
        dl.download([url], work / "a.part", expected_sha256=SHA)
    assert str(work / "a.part") in str(err.value) and "\n" not in str(err.value)


def test_a_non_ascii_etag_from_the_server_is_not_sent_back(http_server, work) -> None:
    url = http_server.add("/a", DATA, cut_at=100_000)
    # A validator pytui could not send back must not break the resume.
    from pytui.core.download_body import clean_validator

    assert clean_validator('"\u00e9"') is None and clean_validator('"ok"') == '"ok"'
    with Downloader(limits=limits()) as dl:
        assert dl.download([url], work / "a.part", expected_sha256=SHA).sha256 == SHA


def test_a_file_mirror_reads_only_regular_files(work) -> None:
    fifo = work / "fifo.tar.gz"
    os.mkfifo(fifo)
    with Downloader(offline=True, limits=limits()) as dl, pytest.raises(DownloadError) as err:
        dl.download([fifo.as_uri()], work / "a.part", expected_sha256=SHA)
    assert "not a regular file" in str(err.value)
    with Downloader(offline=True, limits=limits()) as dl, pytest.raises(DownloadError, match="not a regular file"):
        dl.download(["file:///dev/zero"], work / "b.part", expected_sha256=SHA)
    assert listing(work) == ["fifo.tar.gz"]


def test_a_retry_is_announced_with_its_delay_attempt_and_cause(http_server, work) -> None:
    url = http_server.add("/a", DATA, fail=1, fail_status=503)
    seen: list[Progress] = []
    with Downloader(limits=limits(retries=2), backoff=RecordingBackoff()) as dl:
        dl.download([url], work / "a.part", expected_sha256=SHA, progress=seen.append)
    notes = [p.note for p in seen if p.note]
    assert notes == ["retrying in 0.0 s (attempt 2 of 3): HTTP 503 Service Unavailable"], notes
