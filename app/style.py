"""Colour for the CLI's own lines, decided as uv decides it.

Order: `--color auto|always|never`, then `NO_COLOR` (non-empty: never), then `FORCE_COLOR` or
`CLICOLOR_FORCE` (non-empty: always), else auto: colour only when the stream is a terminal
whose `TERM` is not `dumb`. On a pipe or in a file there are no escape codes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

TYPE_CHECKING = False  # `typing` is not imported at run time: `pytui list` starts faster
if TYPE_CHECKING:
    from typing import TextIO

COLOR_CHOICES = ("auto", "always", "never")

_RESET = "\x1b[0m"
_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


def color_enabled(choice: str | None, stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """Whether lines written to `stream` get colour, for `--color` `choice` (None: not given)."""
    env = os.environ if env is None else env
    if choice == "always":
        return True
    if choice == "never":
        return False
    if choice is None:
        if env.get("NO_COLOR"):
            return False
        if env.get("FORCE_COLOR") or env.get("CLICOLOR_FORCE"):
            return True
    try:
        is_tty = stream.isatty()
    except (AttributeError, ValueError):  # a closed or wrapped stream
        return False
    return is_tty and env.get("TERM") != "dumb"


class Style:
    """Wraps text in SGR codes when enabled; returns it unchanged otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def paint(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles:
            return text
        codes = ";".join(_CODES[name] for name in styles)
        return f"\x1b[{codes}m{text}{_RESET}"

    def bold(self, text: str) -> str:
        return self.paint(text, "bold")

    def dim(self, text: str) -> str:
        return self.paint(text, "dim")

    def green(self, text: str) -> str:
        return self.paint(text, "green")

    def red(self, text: str) -> str:
        return self.paint(text, "red")

    def yellow(self, text: str) -> str:
        return self.paint(text, "yellow")

    def cyan(self, text: str) -> str:
        return self.paint(text, "cyan")

    def error(self, message: str) -> str:
        """uv's error line: `error: ` in bold red, then the message (escaped: see `_one_line`)."""
        return f"{self.paint('error', 'red', 'bold')}{self.bold(':')} {_one_line(message)}"

    def warning(self, message: str, *, painted: bool = False) -> str:
        """uv's warning line: `warning: ` in bold yellow, then the message in bold (escaped).
        A `painted` message carries this style's own colours and its caller escaped each part
        taken from outside (app/path_hint.py): escaping it again would print the codes."""
        text = message if painted else _one_line(message)
        return f"{self.paint('warning', 'yellow', 'bold')}{self.bold(':')} {self.bold(text)}"


def _one_line(message: str) -> str:
    """A message with its non-printable characters escaped (app/safe_text.py): messages name
    archive members, tree files and paths that come from other people, and an ESC sequence
    there would steer the terminal (OSC 52 writes the clipboard). A URL's password is `****`
    (core/url_secrets.py): a mirror's is named in every download error."""
    if "@" in message:
        from pytui.core.url_secrets import without_secrets

        message = without_secrets(message)
    if message.isprintable():
        return message
    from pytui.app.safe_text import shown

    return shown(message)


PLAIN = Style(False)

# This run's `--color` (None: not given), set once by the CLI's `main`.
_choice: str | None = None


def set_color_choice(choice: str | None) -> None:
    global _choice
    _choice = choice


def style_for(stream: TextIO, choice: str | None = None,
              env: Mapping[str, str] | None = None) -> Style:
    return Style(color_enabled(choice, stream, env))


def stderr_style() -> Style:
    """The style for lines written to stderr in this run (the `--color` given to `main`)."""
    return style_for(sys.stderr, _choice)
