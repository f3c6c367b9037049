"""What a command line argparse refuses says: one line naming the command, what it did not take
and where its options are listed, exit 2.

argparse printed the top-level usage block (even for `pytui install --default`) and then
`pytui: error: unrecognized arguments: --default`; a uv user types uv's flags and actions
(`--default`, `--upgrade`, `cache clean`) and got neither the command's options nor what
does that job here. (A word that names no command is app/unknown_command.py's.)
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence

from pytui.app.safe_text import shown

# uv's flags and cache actions a uv user types, and what does their job in pytui.
_UV_FLAGS = {
    "--upgrade": "`pytui upgrade` installs the newest patch of installed minor versions",
    "--python-downloads": "--offline or UV_OFFLINE=1 keeps pytui off the network",
    "--no-python-downloads": "--offline or UV_OFFLINE=1 keeps pytui off the network",
    "--no-progress": "-q hides the progress",
    "--verbose": "only install takes -v",
    "-v": "only install takes -v",
}
_UV_CACHE_ACTIONS = {
    "clean": "`pytui cache purge --all` empties the archive cache",
    "prune": "`pytui cache purge --superseded` removes archives a newer build replaced",
    "size": "`pytui cache list` ends with the cache's total size",
}
_UNRECOGNIZED = "unrecognized arguments: "
_INVALID_CHOICE = re.compile(r"^argument (?P<what>\S+): invalid choice: '(?P<word>.*)' \(choose from (?P<choices>.*)\)$")


def usage_error_line(message: str, prog: str, argv: Sequence[str], commands: Sequence[str],
                     actions: Mapping[str, Sequence[str]] | None = None,
                     options: Mapping[str, Sequence[str]] | None = None) -> str:
    """The line for argparse's `message` from the parser named `prog`, for the command line
    `argv` (`commands`: pytui's command words, to name the command a top-level error is about;
    `actions`: a command's action words, `cache`'s `purge`…, to name the action too;
    `options`: each command's option strings by its prog, to name the one a typo meant)."""
    at = None
    if prog == "pytui":
        # argparse reports arguments no parser took from the top-level parser.
        at = next((index for index, arg in enumerate(argv) if arg in commands), None)
        if at is not None:
            prog = f"pytui {argv[at]}"
            # `pytui cache purge --bogus` is about `pytui cache purge` and its --help.
            action = next((arg for arg in argv[at + 1:] if not arg.startswith("-")), None)
            if action is not None and action in (actions or {}).get(argv[at], ()):
                prog += f" {action}"
    help_hint = f"`{prog} --help` lists what it takes"
    if message.startswith(_UNRECOGNIZED):
        extra = message[len(_UNRECOGNIZED):].split(" ")
        first = extra[0]
        name = first.split("=", 1)[0]
        what = f"option {shown(name)}" if name.startswith("-") else f"argument '{shown(first)}'"
        if (at is not None and name in (options or {}).get(prog, ())
                and any(arg.split("=", 1)[0] == name for arg in argv[:at])):
            # The command's own option, put before the command word (`pytui -v install 3.12`):
            # "has no option -v (only install takes -v)" contradicted itself.
            return f"{what} is {prog}'s: put it after `{argv[at]}` (`{prog} {shown(name)} …`)"
        uv_hint = _UV_FLAGS.get(name)
        if uv_hint is None and name.startswith("--"):
            # An abbreviation or a typo (`--offlin`): no option is taken by a prefix, as in uv.
            close = difflib.get_close_matches(name, [o for o in (options or {}).get(prog, ())
                                                     if o.startswith("--")], n=1, cutoff=0.75)
            if close:
                return f"{prog} has no {what} (did you mean {close[0]}?); {help_hint}"
        return f"{prog} has no {what}" + (f" ({uv_hint})" if uv_hint else "") + f"; {help_hint}"
    choice = _INVALID_CHOICE.match(message)
    if choice is not None:
        word = choice.group("word")
        choices = [c.strip(" '") for c in choice.group("choices").split(",")]
        what = choice.group("what")
        if what.startswith("-"):
            return f"{what} takes {', '.join(choices)}, not '{shown(word)}'; {help_hint}"
        said = f"{prog} has no {what.lower()} '{shown(word)}'"
        if prog == "pytui cache" and word in _UV_CACHE_ACTIONS:
            return f"{said} (uv cache {word}): {_UV_CACHE_ACTIONS[word]}; {help_hint}"
        # The start of one action's name (`export` for export-mirror) means that one, though
        # another is spelled closer (`import`).
        starting = [c for c in choices if word and c.startswith(word)]
        close = starting if len(starting) == 1 else difflib.get_close_matches(word, choices, n=1,
                                                                              cutoff=0.6)
        if close:
            return f"{said}: did you mean '{close[0]}'? ({', '.join(choices)})"
        return f"{said}: {', '.join(choices)}; {help_hint}"
    return f"{shown(message)} ({prog}); {help_hint}"
