"""Esc then a key, typed quickly, is Esc then that key in a dialog.

A terminal sends Esc as the lone byte ESC, and Alt+q as ESC `q`. Textual's parser waits a
moment after an ESC for what follows (ESCAPE_DELAY), so Esc then `q` typed within it, or sent
in one write (`tmux send-keys Escape q`), reaches the app as one key, `alt+q` (seen in tmux
with the real driver). No dialog binds an alt key: an uninstall question stayed open after
Esc `q`, and the next `y` answered it. pytui binds no alt key anywhere, so on a screen that
closes with Esc (a question, the purge rules, the help, History, Environments, the palette) `alt+<key>` is
taken as what was typed: Esc (the screen's own Esc action, run at once), then `<key>`, handed
to the screen now on top (app/pytui_app.py `on_event`).

Textual keeps the `alt+` only for a letter or digit: after Esc, `?`, `/`, Space or Enter come
as themselves, the Esc lost before the app sees anything (app/terminal_driver.py's parser
would have to split them; not done). No Textual here: the rule is unit-tested alone.
"""

from __future__ import annotations

ALT = "alt+"
SHIFT = "shift+"


def typed_after_escape(key: str, character: str | None) -> str | None:
    """The key typed after an Esc that the parser joined with it into `key` (`alt+q` -> `q`,
    `alt+shift+h` -> `H`, `alt+1` -> `1`), as Textual names that key typed alone; None when
    `key` is not ESC and one printable character (a real modified key such as `alt+up`)."""
    if not key.startswith(ALT) or character is None or len(character) != 1 or \
            not character.isprintable():
        return None
    rest = key[len(ALT):]
    if rest.startswith(SHIFT) and len(rest) == len(SHIFT) + 1 and character.isupper():
        return character
    return rest if rest == character else None
