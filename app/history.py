"""The session's history (no Textual): every job and operation with its whole outcome, shown
by the History screen (H) and appended to `<state dir>/tui-history.log`, so an error can be
read after its notification is gone, or after pytui has exited."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

from pytui.core.record import FrozenRecord
from pytui.core.url_secrets import without_secrets
from pytui.widgets.format import home_shortened, one_line, short_path

LOG_NAME = "tui-history.log"
# The log is rotated (one old copy kept, `.1`) once it passes this size.
MAX_LOG_BYTES = 1_000_000
# Entries kept in memory for the History screen.
MAX_ENTRIES = 2_000
# The newest entries the History screen draws: each is a widget, and with 2000 of them (every
# toast is an entry) `H` took seconds to open; the earlier ones are in the log.
MAX_SHOWN = 200


class Entry(FrozenRecord):
    __slots__ = ("at", "kind", "title", "outcome", "message")
    at: float
    # "install", "uninstall", "verify", "purge", "refresh", "catalog", "scan"; "note": a
    # notification with no entry of its own (app/toast_gate.py)
    kind: str
    title: str
    # "done", "failed", "cancelled", "warning", "note"; a note's: "info", "warning", "error"
    outcome: str
    # The whole one-line message (the error, or what was done).
    message: str

    def __init__(self, at: float, kind: str, title: str, outcome: str, message: str) -> None:
        _set = object.__setattr__
        _set(self, "at", at)
        _set(self, "kind", kind)
        _set(self, "title", title)
        _set(self, "outcome", outcome)
        _set(self, "message", message)


def format_time(at: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(at))


class History:
    def __init__(self, state_dir: Path | None, *, clock: Callable[[], float] = time.time,
                 on_problem: Callable[[str], None] | None = None, home: Path | None = None) -> None:
        self.entries: list[Entry] = []
        # Paths under it are written from `~` in every entry, as the panes write them.
        self.home = home
        self.log_path = state_dir / LOG_NAME if state_dir is not None else None
        # Why the log could not be written (shown on the History screen), or "".
        self.log_problem = ""
        self._clock = clock
        # Told the cause once, when the log first cannot be written (the app notifies).
        self._on_problem = on_problem

    def add(self, kind: str, title: str, outcome: str, message: str, *, verbatim: bool = False) -> Entry:
        """`verbatim`: the message is kept as given, paths too (what `y` put on the clipboard)."""
        # A URL's password never reaches the screen or the log (core/url_secrets.py).
        # On one line: a newline or tab in a name on disk drawn as the panes draw it (`␤`),
        # not taken for a space (`~/r-new line/…` named a path that is not there).
        said = without_secrets(" ".join(one_line(message).split()))
        if not verbatim:
            said = home_shortened(said, self.home)
        entry = Entry(self._clock(), kind, title, outcome, said)
        self.entries.append(entry)
        del self.entries[:-MAX_ENTRIES]
        self._append(entry)
        return entry

    def _append(self, entry: Entry) -> None:
        if self.log_path is None or self.log_problem:
            return
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.at))
        # Escaped (app/safe_text.py): a name in a message must not steer a terminal that shows
        # the log (`tail -f`), and a tab in a title must not shift its columns.
        from pytui.app.safe_text import shown

        line = f"{stamp}\t{entry.kind}\t{entry.outcome}\t{shown(entry.title)}\t{shown(entry.message)}\n"
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                if self.log_path.stat().st_size > MAX_LOG_BYTES:
                    os.replace(self.log_path, self.log_path.with_name(LOG_NAME + ".1"))
            except FileNotFoundError:
                pass
            # O_NOFOLLOW: a symlink planted at the log's name is refused, not followed;
            # O_NONBLOCK and the fstat: a FIFO there must not block the app (ENXIO, or refused).
            fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW
                         | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
            with os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace") as f:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise OSError(0, "not a regular file")
                f.write(line)
        except OSError as err:
            from pytui.core.fs_errors import write_cause

            cause = write_cause(err, self.log_path)
            self.log_problem = (f"cannot write the history log {self.log_path}: "
                                f"{cause}; this session's history is only shown "
                                "here")
            # Once: a problem stops every later attempt (the check at the top).
            if self._on_problem is not None:
                self._on_problem(cause)


def shown_entries(history: History) -> tuple[list[Entry], str]:
    """The entries the History screen draws (the newest MAX_SHOWN) and the line that says how
    many earlier ones it leaves out ("" when none)."""
    earlier = len(history.entries) - MAX_SHOWN
    if earlier <= 0:
        return history.entries, ""
    where = "in the log" if history.log_path is not None and not history.log_problem else "not shown"
    return history.entries[-MAX_SHOWN:], f"{earlier} earlier entries {where}; the newest {MAX_SHOWN} below"


def log_note(history: History, home: Path) -> str:
    """The History screen's line under its title: where the log is kept (`~` for the home, as
    the header writes paths), or why it is not. It read `Also in /home/me/.local/state/…`."""
    if history.log_problem:
        return home_shortened(history.log_problem, home)
    if history.log_path is None:
        return ""
    return f"Also written to {short_path(history.log_path, home)}"
