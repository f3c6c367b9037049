"""The terminal driver pytui runs on: Textual's own, made safe for a terminal that went away.

Textual's Linux driver hands every write to a writer thread through a queue of 30 slots. When
the terminal closes (a window closed, an SSH connection dropped) the thread's next write fails
with EIO and the thread ends, but writes keep going into the queue; once it is full the next
one waits for room forever, on the event loop's thread. pytui then never finished quitting on
the SIGHUP that came with the close (its goodbye writes, mouse off and cursor back, waited), and
a process with nothing left to draw on stayed asleep, deaf to SIGTERM. Here a write once the
writer thread has ended is dropped: there is no terminal left to draw on.

Its input is read by `PasteSafeParser`: Textual's parser, given each bracketed paste with the
ESCs of its text as `␛` (app/paste_guard.py: a pasted ESC was read as keys, and a paste
uninstalled a build; so was the text after an end marker forged inside a paste, held now until
the input thread's tick finds the terminal quiet), and without the control strings in it
(OSC, DCS, …: app/terminal_strings.py; Textual read a 10 MB one as ten million keys; a short
one still open at that tick was keys typed). It is decoded from UTF-8 with each byte that is
not UTF-8 as U+FFFD (`lenient_decoder`): Textual's strict decoder ended pytui with a traceback at the first one
(`é` typed in a Latin-1 terminal, an X10 mouse report past column 95).

Its size is the terminal's own, asked of the terminal at the start and at each resize, at
most MAX_COLUMNS x MAX_LINES. Textual takes `shutil.get_terminal_size()`, which reads COLUMNS
and LINES from the environment first, and so does the app's rich console, whose size Textual
takes before the driver has one: an exported `COLUMNS=200` drew 200 columns into an
80-column terminal and kept them through every resize, and `COLUMNS=99999 LINES=99999` took
4 GB and a core, no key answered (`without_size_variables`, for the console). A size report
in the input that the terminal was not asked for is dropped (`process_message`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from codecs import IncrementalDecoder, getincrementaldecoder
from collections.abc import Callable, Iterable, Iterator

from pytui.app.alt_keys import EscapeThen, byte_after_escape
from pytui.app.paste_guard import PasteGuard
from pytui.app.terminal_codes import CLEAR_SCREEN
from pytui.app.terminal_strings import LongCsiGuard, StringGuard
from textual import events
from textual._xterm_parser import XTermParser
from textual.driver import Driver
from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

# The largest screen drawn, in cells (a 4K display in a 6-pixel font is about 640 columns):
# a terminal reporting more is drawn in this much of it.
MAX_COLUMNS = 1000
MAX_LINES = 500
# Textual's size when nothing answers (its own default).
DEFAULT_SIZE = (80, 25)
# The longest input after a paste's end is held back when the terminal does not fall quiet
# (mouse reports as the mouse moves): a terminal writes a paste at once, far faster.
MAX_HOLD_SECONDS = 0.5


def terminal_size(fds: Iterable[int]) -> tuple[int, int]:
    """The size of the first of `fds` that is a terminal reporting one, within MAX_COLUMNS x
    MAX_LINES; DEFAULT_SIZE when none does. Never COLUMNS / LINES from the environment."""
    for fd in fds:
        try:
            columns, lines = os.get_terminal_size(fd)
        except (OSError, ValueError):
            continue
        if columns > 0 and lines > 0:
            return min(columns, MAX_COLUMNS), min(lines, MAX_LINES)
    return DEFAULT_SIZE


SIZE_VARIABLES = ("COLUMNS", "LINES")


@contextlib.contextmanager
def without_size_variables() -> Iterator[None]:
    """COLUMNS and LINES out of os.environ meanwhile: Textual's App copies the environment for
    its rich console, which fixes its size from them when it is made."""
    saved = {name: os.environ.pop(name) for name in SIZE_VARIABLES if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def _fds(*files: object) -> list[int]:
    found = []
    for file in files:
        try:
            found.append(file.fileno())  # type: ignore[attr-defined]  # a file, or None when detached
        except (AttributeError, OSError, ValueError):
            continue
    return found


def lenient_decoder(encoding: str) -> Callable[[], IncrementalDecoder]:
    """Textual's input thread's `getincrementaldecoder`: what it calls for a decoder (with no
    argument), one that reads a byte the encoding does not allow as U+FFFD rather than raise."""
    return functools.partial(getincrementaldecoder(encoding), errors="replace")


class PasteSafeParser(XTermParser):
    """Textual's terminal input parser, fed through a `PasteGuard`, a `StringGuard`, then a
    `LongCsiGuard`."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._paste_guard = PasteGuard()
        self._string_guard = StringGuard()
        self._csi_guard = LongCsiGuard()
        self._fed = False  # a read came since the last tick
        self._held_since: float | None = None  # when the paste guard was first seen holding

    def feed(self, data: str) -> Iterable[Message]:
        self._fed = True
        # A paste's ESCs are pictures once the paste guard is done: nothing in it opens a string.
        return self._parsed(data, self._string_guard.feed(self._paste_guard.feed(data)))

    def _parsed(self, data: str, text: str) -> Iterable[Message]:
        kept = self._csi_guard.feed(text)
        if data and not kept:
            # A read all held back or dropped: "" is the end of the input to Textual's parser,
            # which then refuses every later read.
            return ()
        return super().feed(kept)

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        # Textual's own method (private), asked for the keys of each sequence it read: Esc then
        # a key typed quickly is one key here; it is handed on as an EscapeThen, which says both.
        joined = list(super()._sequence_to_key_events(sequence, alt))
        after = byte_after_escape(sequence, alt)
        typed = [] if after is None or len(joined) != 1 else \
            list(super()._sequence_to_key_events(after))
        if len(typed) == 1:
            return [EscapeThen(joined[0], typed[0])]
        return joined

    def tick(self) -> Iterable[Message]:
        # Textual's input thread ticks after each wait for a read (at most 0.1 s): one with no
        # read since the last tick is the terminal fallen quiet, the end of a paste's burst and
        # of any string a terminal sends. What follows a paste is held MAX_HOLD_SECONDS at most.
        released: list[Message] = []
        now = time.monotonic()
        if not self._paste_guard.holding:
            self._held_since = None
        elif self._held_since is None:
            self._held_since = now
        quiet = not self._fed
        if quiet or (self._held_since is not None and now - self._held_since >= MAX_HOLD_SECONDS):
            self._held_since = None
            after = self._paste_guard.idle()
            text = self._string_guard.feed(after) if after else ""
            if quiet:
                text += self._string_guard.idle()
            if text:
                released = list(self._parsed(text, text))
        self._fed = False
        return [*released, *super().tick()]


