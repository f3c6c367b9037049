"""Progress for CLI install jobs: live bars on a terminal, plain lines otherwise (as uv prints).

Core jobs call the per-build callbacks from worker threads; the board keeps the latest report
per build and a render thread redraws at about 10 per second, so the jobs never wait on the
terminal. A download whose bytes have not moved for a while says so (core/stalls.py, the TUI's
rule too): under its bar, its speed gone, or once as a plain line.
"""

from __future__ import annotations

import sys
import threading
import time

from pytui.core.keys import TYPE_CHECKING
from pytui.core.models import Build
from pytui.core.progress import Progress, ProgressCallback
from pytui.core.stalls import STALL_TICK, clock_restarts, stall_note

if TYPE_CHECKING:
    import textwrap
    from collections.abc import Callable
    from typing import TextIO

_BAR_WIDTH = 24
# Narrower than this a bar says nothing the byte counts do not: it goes whole.
_BAR_MIN = 8
# How to stop a stalled download from the CLI.
STOP_HINT = "Ctrl-C stops"


def wait_line(message: str) -> str:
    """A lock wait's line (core's `on_wait`: who holds it, for what), with how to stop it:
    the wait has no bound but its holder's life (a download lock) or UV_LOCK_TIMEOUT (the
    root's), so the line says the way out; other people's names in it (a root's path) escaped."""
    from pytui.app.safe_text import shown

    return f"{shown(message)}; {STOP_HINT}"


def human_bytes(n: float | None) -> str:
    from pytui.core.units import format_bytes  # only live bars and plain byte counts show sizes

    return format_bytes(n)


