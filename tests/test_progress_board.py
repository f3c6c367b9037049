"""The CLI's progress board: a retry's note is printed once, with the build's key."""

from __future__ import annotations

import io

from fixtures_archives import make_build
from pytui.app.progress_board import ProgressBoard
from pytui.core.progress import Progress


def test_a_retry_note_is_a_line_of_its_own() -> None:
    out = io.StringIO()
    build = make_build(version="3.12.8")
    board = ProgressBoard(out, live=False)
    report = board.callback(build)
    report(Progress("download", 0, 100))
    report(Progress("download", 10, 100, note="retrying in 2 s (attempt 2 of 4): HTTP 503"))
    report(Progress("download", 100, 100))
    lines = out.getvalue().splitlines()
    assert lines == [f"download {build.key} (100 B)",
                     f"{build.key}: retrying in 2 s (attempt 2 of 4): HTTP 503"]