class TerminalGoneSafeDriver(LinuxDriver):
    """`LinuxDriver` whose writes are dropped once its writer thread has ended, and which
    clears the alternate screen before leaving it (on quit, and before `x` / `!` hand over)."""

    def write(self, data: str) -> None:
        # Textual's own attribute, looked up softly: under another name the guard is skipped.
        writer = getattr(self, "_writer_thread", None)
        if writer is not None and not writer.is_alive():
            return
        super().write(data)

    def _get_terminal_size(self) -> tuple[int, int]:
        # Textual's own method (asked at the start and on SIGWINCH): the screen it draws on
        # (stderr), else the keyboard's terminal, else stdout.
        return terminal_size(_fds(getattr(self, "_file", None), sys.__stdin__, sys.__stdout__))

    def process_message(self, message: Message) -> None:
        # The input thread's events. A Resize here is the terminal's in-band size report (a
        # SIGWINCH's goes to the app directly): one the terminal was not put in that mode for
        # is bytes typed or pasted without brackets (`ESC[48;9999;9999;0;0t` resized the
        # screen to 9999x9999: GBs, no key answered), and any is held to MAX_COLUMNS x MAX_LINES.
        if isinstance(message, events.Resize):
            if not getattr(self, "_in_band_window_resize", False):  # Textual's own attribute
                return
            width, height = message.size
            if width > MAX_COLUMNS or height > MAX_LINES:
                pixels = message.pixel_size
                message = events.Resize.from_dimensions(
                    (min(width, MAX_COLUMNS), min(height, MAX_LINES)),
                    None if pixels is None else (pixels.width, pixels.height))
        super().process_message(message)

    def stop_application_mode(self) -> None:
        # As lazygit's tcell does: tmux carried the last frame's top rows into the shell's
        # screen when the window had grown while pytui ran (plain Textual too), and a
        # terminal without an alternate screen kept the whole frame.
        self.write(CLEAR_SCREEN)
        super().stop_application_mode()


def safe_driver(driver_class: type[Driver]) -> type[Driver]:
    """The driver pytui runs on for Textual's choice `driver_class`: Textual's Linux driver
    (on Linux and macOS) as `TerminalGoneSafeDriver`, reading with `PasteSafeParser`; any
    other (Windows, a driver named by TEXTUAL_DRIVER) as it is."""
    if driver_class is not LinuxDriver:
        return driver_class
    # The driver's input thread makes its parser from this name of its module (Textual's own
    # attribute, replaced only while it is Textual's parser).
    if getattr(linux_driver, "XTermParser", None) is XTermParser:
        linux_driver.XTermParser = PasteSafeParser  # type: ignore[misc]  # why: the input thread's one parser
    # Its decoder the same way (Textual's name in that module, asked for once per input thread).
    if getattr(linux_driver, "getincrementaldecoder", None) is getincrementaldecoder:
        linux_driver.getincrementaldecoder = lenient_decoder  # type: ignore[assignment]  # why: the input thread's one decoder
    return TerminalGoneSafeDriver
