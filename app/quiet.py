"""`-q/--quiet`, as uv's: `-q` keeps only error lines on stderr (no progress, no status lines,
no warnings); `-qq` also writes nothing to stdout. The terminal UI ignores it."""

from __future__ import annotations

import os
import re
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

# An error line as app/style.Style.error writes it (colour codes or not), or argparse's.
_ERROR_LINE = re.compile(r"^(?:\x1b\[[0-9;]*m)*(?:error|pytui: error)(?:\x1b\[[0-9;]*m)*:")
# A line is judged by its start: a line without an end is not kept whole past this.
MAX_LINE_CHARS = 64 * 1024


class ErrorLinesOnly:
    """A stderr that passes only error lines. Not a terminal, so no live progress is drawn."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._line = ""

    def write(self, text: str) -> int:
        self._line += text
        while "\n" in self._line:
            line, self._line = self._line.split("\n", 1)
            if _ERROR_LINE.match(line):
                self._stream.write(line + "\n")
        if len(self._line) > MAX_LINE_CHARS:
            self._line = self._line[:MAX_LINE_CHARS]
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return False


def quieten(level: int) -> tuple[TextIO, TextIO] | None:
    """Apply `-q` (`level` 1) or `-qq` (2 or more); return the streams to put back, or None."""
    if level <= 0:
        return None
    saved = (sys.stdout, sys.stderr)
    sys.stderr = ErrorLinesOnly(sys.stderr)
    if level >= 2:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  # closed by restore()
    return saved


def restore(saved: tuple[TextIO, TextIO] | None) -> None:
    if saved is None:
        return
    if sys.stdout is not saved[0]:
        sys.stdout.close()
    sys.stdout, sys.stderr = saved
