"""An archive server that drips its response headers is cut at the read timeout whichever client
reads it: the plain client (http://) bounded the whole head by it already, but httpx (https,
proxies) bounds only each read, so a header byte every 20 s held an https download for days.
Against the tests' real server, plain and over TLS; the read timeout is made small through the
limits, and the test waits for the download to end, never on time. The deadline's own rules (a
head in as it passes is not cut) are tests/test_exchange_deadline.py's."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from download_doubles import RecordingBackoff
from pytui.core.download import Downloader
from pytui.core.errors import DownloadError
from pytui.core.http import TransferLimits

DATA = os.urandom(3000)
SHA = hashlib.sha256(DATA).hexdigest()
# 2000 header bytes at one per 10 ms: 20 s of head, each wait far below the read timeout.
DRIP = {"mode": "drip_headers", "mode_args": {"interval": 0.01, "bytes": 2000}}


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_dripped_head_is_cut_at_the_read_timeout(request: pytest.FixtureRequest, tmp_path: Path,
                                                   scheme: str) -> None:
    server = request.getfixturevalue(f"{scheme}_server")
    url = server.add("/a.tar.gz", DATA, **DRIP)
    work = tmp_path / "work"
    with Downloader(limits=TransferLimits(retries=0, read_timeout=0.5),
                    backoff=RecordingBackoff()) as dl, pytest.raises(DownloadError) as caught:
        dl.download([url], work / "a.part", expected_sha256=SHA)
    assert f"({url}: timed out (ReadTimeout));" in str(caught.value), str(caught.value)
    assert not (work / "a.part").exists()
