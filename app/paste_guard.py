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

A paste's text may hold the end marker itself (tmux, like many terminals, sends it as it is), and
then what follows it came in as keys: `3.13` ESC`[201~` ESC ESC `uy` pasted into the filter
closed it and uninstalled the highlighted build. The terminal writes a paste at once, its own end
marker last, so input that comes after an end marker in the same burst (before the terminal falls
quiet: `idle()`, called when a read's wait passes with nothing read, or once it has been held
MAX_HOLD_SECONDS, as under a mouse moved without a pause) is held back: once
another end marker comes, it was the paste's text and is handed on as a paste of its own (the two
read as two pastes, their text in order); once the burst ends without one, it is keys typed after
the paste and passes then. At most MAX_PASTE_CHARS are held: past that it is a paste's text.
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
    at once. After a paste's end, the rest of the burst is held until `idle()` or another end
    (the module's docstring)."""

    __slots__ = ("_after", "_held", "_in_paste", "_pasted", "_seen")

    def __init__(self) -> None:
        self._in_paste = False
        self._pasted = 0  # the characters of this paste's text handed on so far
        self._held = ""   # inside a paste: the end of the last chunk, maybe the start of PASTE_END
        self._seen = ""   # outside: the last characters passed, maybe the start of PASTE_START
        # Since a paste's end in this burst: what came after it, held back (None: no such end).
        self._after: str | None = None

    @property
    def holding(self) -> bool:
        """Whether input that came after a paste's end is held back now."""
        return bool(self._after)

    def idle(self) -> str:
        """The input fell quiet: what came after a paste's end in the burst was typed, and
        passes now (what `feed` gives for it)."""
        after, self._after = self._after, None
        return self.feed(after) if after else ""

    def feed(self, data: str) -> str:
        out: list[str] = []
        while data:
            if self._after is not None:
                text = self._after + data
                end = text.find(PASTE_END, max(len(self._after) - len(PASTE_END) + 1, 0))
                if end >= 0:
                    # Another end: what came between was the paste's text, a paste of its own.
                    pasted = text[:end]
                    if pasted.startswith(PASTE_START):  # a paste right after the last
                        pasted = pasted[len(PASTE_START):]
                    if pasted:
                        out.append(PASTE_START + pasted[:MAX_PASTE_CHARS].replace(ESC, ESC_PICTURE)
                                   + PASTE_END)
                    self._after = ""
                    data = text[end + len(PASTE_END):]
                    continue
                if len(text) <= MAX_PASTE_CHARS:
                    self._after = text
                    return "".join(out)
                # More than any keys typed in a burst: the paste's text, its end still to come.
                self._after = None
                self._in_paste = True
                self._pasted = 0
                out.append(PASTE_START)
                data = text
                continue
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
                self._after = ""
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
