"""What `pytui WORD` says when WORD names no command: one line with what to type instead.

A uv user types uv's spellings (`pytui python install 3.12`, `pytui find 3.12`, `pytui pin`),
a typo (`pytui instal`) or a request with no command (`pytui 3.12`); argparse answered each
with its usage block and `invalid choice: 'find' (choose from 'list', 'ls', …)`.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Sequence

from pytui.app.safe_text import shown

# uv python's commands pytui has no counterpart for, and what does their job here.
_UV_ONLY = {
    "find": "pytui list --only-installed{request} prints the path of each {matching}install",
    "pin": "write the version into .python-version (echo {request} > .python-version), "
           "or run uv python pin {request}",
    "update-shell": "add the directory `pytui dir --bin` prints to PATH in your shell's profile",
}
# What a Python request starts with (core/requests.py's grammar): a version, an implementation,
# a version bound (ASCII digits: `３.12` is no version to uv).
_REQUEST_START = re.compile(r"^(?:[0-9]|[<>=!~]|cpython|pypy|graalpy|python3)", re.IGNORECASE)


def unknown_command_line(word: str, rest: Sequence[str], commands: Sequence[str]) -> str:
    """The error line for `pytui WORD REST…` where WORD is none of `commands` (help order)."""
    if word == "python" and rest and rest[0] in _UV_ONLY:
        # `pytui python find 3.12`: what does uv's command's job, not "drop `python`", which
        # only led to the next error (`pytui find 3.12`).
        word, rest = rest[0], rest[1:]
    named = f"'{shown(word)}'"
    if word == "python":
        # uv's `uv python install 3.12`: pytui's commands are its subcommands.
        if rest and rest[0] in commands:
            return (f"unknown command {named}: pytui's commands are uv python's without the word "
                    f"`python`: pytui {_joined(rest)}")
        return (f"unknown command {named}: pytui's commands are uv python's without the word "
                f"`python` ({_listed(commands)})")
    request = next((arg for arg in rest if not arg.startswith("-")), None)
    if word in _UV_ONLY:
        if word == "find":  # with no request, every install (no made-up one)
            return f"pytui has no {named} command (uv python find): " + _UV_ONLY[word].format(
                request=f" {shlex.quote(shown(request))}" if request else "",
                matching="matching " if request else "")
        # With no request, a placeholder: a version named here (it said 3.12) would age, and
        # this line is said before any settings, install root or catalog is read.
        fix = _UV_ONLY[word].format(request=shlex.quote(shown(request)) if request else "VERSION")
        return f"pytui has no {named} command (uv python {word}): {fix}"
    if _REQUEST_START.match(word):
        quoted = shlex.quote(shown(word))
        return (f"unknown command {named}: a request follows a command, as in "
                f"pytui install {quoted} or pytui list {quoted}")
    close = difflib.get_close_matches(word, commands, n=1, cutoff=0.6)
    if close:
        return f"unknown command {named}: did you mean '{close[0]}'? ({_listed(commands)})"
    return f"unknown command {named}: {_listed(commands)}; pytui --help says what each does"


def _listed(commands: Sequence[str]) -> str:
    return "the commands are " + ", ".join(commands)


def _joined(args: Sequence[str]) -> str:
    return shlex.join(shown(arg) for arg in args)
