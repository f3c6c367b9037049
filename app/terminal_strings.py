"""A control string in the terminal's input is dropped, not read as keys.

OSC (`ESC ]`), DCS (`ESC P`), SOS (`ESC X`), PM (`ESC ^`) and APC (`ESC _`) open a string that
runs to its terminator (ST, `ESC \\`, or BEL for an OSC). Textual's parser knows none of them:
it gives up on a sequence after 32 characters and sends every character as a key, so a
terminal's (or a paste's, where the terminal does not bracket pastes) 10 MB OSC string was ten
million key presses: `A` toggled every platform's builds in and out, the app grew past 750 MB
and no key was answered for minutes. pytui asks the terminal for none of them, so here each is
dropped whole, however long, with nothing kept but where it is (VT500 parsers do the same with
one they are sent). Any ESC ends one (ST's, or the next sequence's, which then passes).

`ESC ]` as the last two characters of a read is `Alt+]` typed, not a string, and passes; a
string's first character comes with its introducer (a terminal writes one at once).
A string still open when the terminal falls quiet (`idle()`: a wait for a read passed with nothing
read) that is at most MAX_TYPED_STRING characters long was keys: Alt+Shift+P (`ESC P`), X, ^ or _,
or Alt+], typed with more keys in the same read (a busy app, `tmux send-keys`). They pass then,
as typed; before, they and every key after them were dropped until the next ESC or BEL (an arrow
key, Escape). A terminal writes its string and its terminator at once, so a string it sends is
never open at a quiet moment but when a slow link cuts it; one longer than the bound, such a
string or a flood, is dropped to its end as before.

A CSI (`ESC [`) whose parameters run to LONGEST_CSI_PARAMS characters or more is dropped the
same way, through its final character (`LongCsiGuard`): Textual parses none that long (it gives
up at 32 characters in all) and typed `ESC [1;1;1;…m` of 1 MB as a million keys (`1` moving the
focus each time), 34 s of its input thread. Every sequence a terminal sends it (keys, SGR mouse
reports at any coordinates, mode and size reports) is shorter.
"""

from __future__ import annotations

import re

ESC = "\x1b"
BEL = "\x07"
# The second character of each string's introducer: OSC, DCS, SOS, PM, APC.
INTRODUCERS = frozenset("]PX^_")
ST_END = "\\"
CSI = ESC + "["
# Textual's parser gives up on a sequence past 32 characters (ESC, `[`, parameters, final).
LONGEST_CSI_PARAMS = 30
# The longest open string `idle()` gives back as keys typed (Textual's parser sends a sequence
# it gives up on, at 32 characters, as keys all the same).
MAX_TYPED_STRING = 32
_PARAMS = re.compile("[\x20-\x3f]*")


