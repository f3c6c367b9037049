"""A body gone wrong reads the same whichever HTTP client met it: the plain client (http://
downloads) said `chunked body: a bad chunk size` where httpx (https, proxies) said `illegal
chunk header: bytearray(b'zz\\r\\n')`; a cut inside a chunk, and a body shorter than its
Content-Length (`… 299003 bytes short` / `… (received 1000 bytes, expected 300003)`), had two
wordings each too. Both now say core/errors' words (a cut led by `the connection was cut short
after N:`, core/download_readers); against the tests' real server."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from download_doubles import RecordingBackoff
from pytui.core.download import Downloader
from pytui.core.errors import BAD_CHUNK_SIZE, CHUNKED_CUT, DownloadError, body_cut_short
from pytui.core.http import TransferLimits, make_client

DATA = os.urandom(200_000)
SHA = hashlib.sha256(DATA).hexdigest()


def failure(url: str, part: Path, *, httpx_client: bool) -> str:
    factory = (lambda: make_client(offline=False)) if httpx_client else None
    with Downloader(limits=TransferLimits(retries=0), backoff=RecordingBackoff(),
                    client_factory=factory) as dl, pytest.raises(DownloadError) as caught:
        dl.download([url], part, expected_sha256=SHA)
    return str(caught.value)


# A cut says so, and how much of the body came (kept to resume): `cut` sends 1000 bytes, then
# half of the next 1000-byte chunk.
CUT_AFTER = "the connection was cut short after 1.5 KiB: "


@pytest.mark.parametrize(("mode_args", "words"), [({"bad_size": True}, BAD_CHUNK_SIZE),
                                                  ({"cut": True}, CHUNKED_CUT)],
                         ids=["bad-chunk-size", "cut-in-a-chunk"])
def test_both_clients_say_the_same_of_a_broken_chunked_body(http_server, tmp_path: Path,
                                                             mode_args: dict, words: str) -> None:
    url = http_server.add("/c", DATA, mode="chunked", mode_args={"chunk": 1000, **mode_args})
    plain = failure(url, tmp_path / "plain.part", httpx_client=False)
    through_httpx = failure(url, tmp_path / "httpx.part", httpx_client=True)
    cut = CUT_AFTER if words == CHUNKED_CUT else ""
    assert f"({url}: {cut}RemoteProtocolError: {words});" in plain, plain
    assert through_httpx.replace("httpx.part", "plain.part") == plain


def test_both_clients_say_the_same_of_a_body_short_of_its_length(http_server, tmp_path: Path) -> None:
    url = http_server.add("/a", DATA, cut_at=1000, cut_times=-1)
    plain = failure(url, tmp_path / "plain.part", httpx_client=False)
    through_httpx = failure(url, tmp_path / "httpx.part", httpx_client=True)
    assert (f"({url}: the connection was cut short after 1000 B: RemoteProtocolError: "
            f"{body_cut_short(1000, len(DATA))});") in plain, plain
    assert through_httpx.replace("httpx.part", "plain.part") == plain


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_cut_is_told_by_what_came_not_by_h11s_words(http_server, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     framing: str) -> None:
    """h11 rewording its end-of-connection errors leaves the line as it was: a cut is decided
    from the error's type, the connection's end and the bytes received against those declared,
    and worded by pytui (it was told by `str(err).startswith("peer closed connection")`: a new
    wording read as a plain protocol error, not a cut). Only h11's texts change here; the
    server, the cut and httpx are real."""
    import h11._readers as readers

    def reworded(self: object) -> None:
        raise h11.RemoteProtocolError("connection lost before the message ended")

    import h11

    monkeypatch.setattr(readers.ContentLengthReader, "read_eof", reworded)
    monkeypatch.setattr(readers.ChunkedReader, "read_eof", reworded)
    if framing == "chunked":
        url = http_server.add("/c", DATA, mode="chunked", mode_args={"chunk": 1000, "cut": True})
        said = f"{CUT_AFTER}RemoteProtocolError: {CHUNKED_CUT}"
    else:
        url = http_server.add("/a", DATA, cut_at=1000, cut_times=-1)
        said = ("the connection was cut short after 1000 B: RemoteProtocolError: "
                f"{body_cut_short(1000, len(DATA))}")
    line = failure(url, tmp_path / "httpx.part", httpx_client=True)
    assert f"({url}: {said});" in line, line
    assert "keeps the bytes received and the next attempt resumes it" in line, line


@pytest.mark.parametrize("httpx_client", [False, True])
def test_a_servers_long_reason_phrase_is_cut(http_server, tmp_path: Path, httpx_client: bool) -> None:
    """A server's reason phrase is its own text, as long as its header block allows (64 KiB for
    the plain client): each retry's note and the error line quoted it whole, a line of 60,000
    characters. Only its first MAX_REASON characters are said."""
    from pytui.core.download_response import MAX_REASON

    url = http_server.add("/a.tar.gz", DATA, mode="reason", mode_args={"reason": "A" * 8000})

    line = failure(url, tmp_path / "a.part", httpx_client=httpx_client)

    assert f"HTTP 503 {'A' * (MAX_REASON - 1)}…" in line, line
    assert len(line) < 1000, line
