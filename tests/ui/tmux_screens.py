"""What the tmux drive reads off a captured screen (plain text, one line per row): the
Details panel's key, the Jobs and Installed parts, and everything a re-fitted layout must show
at a size (tests/ui/tmux_drive.py's `resize` scenario polls `layout_problem` until None)."""

from __future__ import annotations

import re

from tmux_session import SIZE


def layout_problem(screen: str, width: int, height: int, keys: list[str],
                    job_key: str) -> str | None:
    """What is wrong with the screen at this size, or None when everything is in place.
    Polled until None: a frame drawn half-way through a resize is simply not the last."""
    lines = screen.splitlines()
    if len(lines) != height or any(len(line) > width for line in lines):
        return "not redrawn at this size yet"
    if not any(len(line.rstrip()) == width and line.rstrip()[-1:] in "╮┓" for line in lines):
        return "no pane reaches the right edge"
    for pane in ("Available", "Cached", "Installed", "Details", "Jobs"):
        if pane not in screen:
            return f"the {pane} pane is missing"
    # The header keeps both lines, the paths whole when they fit.
    if not (lines[0].lstrip().startswith("pytui") and "catalog" in lines[0]):
        return "the header's first line"
    if not (lines[1].lstrip().startswith("root ~/root") and "cache ~/cache" in lines[1]):
        return "the header's second line (root and cache)"
    # The footer: every key from 120 columns on, else the important ones and where the
    # rest are.
    footer = " ".join(lines[-1].split())
    wanted = ["i Install", "c Cancel", "q Quit", "/ Filter"]
    wanted += (["? Help", "p P Purge", "v Verify", "a A f View", "o Offline", "r Refresh"]
               if width >= 120 else ["? All keys"])
    missing = [part for part in wanted if part not in footer]
    if missing:
        return f"the footer lacks {missing}"
    if "Purgev" in lines[-1] or "Viewo" in lines[-1]:
        return "the footer glues labels to keys"
    # The columns are re-fitted: the last one (Size) is on screen, not past the edge.
    available = screen.split("Cached", 1)[0]
    if "Size" not in available:
        return "Available's columns are not re-fitted (Size is past the edge)"
    # Whole keys stay whole from 120 columns on: every build key in Available, the job's key
    # on its row. Narrower, the key gives way after the variant and the support status, down
    # to its version (`cpython-3.12.8-linux-x…`).
    if width >= 120:
        cut = [key for key in keys if key not in available]
    else:
        cut = [key for key in keys if "-".join(key.split("-")[:2]) not in available]
    if cut:
        return f"Available cuts {cut}"
    jobs = jobs_part(screen)
    if job_key not in jobs or "download" not in jobs:
        return "the job row's key or phase is cut"
    return None


def details_key(screen: str) -> str:
    """The key the Details panel shows (its first line's first word)."""
    lines = screen.splitlines()
    at = next((i for i, line in enumerate(lines) if "Details" in line), None)
    if at is None or at + 1 >= len(lines):
        return ""
    words = lines[at + 1].strip("│┃ ").split()
    return words[0] if words else ""


def jobs_part(screen: str) -> str:
    return screen.split("Jobs", 1)[1] if "Jobs" in screen else ""


def installed_part(screen: str) -> str:
    """The right half of the lower panes (the Installed pane sits beside Cached)."""
    lines = screen.splitlines()
    start = next((i for i, line in enumerate(lines) if "Installed" in line and "Cached" in line),
                 None)
    if start is None:
        return ""
    end = next((i for i in range(start + 1, len(lines)) if "Details" in lines[i]), len(lines))
    return "\n".join(line[SIZE[0] // 2:] for line in lines[start:end])


def install_line_at(written: bytes, height: int) -> str | None:
    """A Details `install` line that what pytui wrote (pipe-pane's bytes) drew as an 80-column
    line (its border within 75 cells) on one of the first `height` rows, or None. Lines are
    written after a cursor move to a row (`ESC[row;colH`), each next one after a newline: a
    line drawn at 200 columns (its border some 130 cells on) or at an in-between taller size
    (a row past `height`) is not one."""
    text = written.decode("utf-8", "replace")
    for chunk in re.split(r"(?=\x1b\[\d+;\d+H)", text):
        move = re.match(r"\x1b\[(\d+);\d+H", chunk)
        if move is None:
            continue
        for at, line in enumerate(chunk.split("\n")):
            plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r", "", line)
            if int(move.group(1)) + at <= height and \
                    re.search(r"install  ~/root/[^│┃]{0,75}[│┃]", plain):
                return plain
    return None
