"""Cutting a long text (a path, most often) for one line: its middle goes, both ends stay.

Core's error lines use it for paths read from hostile files (a `pyvenv.cfg` whose `home` is
thousands of characters); the widgets use it to fit cells (`widgets/format` re-exports it)."""

from __future__ import annotations

# The most of a path an error line shows (its start and its end, the middle cut).
ERROR_PATH_CHARS = 160

ELLIPSIS = "…"


def elide_middle(text: str, width: int) -> str:
    """`text` in at most `width` cells, its middle replaced by `…`. A path keeps its start
    and its end from a `/` on (at least the file name when that leaves 3 cells of start)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:max(width, 0)]
    room = width - 1
    tail = ""
    # The longest end from a separator that takes at most two thirds of the room...
    for at in range(len(text) - 1, 0, -1):
        if text[at] == "/":
            if len(text) - at > room * 2 // 3:
                break
            tail = text[at:]
    # ... else the file name alone, if it leaves a little of the start.
    if not tail and "/" in text[1:]:
        name = text[text.rindex("/"):]
        if len(name) <= room - 3:
            tail = name
    if not tail:
        tail = text[len(text) - (room - room // 3):]
    return text[:room - len(tail)] + ELLIPSIS + tail


def elide_after(text: str, keep: int, width: int) -> str | None:
    """`text` in at most `width` cells with its first `keep` characters whole, then `/…`, then
    the longest end of it from a `/` that fits (`~/code/shop/…/dir/.venv`): None when not
    even its last part fits beside the kept start, or when nothing lies between the two."""
    if len(text) <= width:
        return text
    head, rest = text[:keep], text[keep:]
    if not head or not rest.startswith("/"):
        return None
    room = width - len(head) - len("/" + ELLIPSIS)
    tail = ""
    for at in range(len(rest) - 1, 0, -1):
        if rest[at] == "/":
            if len(rest) - at > room:
                break
            tail = rest[at:]
    return f"{head}/{ELLIPSIS}{tail}" if tail else None


def path_for_line(path: str) -> str:
    """`path` as an error line shows it: whole up to ERROR_PATH_CHARS, else its middle cut."""
    return elide_middle(path, ERROR_PATH_CHARS)
