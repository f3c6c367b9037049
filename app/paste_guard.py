"""A bracketed paste reaches the TUI as text, whatever it holds.

The terminal wraps a paste in `ESC[200~` … `ESC[201~`. Textual's parser takes an ESC inside
it as the start of a key sequence and sends what follows as keys, not as pasted text: a paste
of `3.13` ESC ESC `uy` into a filter box pressed Escape (the filter closed, the table took the
focus), then `u` and `y`, and uninstalled the highlighted build. Text copied from a log, a
web page or a terminal holds ESCs. Here each ESC of a paste's text becomes its picture `␛`
(as app/terminal_text.py draws an ESC) before the parser reads it, so the paste stays one
text; the markers themselves, and everything outside a paste, pass as they came.

A paste's text past its first MAX_PASTE_CHARS is dropped here: Textual's parser takes a paste
one character at a time, and a 10 MB one kept its input thread busy for 27 s (no key read
meanwhile) to hand the app a text no box of pytui's holds (the filter keeps 256 characters).
"""

from __future__ import annotations

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
ESC = "\x1b"
ESC_PICTURE = "\u241b"
# The most of one paste's text handed on: far more than any of pytui's boxes holds.
MAX_PASTE_CHARS = 64 * 1024


class PasteGuard:
    """`feed(chunk)` gives the chunk with every ESC inside a paste's text made `␛`, the same
    whatever way the input is cut into chunks. Inside a paste, a chunk ending in what may be
    the start of PASTE_END keeps those few characters back for the next chunk (the terminal
    sends the rest at once); outside one nothing is kept back: a lone Escape key passes
    at once."""

    __slots__ = ("_held", "_in_paste", "_pasted", "_seen")

    def __init__(self) -> None:
        self._in_paste = False
        self._pasted = 0  # the characters of this paste's text handed on so far
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
                    out.append(self._bounded(text[:len(text) - keep]).replace(ESC, ESC_PICTURE))
                    return "".join(out)
                out.append(self._bounded(text[:end]).replace(ESC, ESC_PICTURE))
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
                self._pasted = 0
                data = data[cut:]
        return "".join(out)

    def _bounded(self, text: str) -> str:
        """What of this paste's `text` is handed on: up to MAX_PASTE_CHARS of the paste in all."""
        kept = text[:max(MAX_PASTE_CHARS - self._pasted, 0)]
        self._pasted += len(kept)
        return kept


def _partial_marker(text: str, marker: str) -> int:
    """How many characters at the end of `text` are a proper start of `marker` (0 if none)."""
    for size in range(min(len(marker) - 1, len(text)), 0, -1):
        if text.endswith(marker[:size]):
            return size
    return 0
