"""A bracketed paste reaches the TUI as text, whatever it holds.

The terminal wraps a paste in `ESC[200~` … `ESC[201~`. Textual's parser takes an ESC inside
it as the start of a key sequence and sends what follows as keys, not as pasted text: a paste
of `3.13` ESC ESC `uy` into a filter box pressed Escape (the filter closed, the table took the
focus), then `u` and `y`, and uninstalled the highlighted build. Text copied from a log, a
web page or a terminal holds ESCs. Here each ESC of a paste's text becomes its picture `␛`
(as app/terminal_text.py draws an ESC) before the parser reads it, so the paste stays one
text; the markers themselves, and everything outside a paste, pass as they came.
"""

from __future__ import annotations

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
ESC = "\x1b"
ESC_PICTURE = "\u241b"


class PasteGuard:
    """`feed(chunk)` gives the chunk with every ESC inside a paste's text made `␛`, the same
    whatever way the input is cut into chunks. Inside a paste, a chunk ending in what may be
    the start of PASTE_END keeps those few characters back for the next chunk (the terminal
    sends the rest at once); outside one nothing is kept back: a lone Escape key passes
    at once."""

    __slots__ = ("_held", "_in_paste", "_seen")

    def __init__(self) -> None:
        self._in_paste = False
        self._held = ""   # inside a paste: the end of the last chunk, maybe the start of PASTE_END
        self._seen = ""   # outside: the last characters passed, maybe the start of PASTE_START

    def feed(self, data: str) -> str:
        out: list[str] = []
        while data:
            if self._in_paste:
                text = self._held + data
                self._held = ""
                end = text.find(PASTE_END)
                if end < 0:
                    keep = _partial_marker(text, PASTE_END)
                    self._held = text[len(text) - keep:] if keep else ""
                    out.append(text[:len(text) - keep].replace(ESC, ESC_PICTURE))
                    return "".join(out)
                out.append(text[:end].replace(ESC, ESC_PICTURE))
                out.append(PASTE_END)
                self._in_paste = False
                self._seen = ""
                data = text[end + len(PASTE_END):]
            else:
                # The characters passed before may hold the start of the marker: they are only
                # looked at here, not passed again.
                seen = self._seen
                text = seen + data
                start = text.find(PASTE_START)
                if start < 0:
                    out.append(data)
                    self._seen = text[-(len(PASTE_START) - 1):]
                    return "".join(out)
                cut = start + len(PASTE_START) - len(seen)  # where the marker ends, in `data`
                out.append(data[:cut])
                self._in_paste = True
                data = data[cut:]
        return "".join(out)


def _partial_marker(text: str, marker: str) -> int:
    """How many characters at the end of `text` are a proper start of `marker` (0 if none)."""
    for size in range(min(len(marker) - 1, len(text)), 0, -1):
        if text.endswith(marker[:size]):
            return size
    return 0