class StringGuard:
    """`feed(chunk)` gives the chunk without the control strings in it (or the part of one that
    began in an earlier chunk)."""

    __slots__ = ("_in_string", "_esc_held", "_ended_on_esc", "_typed")

    def __init__(self) -> None:
        self._in_string = False
        # The open string's text read so far (introducer included) while it is at most
        # MAX_TYPED_STRING long, None past that or when no string is open.
        self._typed: str | None = None
        # Inside a string, the chunk ended on an ESC: ST's first half, or the next sequence's.
        self._esc_held = False
        # Outside one, the chunk passed ended on an ESC: the next may go on with an introducer
        # (that ESC is the parser's already: it reads as Escape once the string is dropped).
        self._ended_on_esc = False

    def feed(self, data: str) -> str:
        out: list[str] = []
        if self._esc_held and data:
            self._esc_held = False
            self._in_string = False
            if data[0] == ST_END:
                data = data[1:]
            else:
                out.append(ESC)
        at = 0
        if self._ended_on_esc and not self._in_string and len(data) >= 2 and data[0] in INTRODUCERS:
            self._in_string = True
            self._typed = data[:1]  # the introducer: its ESC has gone to the parser already
            at = 1
        while at < len(data):
            if self._in_string:
                end = _string_end(data, at)
                if end < 0:
                    self._ended_on_esc = False
                    typed = self._typed
                    if typed is not None:
                        fits = len(typed) + len(data) - at <= MAX_TYPED_STRING
                        self._typed = typed + data[at:] if fits else None
                    return "".join(out)
                self._typed = None
                if data[end] == BEL:
                    at = end + 1
                elif end + 1 == len(data):
                    self._esc_held = True
                    self._ended_on_esc = False
                    return "".join(out)
                else:
                    # ST is dropped with the string; another ESC starts the next sequence.
                    at = end + 2 if data[end + 1] == ST_END else end
                self._in_string = False
                continue
            start = _string_start(data, at)
            if start < 0:
                out.append(data[at:])
                self._ended_on_esc = data.endswith(ESC)
                break
            out.append(data[at:start])
            self._in_string = True
            self._typed = data[start:start + 2]
            at = start + 2
        return "".join(out)

    def idle(self) -> str:
        """The terminal fell quiet: an open string short enough to be keys typed passes (the
        module's docstring), and the next read is read afresh."""
        typed = self._typed if self._in_string and not self._esc_held else None
        if typed is None:
            return ""
        self._in_string = False
        self._typed = None
        self._ended_on_esc = False
        return typed


def _string_start(data: str, at: int) -> int:
    """Where in `data` from `at` an introducer starts that has more after it, or -1."""
    while True:
        found = data.find(ESC, at)
        if found < 0 or found + 2 >= len(data):
            return -1
        if data[found + 1] in INTRODUCERS:
            return found
        at = found + 1


def _string_end(data: str, at: int) -> int:
    """Where the string's end (BEL or the ESC of ST, or of the next sequence) is, or -1."""
    bel = data.find(BEL, at)
    esc = data.find(ESC, at)
    ends = [found for found in (bel, esc) if found >= 0]
    return min(ends) if ends else -1


class LongCsiGuard:
    """`feed(chunk)` gives the chunk without the CSI sequences in it whose parameters run to
    LONGEST_CSI_PARAMS characters or more. One begun in an earlier read is counted on; one
    that grows past the bound there has its start passed already (at most that many keys)."""

    __slots__ = ("_dropping", "_run")

    def __init__(self) -> None:
        self._dropping = False
        # The parameters passed of a CSI the last read ended in (-1: it ended on an ESC), else None.
        self._run: int | None = None

    def feed(self, data: str) -> str:
        out: list[str] = []
        at, size = 0, len(data)
        if self._run == -1:
            self._run = 0 if data.startswith("[") else None
            at = 1 if self._run == 0 else 0
            out.append(data[:at])
        while at < size:
            if self._dropping:
                at = _params_end(data, at)
                if at == size:
                    return "".join(out)
                self._dropping = False
                if "@" <= data[at] <= "~":
                    at += 1  # its final character
                continue
            if self._run is not None:
                end = _params_end(data, at)
                if self._run + end - at >= LONGEST_CSI_PARAMS:
                    self._run = None
                    self._dropping = True
                    continue
                out.append(data[at:end])
                self._run = self._run + end - at if end == size else None
                at = end
                continue
            start = data.find(CSI, at)
            if start < 0:
                out.append(data[at:])
                self._run = -1 if data.endswith(ESC) else None
                break
            out.append(data[at:start])
            end = _params_end(data, start + 2)
            if end - start - 2 >= LONGEST_CSI_PARAMS:
                self._dropping = True
                at = start + 2
                continue
            out.append(data[start:end])
            self._run = end - start - 2 if end == size else None
            at = end
        return "".join(out)


def _params_end(data: str, at: int) -> int:
    """Where the run of CSI parameter and intermediate characters from `at` ends."""
    found = _PARAMS.match(data, at)
    return found.end() if found is not None else at
