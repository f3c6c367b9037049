"""Short human-readable forms of sizes, speeds, durations and paths, shared by the widgets."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from pytui.core.keys import is_digits
from pytui.core.units import format_bytes


def human_size(size: int | None) -> str:
    """`17.4 MiB`: the binary units uv and the CLI print; `—` when unknown."""
    return format_bytes(size, unknown="—")


def short_size(size: int | None) -> str:
    """`622.6K`: `human_size` in a few cells (a narrow job row's bytes, a narrow Cached pane's
    size), the unit's first letter kept."""
    number, _, unit = human_size(size).partition(" ")
    return number + unit[:1]


def human_speed(bytes_per_second: float | None) -> str:
    if not bytes_per_second or bytes_per_second <= 0:
        return ""
    return human_size(int(bytes_per_second)) + "/s"


def human_duration(seconds: float | None) -> str:
    """`42s`, `3m05s`, `1h02m`; empty when unknown."""
    if seconds is None or seconds < 0:
        return ""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def human_age(seconds: float | None) -> str:
    """How old a fetched catalog is: `just now`, `5 min old`, `3 h old`, `2 days old`."""
    if seconds is None:
        return ""
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min old"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h old"
    return f"{int(seconds // 86400)} days old"


# Newline, tab and CR lay text out, so the drawing keeps them (app/terminal_text.py); in a
# name found on disk they would move the rest of it to a line that reads as a row of its own.
_LAYOUT_PICTURES = str.maketrans({"\n": "\u2424", "\t": "\u2409", "\r": "\u240d"})


def one_line(name: str) -> str:
    """A name from disk on one line: newline, tab and CR drawn as `␤`, `␉`, `␍`."""
    return name if name.isprintable() else name.translate(_LAYOUT_PICTURES)


def short_path(path: os.PathLike[str] | str | None, home: Path | None = None) -> str:
    """A path with the home directory written as `~`, so headers stay short and stable; on
    one line (`one_line`)."""
    if path is None:
        return "—"
    text = one_line(str(path))
    home_text = one_line(str(home if home is not None else Path.home()))
    if home_text and home_text != "/" and (text == home_text or text.startswith(home_text + os.sep)):
        return "~" + text[len(home_text):]
    return text


def home_shortened(text: str, home: Path | None = None) -> str:
    """A message with every path under the home directory written from `~`, as `short_path`
    writes one path: History and toasts name paths as the panes do. Only where a path starts
    (`/root` in `/rootfs` or `/x/root/y` stays)."""
    home_text = str(home if home is not None else Path.home()).rstrip(os.sep)
    if not home_text or home_text not in text:
        return text
    return _home_pattern(home_text).sub("~", text)


@lru_cache(maxsize=4)
def _home_pattern(home_text: str) -> re.Pattern[str]:
    # A path starts the text or follows a space, a bracket, `=` or a separator, and the home
    # is the whole of its first components: a separator or the end of the path follows. A
    # quoted path stays whole: a shell expands no `~` in quotes, and it may be a command to run.
    return re.compile(r"(?<![^\s(\[=,:;])" + re.escape(home_text)
                      + r"(?=/|\Z|[\s:;,)\]\"'`])")


def build_date(build: str | None) -> str:
    """PBS build tags are `20250115`; show them as `2025-01-15`."""
    if build and len(build) == 8 and is_digits(build):
        return f"{build[:4]}-{build[4:6]}-{build[6:]}"
    return build or "—"


def first_fitting(forms: tuple[str, ...] | list[str], room: int) -> str:
    """The first of `forms` (fullest first) that fits in `room` cells, else the last (which
    the border then cuts); the first when the room is not known yet (0 or less)."""
    from rich.cells import cell_len

    if not forms:
        return ""
    if room <= 0:
        return forms[0]
    for form in forms:
        if cell_len(form) <= room:
            return form
    return forms[-1]
