"""When a toast may be shown (no Textual): never over a dialog.

At 80x24 a dialog takes most of the screen and a toast (bottom right) would sit on its Yes/No
(or on the help's or the history's lines) until it fades. So a dialog is never covered: the
toasts on screen when it opens are dismissed (History keeps what they said: `H`), and those
raised while it is open wait, to be shown when it closes, in the order raised, for their whole
time. A question's own news is said inside it, not as a toast.
"""

from __future__ import annotations

from typing import Generic, TypeVar

Toast = TypeVar("Toast")


class ToastGate(Generic[Toast]):
    """Counts the dialogs open (one may open another) and holds the toasts raised meanwhile."""

    def __init__(self) -> None:
        self._open = 0
        self._held: list[Toast] = []

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

    def dialog_closed(self) -> list[Toast]:
        """A dialog closed: the toasts to show now (none while another is open)."""
        self._open = max(0, self._open - 1)
        if self._open:
            return []
        held, self._held = self._held, []
        return held