class ProgressBoard:
    """One line per build; `callback(build)` gives the progress callback for its job."""

    def __init__(self, stream: TextIO | None = None, *, live: bool | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.clock = clock
        self._lock = threading.Lock()
        self._state: dict[str, Progress] = {}
        # When each build's bytes (or phase) last moved; the builds whose row says something
        # else since (a retry's note, a request with no answer yet: the stall rule waits for
        # bytes again, as the TUI's); the stalls said as a plain line, once each.
        self._moved_at: dict[str, float] = {}
        self._held: set[str] = set()
        self._stall_said: set[str] = set()
        self._ended: set[str] = set()
        # The lock each build waits for now (core's `on_wait` line: who holds it, for what);
        # its bar says so until the job reports again (the lock taken).
        self._waits: dict[str, str] = {}
        # The wait lines said as plain lines (once each, however many jobs wait for one lock).
        self._waits_said: set[str] = set()
        self._order: list[str] = []
        self._announced: set[tuple[str, str]] = set()
        self._lines_drawn = 0
        # Serialises terminal writes between the render thread and `note`.
        self._out_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def callback(self, build: Build) -> ProgressCallback:
        key = build.key
        with self._lock:
            if key not in self._order:
                self._order.append(key)

        def report(progress: Progress) -> None:
            with self._lock:
                self._waits.pop(key, None)  # a report after a lock wait: it was taken
            if progress.waiting or progress.note:
                # A new request (the TUI's row says it; the bars start with the answer) or a
                # retry: the stall clock starts again with the answer (core/stalls.py).
                with self._lock:
                    self._held.add(key)
                    self._moved_at.pop(key, None)
                if progress.note:  # said once, above the bars (or as a plain line)
                    self.note(f"{key}: {progress.note}")
                return
            with self._lock:
                last = self._state.get(key)
                if clock_restarts(self._moved_at.get(key), None if last is None else last.phase,
                                  None if last is None else last.done, progress.phase, progress.done):
                    self._moved_at[key] = self.clock()
                    self._stall_said.discard(key)
                self._held.discard(key)
                self._state[key] = progress
            if not self.live:
                self._plain(key, progress)

        return report

    def waiting(self, build: Build) -> Callable[[str], None]:
        """The build's job's `on_wait` (core/job_runs.run_install_jobs's `wait_for`): a live bar
        says the wait, its holder and how to stop it in place of `finish ····` until the job
        reports again; not on a terminal, the line is said once."""
        key = build.key

        def on_wait(message: str) -> None:
            with self._lock:
                self._waits[key] = message
                said = message in self._waits_said
                self._waits_said.add(message)
            if not self.live and not said:
                self.note(wait_line(message))

        return on_wait

    # -- plain lines (not a terminal) -----------------------------------------------------------
    def _plain(self, key: str, progress: Progress) -> None:
        if progress.phase not in ("download", "extract", "link"):
            return
        marker = (key, progress.phase)
        with self._lock:
            if marker in self._announced:
                return
            self._announced.add(marker)
            size = f" ({human_bytes(progress.total)})" if progress.total else ""
            line = (f"link {key} from the tree kept in the cache" if progress.phase == "link"
                    else f"{progress.phase} {key}{size}")
            # One write under the lock: lines from parallel jobs must not interleave.
            self.stream.write(line + "\n")
            self.stream.flush()

    def note(self, message: str) -> None:
        """One line printed above the bars (or as a plain line), e.g. waiting for the root's lock.
        Escaped (app/safe_text.py): a retry's note quotes the server's reason phrase, whose
        control bytes would steer the terminal (an OSC 52 writes the clipboard)."""
        from pytui.app.safe_text import shown

        message = shown(message)
        with self._out_lock:
            if self.live and self._lines_drawn:
                # Up to the first bar, clear to the end of the screen; the bars redraw below.
                self.stream.write(f"\x1b[{self._lines_drawn}F\x1b[J")
                self._lines_drawn = 0
            self.stream.write(message + "\n")
            self.stream.flush()

    def ended(self, build: Build) -> None:
        """The build's job ended (core/job_runs.run_install_jobs's on_ended): its reports stopped,
        so a failed download's last bar says no stall."""
        with self._lock:
            self._ended.add(build.key)

    def stall(self, key: str, now: float) -> str | None:
        """What the build's download says when its bytes have not moved for a while (under
        self._lock)."""
        progress = self._state.get(key)
        if progress is None or key in self._held or key in self._ended:
            return None
        return stall_note(progress.phase, self._moved_at.get(key), now, STOP_HINT)

    def say_stalls(self) -> None:
        """Plain lines: a download that stalled says so once, until its bytes move again."""
        now = self.clock()
        with self._lock:
            said = [(key, note) for key in self._order if key not in self._stall_said
                    and (note := self.stall(key, now)) is not None]
            self._stall_said.update(key for key, _ in said)
        for key, note in said:
            self.note(f"{key}: {note}")

    # -- live bars --------------------------------------------------------------------------------
    def __enter__(self) -> ProgressBoard:
        # Live: redraws (each stalled bar says so); plain: a line once a download stalls.
        target = self._run if self.live else self._watch_stalls
        self._thread = threading.Thread(target=target, name="pytui-progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            if self.live:
                self._draw(final=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self._draw()

    def _watch_stalls(self) -> None:
        while not self._stop.wait(STALL_TICK):
            self.say_stalls()

    def _lines(self, key: str, now: float, width: int) -> list[str]:
        """The build's bar; a stalled download's note on a line of its own under it (beside the
        bar it would be cut at a hundred columns), its frozen speed gone."""
        progress = self._state.get(key)
        wait = self._waits.get(key)
        if wait is not None:
            head = f"{key}  waiting"
            if len(head) > width - 1:  # 40 columns: one space, then the key's middle gives way
                kept = width - 1 - len(" waiting")
                head = f"{key if len(key) <= kept else _middle_cut(key, max(1, kept - 1))} waiting"
            return [head, *_wrapped(wait_line(wait), width)]
        stalled = self.stall(key, now)
        if stalled is None or progress is None:  # (a stall is said only of a known progress)
            return [self._line(key, progress, width)]
        without_speed = Progress(progress.phase, progress.done, progress.total)
        return [self._line(key, without_speed, width), f"  {stalled}"[: width - 1]]

    def _line(self, key: str, progress: Progress | None, width: int) -> str:
        if progress is None:
            return f"{key}  waiting"
        total = progress.total
        head = f"{key}  {progress.phase:<8} "
        # No byte count until one is known (a step such as finish, or a wait for the lock).
        amounts = f"{human_bytes(progress.done)}/{human_bytes(total)}" if total else ""
        speed = f"  {human_bytes(progress.speed)}/s" if progress.speed else ""
        # The bar gives way to the numbers, then the speed to the bar: cut at the terminal's
        # edge, an 80-column line read `2.3 MiB/18.4` (the total's unit and the speed gone).
        room = width - 1 - len(head) - 1 - len(amounts)
        if room - len(speed) < _BAR_MIN:
            speed = ""
        cells = min(_BAR_WIDTH, room - len(speed))
        if cells < _BAR_MIN:
            line = f"{head}{amounts}"
        else:
            filled = min(cells, int(cells * progress.done / total)) if total else 0
            bar = "█" * filled + "░" * (cells - filled) if total else "·" * cells
            line = f"{head}{bar} {amounts}{speed}"
        return line[: width - 1]

    def _draw(self, final: bool = False) -> None:
        with self._out_lock:
            self._draw_locked(final)

    def _draw_locked(self, final: bool) -> None:
        import shutil  # only on a terminal: plain output (and a tree install's) never needs it

        width = shutil.get_terminal_size((100, 24)).columns
        now = self.clock()
        with self._lock:
            lines = [line for key in self._order for line in self._lines(key, now, width)]
        out = []
        if self._lines_drawn:
            out.append(f"\x1b[{self._lines_drawn}F")  # back to the first line we drew
        for line in lines:
            out.append("\x1b[2K" + line + "\n")
        # A stall's line gone (bytes again) leaves one line fewer: clear what was under it.
        out.append("\x1b[J")
        if final:
            # Leave the screen clean for the summary: clear the bars we drew (and a stall's line).
            out = [f"\x1b[{self._lines_drawn}F" if self._lines_drawn else "", "\x1b[J"]
            self._lines_drawn = 0
        else:
            self._lines_drawn = len(lines)
        self.stream.write("".join(out))
        self.stream.flush()


# A lock wait's line under its bar takes at most this many lines; a longer one (a narrow
# terminal, a root of thousands of characters) is cut where it says least, keeping who holds
# the lock and the way out.
_WAIT_LINES = 3


def _wrapped(text: str, width: int) -> list[str]:
    """`text` under a bar, indented, in at most _WAIT_LINES lines of the terminal's width. Too
    long, it is cut in core/wait_cut's order (the TUI's job row follows it), only where a word
    or a path component ends: what follows the holder first, then the middle of what precedes
    it (the start says what waits, the end of a path which lock), then the end of the holder's
    command; its pid and the ending `; Ctrl-C stops` stay (at 40 columns the middle cut took
    the pid, and later cut inside `for` and a path's names). A path wraps after a `/`."""
    import textwrap  # only here: the bars of an install that never waits need it not

    from pytui.core.wait_cut import WaitShape, boundary_head, cut_wait_note, middle_cut

    room = max(20, width - 3)
    wrapper = _path_wrapper()(room, break_on_hyphens=False)

    def fits(candidate: str) -> bool:
        return len(wrapper.wrap(candidate)) <= _WAIT_LINES

    def command(holder: str, pid_end: int, kept: int) -> str:
        # Cut where a word or a path component ends; the pid stays whole.
        return f"{max(boundary_head(holder, pid_end + kept), holder[:pid_end], key=len)}…"

    shape = WaitShape.wrapped(fits, lambda head, kept, _joined: middle_cut(head, kept), command)
    shown = cut_wait_note(text, f"; {STOP_HINT}", shape)
    if shown is not None:
        lines = wrapper.wrap(shown)
    else:  # a width no pid fits in: the end, as before
        lines = textwrap.wrap(text[-(_WAIT_LINES * (room - 2)):], room)[-_WAIT_LINES:]
    return [f"  {line}" for line in lines]


def _middle_cut(text: str, kept: int) -> str:
    """`text` with `kept` of its characters: its start and its end, `…` between (a build's
    key, which has no word to cut after)."""
    if kept >= len(text):
        return text
    start = (kept + 1) // 2
    return f"{text[:start]}…{text[len(text) - (kept - start):] if kept > start else ''}"


def _path_wrapper() -> type[textwrap.TextWrapper]:
    import re
    import textwrap

    class PathWrapper(textwrap.TextWrapper):
        """Wraps at spaces, and after a path's `/` when a path is wider than what is left of
        the line (`flock /root/.local/` then `share/uv/python/.lock`), not inside a name."""

        def _split(self, text: str) -> list[str]:
            return [piece for chunk in super()._split(text) for piece in re.split(r"(?<=/)(?=[^/])", chunk)]

    return PathWrapper


def elapsed_text(started: float) -> str:
    seconds = time.monotonic() - started
    return f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.2f}s"
