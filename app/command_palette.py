"""The command palette (`:` / Ctrl+P): Textual's, closed once, whatever keys are queued for it.

Textual's palette closes with `dismiss()`, which pops the top screen whoever it is. Keys typed
fast (`:` Enter Enter, a bouncing key, Esc Esc) reach the palette's queue before the first one
closes it; the second then closed it again, which popped pytui's main screen, and Textual
ended the app (`ScreenStackError: Can't pop screen`, exit 1). Here a palette that is no longer
the screen shown is not closed again, and the command a second Enter picked does not run.
"""

from __future__ import annotations

from textual.await_complete import AwaitComplete
from textual.command import CommandPalette, Hit


def _nothing() -> None:
    pass


class OnceCommandPalette(CommandPalette):
    # Esc then a key typed quickly (one `alt+<key>`) closes it, then the key acts
    # (app/alt_keys.py): its search box took the key as text and the palette stayed open.
    CLOSES_ON_ESCAPE = True

    def dismiss(self, result: None = None) -> AwaitComplete:
        if not self.is_active:
            # Closed already: a key queued behind the one that closed it. Textual runs the
            # selected command right after this returns: the first Enter's ran already.
            self._selected_command = Hit(0, "", _nothing)
            return AwaitComplete.nothing()
        return super().dismiss(result)
