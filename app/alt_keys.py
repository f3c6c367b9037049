"""Esc then a key, typed quickly, is Esc then that key on a screen that closes with Esc.

A terminal sends Esc as the lone byte ESC, and Alt+q as ESC `q`. Textual's parser waits a
moment after an ESC for what follows (ESCAPE_DELAY), so Esc then a key typed within it, or sent
in one write (`tmux send-keys Escape q`), reaches the app as one key made of both (seen in tmux
with the real driver): `alt+q` for a letter; for other bytes the key a macOS Option key makes
(ESC `3` is `£`, ESC `1` is `¡`), `shift+tab` (ESC Tab), `ctrl+left` / `ctrl+right` (ESC `b` /
`f`), `ctrl+w` (ESC Backspace), or the key alone, the Esc lost (`?`, `/`, Space, Enter). No
dialog binds any of them: an uninstall question stayed open after Esc `q`, and the next `y`
answered it; after Esc Tab the focus was on its Yes button.

pytui's parser (app/terminal_driver.py) hands on each such key as an `EscapeThen`: the key
Textual made, carrying the key the byte after the ESC is alone. On a screen that closes with
Esc (a question, Purge by rule, the help, History, Environments, the palette) it is taken as
what was typed: the screen's own Esc action, run at once, then the key, handed to the screen
then on top (app/pytui_app.py `on_event`); but in a text box the word keys (WORD_KEYS) stay
words. Elsewhere it is the key Textual made, as before (Option+Left in the filter box still
moves a word).
"""

from __future__ import annotations

from textual import events

ESC = "\x1b"


def byte_after_escape(sequence: str, alt: bool) -> str | None:
    """The character typed after an ESC when Textual's parser makes one key of `sequence`
    (`alt`: its ESC was read already, as for ESC `q`); None for any other sequence (an ESC
    alone, ESC ESC, an escape sequence such as `ESC [ A`)."""
    if alt and len(sequence) == 1:
        return sequence
    if len(sequence) == 2 and sequence[0] == ESC and sequence[1] != ESC:
        return sequence[1]
    return None


# What a macOS terminal sends for Option+Left / Right / Backspace (ESC `b` / `f` / DEL): in a
# text box (the filter's, the palette's search) they move or delete a word, as before.
WORD_KEYS = frozenset({"ctrl+left", "ctrl+right", "ctrl+w"})


class EscapeThen(events.Key):
    """The key Textual's parser made of an ESC and the byte after it (`joined`), and the key
    that byte is alone (`typed`)."""

    def __init__(self, joined: events.Key, typed: events.Key) -> None:
        super().__init__(joined.key, joined.character)
        self.typed = typed


# Textual finds a message's handlers by a name made of its class's (`on_escape_then`): this one
# is a key to every widget (`on_key`, `_on_key`, the bindings).
EscapeThen.handler_name = events.Key.handler_name
