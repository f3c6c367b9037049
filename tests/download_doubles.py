"""Test doubles for the download engine (core/download.py), shared by its test files."""

from __future__ import annotations

from pytui.core.download import Backoff


class RecordingBackoff(Backoff):
    """Records each retry's number; waits nothing."""

    def __init__(self) -> None:
        object.__setattr__(self, "calls", [])

    def delay(self, retry: int) -> float:
        self.calls.append(retry)  # type: ignore[attr-defined]
        return 0.0
