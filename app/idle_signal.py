"""`PYTUI_IDLE_FILE`: a line appended to that file each time the TUI falls quiet, for the tmux
tests (tests/ui/tmux_drive.py), which wait on it instead of on a screen unchanged for a time.

Quiet means: the startup's deferred steps have run, no background thread (the runner's
workers) is running, and the frame drawn after the last of them is out. Nothing then redraws
the panes until a key, a job or the disk watch finding a change. Unset (as always outside the
tests), the app does nothing more than one attribute test per idle pass.
"""

from __future__ import annotations

import os
from pathlib import Path

IDLE_FILE_VARIABLE = "PYTUI_IDLE_FILE"


class IdleSignal:
    """Writes `quiet N` (N counting from 1) each time the app goes from busy to quiet."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._said = 0
        self._quiet = False  # said for this quiet spell already

    @classmethod
    def from_environ(cls) -> IdleSignal | None:
        value = os.environ.get(IDLE_FILE_VARIABLE, "")
        return cls(Path(value)) if value else None

    def busy(self) -> None:
        """Work is running: the next quiet spell is said again."""
        self._quiet = False

    def wanted(self) -> bool:
        """Whether a quiet spell is still to be said (then it is, after the next frame)."""
        return not self._quiet

    def say(self) -> None:
        """The app is quiet and its frame is out: one line (a failing write is the test's to
        see: the test times out naming the file)."""
        if self._quiet:
            return
        self._quiet = True
        self._said += 1
        try:
            # O_NONBLOCK: a FIFO no one reads at that name is ENXIO, not a UI thread blocked in
            # open() for good (the TUI hung at its first quiet spell).
            fd = os.open(self.path or os.devnull, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK
                         | os.O_CLOEXEC, 0o644)
            try:
                os.write(fd, f"quiet {self._said}\n".encode())
            finally:
                os.close(fd)
        except OSError:
            pass
