"""A resumed `.part` is hashed through the descriptor it was opened with (O_NOFOLLOW, a regular
file), `size` bytes at most: opened again by its path, a link swapped in meanwhile (to
/dev/zero) was read until Ctrl-C."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from pytui.core.download_body import FileBody
from pytui.core.errors import Cancelled
from pytui.core.progress import CancelToken


class CancelsAfter(CancelToken):
    """Cancels itself at its `limit`-th check: a read that would never end ends the test."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit, self.checks = limit, 0

    def check(self, what: str = "") -> None:
        self.checks += 1
        if self.checks >= self.limit:
            self.cancel()
        super().check(what)


def test_a_part_swapped_for_a_link_while_opened_is_not_read_through_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    part = tmp_path / "archive.tar.gz.part"
    kept = os.urandom(3 * (1 << 20) + 17)
    part.write_bytes(kept)
    body = FileBody(part, None)
    opened = FileBody._open_part

    def open_then_swap(self: FileBody):
        file = opened(self)
        moved = tmp_path / "moved-away"
        os.rename(part, moved)  # the open descriptor keeps the real file
        os.symlink("/dev/zero", part)
        return file

    monkeypatch.setattr(FileBody, "_open_part", open_then_swap)
    try:
        body.open(CancelsAfter(100))
    except Cancelled:
        pytest.fail("the .part was read again through the link put in its place")
    finally:
        body.close()
    assert body.have == len(kept) and body.resumed_from == len(kept)
    assert body.hasher.hexdigest() == hashlib.sha256(kept).hexdigest()


def test_a_part_cut_while_opened_resumes_from_what_is_left(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    part = tmp_path / "archive.tar.gz.part"
    kept = os.urandom(2 * (1 << 20))
    part.write_bytes(kept)
    body = FileBody(part, None)
    opened = FileBody._open_part

    def open_then_cut(self: FileBody):
        file = opened(self)
        os.truncate(part, 1000)
        return file

    monkeypatch.setattr(FileBody, "_open_part", open_then_cut)
    body.open(CancelToken())
    body.close()
    assert body.have == 1000 and body.hasher.hexdigest() == hashlib.sha256(kept[:1000]).hexdigest()
