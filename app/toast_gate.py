"""When a toast may be shown, and what History keeps of it (no Textual): never over a dialog.

At 80x24 a dialog takes most of the screen and a toast (bottom right) would sit on its Yes/No
(or on the help's or the history's lines) until it fades. So a dialog is never covered: the
toasts on screen when it opens are dismissed, and those raised while it is open wait, to be
shown when it closes. Each toast is in History from the moment it is raised (`H`), so one
dismissed, or one of many held, is still found there: after a dialog only the few most urgent
of the held ones are shown (the newest first among equals), with one line saying how many more
History has, rather than a pile that covers the panes for their whole time. A question's own
news is said inside it, not as a toast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Toast = TypeVar("Toast")

# Held toasts shown once the dialogs close (lazygit shows one message at a time; Textual stacks
# every toast, and at 80x24 three of them cover the Details pane).
MAX_SHOWN_AFTER_DIALOG = 2
# Toasts on screen at once, the line counting the rest included: Textual stacks every toast, so
# 3000 notifications with no dialog open (a hostile root's warnings, a burst of job ends) took
# some 17 s to mount; past it the oldest give way (History has them) and one line says how many.
# Fewer on a screen too short for them (toasts_that_fit).
MAX_TOASTS_ON_SCREEN = MAX_SHOWN_AFTER_DIALOG + 1
# History's outcome word for a toast's severity, when History has no entry of its own for it.
NOTE_OUTCOME = {"information": "info", "warning": "warning", "error": "error"}
# The urgency of a severity: the held toasts shown after a dialog are the most urgent.
URGENCY = {"information": 0, "warning": 1, "error": 2}


class ToastGate(Generic[Toast]):
    """Counts the dialogs open (one may open another) and holds the toasts raised meanwhile."""

    def __init__(self, urgency: Callable[[Toast], int] = lambda _toast: 0,
                 most: int = MAX_SHOWN_AFTER_DIALOG) -> None:
        self._open = 0
        self._held: list[Toast] = []
        self._urgency = urgency
        self._most = most

    @property
    def dialog_open(self) -> bool:
        return self._open > 0

    def dialog_opened(self) -> bool:
        """A dialog opened; True when the toasts on screen must go (the first one)."""
        self._open += 1
        return self._open == 1

    def offer(self, toast: Toast) -> bool:
        """True to show `toast` now; False when it waits for the dialogs to close."""
        if self._open:
            self._held.append(toast)
            return False
        return True

    def dialog_closed(self) -> tuple[list[Toast], int]:
        """A dialog closed: the toasts to show now, in the order raised (none while another is
        open), and how many others were held (History has them)."""
        self._open = max(0, self._open - 1)
        if self._open:
            return [], 0
        held, self._held = self._held, []
        # The most urgent first, the newest first among equals; then back in the order raised.
        ranked = sorted(range(len(held)), key=lambda i: (-self._urgency(held[i]), -i))
        kept = sorted(ranked[:self._most])
        return [held[i] for i in kept], len(held) - len(kept)


def left_line(left: int) -> str:
    """The one toast after a dialog that stands for the held ones not shown. H draws only the
    newest entries (app/history.py): past that, the line says where the others are."""
    from pytui.app.history import LOG_NAME, MAX_SHOWN

    where = "H lists them" if left <= MAX_SHOWN else f"H lists the newest {MAX_SHOWN}, {LOG_NAME} the rest"
    return f"{left} more message{'s' if left != 1 else ''} came while the dialog was open: {where}."


def toasts_that_fit(rows_newest_first: Sequence[int], room: int,
                    more_rows: int) -> tuple[int, bool]:
    """How many of the newest toasts show at once in the `room` rows the toasts have (each
    taking its `rows`, its margin included), and whether the line counting those that gave way
    (`more_rows` tall) shows too. At most MAX_TOASTS_ON_SCREEN with that line, as many as fit
    on a short screen (at 20x8 a second toast ran above the top edge) and the newest always
    (one taller than the room is cut to it: app/toast_text.py); the line takes the place of
    the oldest shown rather than run above the edge, unless only the newest would be left."""
    shown = used = 0
    for rows in rows_newest_first[:MAX_TOASTS_ON_SCREEN - 1]:
        if shown and used + rows > room:
            break
        shown += 1
        used += rows
    if shown < len(rows_newest_first):  # some give way: the line counting them
        while shown > 1 and used + more_rows > room:
            shown -= 1
            used -= rows_newest_first[shown]
    return shown, used + more_rows <= room


def more_line(more: int) -> str:
    """The one toast that stands for those that gave way to newer ones (toasts_that_fit)."""
    from pytui.app.history import LOG_NAME, MAX_SHOWN

    where = "H" if more <= MAX_SHOWN else f"H lists the newest {MAX_SHOWN}, {LOG_NAME} the rest"
    return f"{more} more message{'s' if more != 1 else ''} in History ({where})."


def folded_more_line(more: int, width: int) -> str:
    """The count of the toasts that gave way as the newest toast's last line, where a toast of
    its own does not fit (20x8: only the newest showed, and nothing said others were in
    History): the longest form that fits `width` cells, `` when none does."""
    from pytui.app.keymap import key_display

    key = key_display("history")
    forms = (f"{more} more in History: {key}", f"+{more} more: {key}")
    return next((form for form in forms if len(form) <= width), "")


def more_placement(used: int, room: int, more_rows: int, folded: str) -> str:
    """Where the count of the toasts that gave way goes, the toasts shown taking `used` of the
    `room` rows: `toast` (its own, `more_rows` tall), `folded` (the `folded` line under the
    newest toast's text, one row more), or `` (no room: History has them all the same)."""
    if used + more_rows <= room:
        return "toast"
    if folded and used + 1 <= room:
        return "folded"
    return ""


def history_title(title: str) -> str:
    """The title of a toast's History entry (`note <title>`): an untitled toast's is `pytui`."""
    return title or "pytui"
