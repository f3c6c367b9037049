"""Test doubles for the download engine (core/download.py), shared by its test files, and the
`downloader` fixture (one of conftest's fixture plugins)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytui.core.download import Backoff, Downloader

# Retries that wait a millisecond or so: the tests count retries, not seconds.
FAST = Backoff(base=0.001, cap=0.01)


class RecordingBackoff(Backoff):
    """Records each retry's number; waits nothing."""

    def __init__(self) -> None:
        object.__setattr__(self, "calls", [])

    def delay(self, retry: int) -> float:
        self.calls.append(retry)  # type: ignore[attr-defined]
        return 0.0


@pytest.fixture
def downloader() -> Iterator[Downloader]:
    with Downloader(backoff=FAST) as dl:
        yield dl
