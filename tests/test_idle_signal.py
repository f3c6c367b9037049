"""`PYTUI_IDLE_FILE` is input like any environment value: a FIFO nobody reads at that name must
not block the TUI's thread. Before, `open(path, "a")` waited for a reader for good, at the
app's first quiet spell (the UI froze)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytui.app.idle_signal import IdleSignal


def test_a_fifo_nobody_reads_is_not_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "idle"
    os.mkfifo(fifo)
    code = f"from pathlib import Path; from pytui.app.idle_signal import IdleSignal; IdleSignal(Path({str(fifo)!r})).say()"
    # The timeout only ends a hang (the bug); the call returns at once when fixed.
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_each_quiet_spell_is_one_line(tmp_path: Path) -> None:
    signal = IdleSignal(tmp_path / "idle")
    signal.say()
    signal.say()  # the same spell: said once
    signal.busy()
    signal.say()
    assert (tmp_path / "idle").read_text() == "quiet 1\nquiet 2\n"
