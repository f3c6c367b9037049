"""When a toast may be shown (no Textual): never over a dialog's buttons.

At 80x24 a dialog takes most of the screen and a toast (bottom right) would sit on its Yes/No
until it fades. So a dialog that asks is never covered: the toasts on screen when it opens
are dismissed (History keeps what they said: `H`), and those raised while it asks wait, to be
shown when it closes, in the order raised, for their whole time. A dialog's own news (the
question changed) is said inside it, not as a toast.
"""

from __future__ import annotations

from typing import Generic, TypeVar

Toast = TypeVar("Toast")


class ToastGate(Generic[Toast]):
    """Counts the asking dialogs open (one may open another) and holds the toasts raised
    meanwhile."""

    def __init__(self) -> None:
        self._asking = 0
        self._held: list[Toast] = []

    @property
    def asking(self) -> bool:
        return self._asking > 0

    def dialog_opened(self) -> bool:
        """A dialog that asks opened; True when the toasts on screen must go (the first one)."""
        self._asking += 1
        return self._asking == 1

    def offer(self, toast: Toast) -> bool:
        """True to show `toast` now; False when it waits for the dialogs to close."""
        if self._asking:
            self._held.append(toast)
            return False
        return True

    def dialog_closed(self) -> list[Toast]:
        """A dialog that asked closed: the toasts to show now (none while another asks)."""
        self._asking = max(0, self._asking - 1)
        if self._asking:
            return []
        held, self._held = self._held, []
        return held
