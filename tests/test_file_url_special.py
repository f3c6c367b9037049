"""A `file://` archive URL (a mirror, a --downloads-json entry) naming a file whose size says
less than it holds (a /proc file says 0 bytes; a file still being written grows): the line said
`the server sent more than the 0 bytes it declared`, of a local file no server sent. It names
the file now; nothing is kept either way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytui.core.download import Downloader
from pytui.core.errors import DownloadError
from pytui.core.http import TransferLimits

SHA = "0" * 64


def test_a_proc_file_behind_an_archive_name_is_said_as_a_file(tmp_path: Path) -> None:
    link = tmp_path / "cpython-3.12.8-proc.tar.gz"
    link.symlink_to("/proc/self/status")  # size 0, reads some hundreds of bytes
    work = tmp_path / "work"
    work.mkdir()
    with Downloader(offline=True, limits=TransferLimits()) as dl, pytest.raises(DownloadError) as err:
        dl.download([link.as_uri()], work / "a.part", expected_sha256=SHA)
    line = str(err.value)
    assert "server" not in line, line
    assert (f"{link} holds more than the 0 bytes its size says (a file being written, or a "
            "special file such as /proc's); the bytes were dropped") in line, line
    assert os.listdir(work) == []
