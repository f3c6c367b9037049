"""What a TOML text's keys will cost the parser, looked at before it runs.

uv's TOML parser stops past 80 levels ("recursion limit", checked with uv 0.13.9): a dotted key
or a table header of more than 80 parts is refused. tomllib (and tomli on 3.10) checks every
prefix of a dotted key against the tables defined so far, so a key of n parts costs it some n²
steps or more: 20,000 parts (40 KB) took 13 s and 40,000 parts 103 s, and one key of 500,000
parts in a 1 MiB file did not end. Keys within uv's depth still add up: 6,000 keys of 80 parts
(1 MiB) took 9 s. So a text is refused before parsing when a key has more than MAX_KEY_PARTS
parts (as uv), or when its keys' dots squared add up past MAX_KEY_COST (about half a second of
tomllib on this project's machines; a real pyproject.toml uses well under 1% of it).

The scan reads the text once: outside strings and comments, the dots between two of
`= , [ ] { }` or a line's end are one key's (a value's dots are one: a float or a time)."""

from __future__ import annotations

import re

MAX_KEY_PARTS = 80
MAX_KEY_COST = 2_000_000

_SPECIAL = re.compile(r"[\"'#.=,\[\]{}\n]")
_IN_BASIC = re.compile(r'[\\"\n]')


class KeysTooCostly(ValueError):
    """The cause, in words, for the caller's one line."""


def _after_string(text: str, quote: str, start: int) -> int:
    """The index just past the string opened at `start`; len(text) when it does not end (the
    parser says so)."""
    end = len(text)
    if text.startswith(quote * 3, start):
        if quote == "'":
            found = text.find("'''", start + 3)
            return end if found < 0 else _past_closing(text, quote, found)
        position = start + 3
        while True:
            found = text.find('"""', position)
            if found < 0:
                return end
            backslashes = found - len(text[position:found].rstrip("\\")) - position
            if backslashes % 2 == 0:
                return _past_closing(text, quote, found)
            position = found + 1
    if quote == "'":
        found = text.find("'", start + 1)
        line = text.find("\n", start + 1)
        if line >= 0 and (found < 0 or line < found):
            return line  # not closed on its line (the parser refuses it): the keys after still count
        return end if found < 0 else found + 1
    position = start + 1
    while True:
        match = _IN_BASIC.search(text, position)
        if match is None or match.group() == "\n":
            return end if match is None else match.start()
        if match.group() == '"':
            return match.end()
        position = match.end() + 1  # a backslash and the character it escapes


def _past_closing(text: str, quote: str, found: int) -> int:
    """Just past a multi-line string whose first closing three quotes are at `found`: TOML
    takes one or two more quotes right after them as the string's own (`'''y''''` is `y'`), so
    it ends after those; taken at the first three, the last quote read as an opening one and the
    scan passed over the rest of the text."""
    end = found + 3
    for _ in range(2):
        if not text.startswith(quote, end):
            break
        end += 1
    return end


def check(text: str) -> None:
    """Raise KeysTooCostly (the cause) for a text whose keys cost the parser too much."""
    if text.count(".") < MAX_KEY_PARTS:  # fewer dots than a refused key holds, costing little
        return
    cost = dots = 0
    position = 0
    while True:
        match = _SPECIAL.search(text, position)
        if match is None:
            break
        char, position = match.group(), match.end()
        if char == ".":
            dots += 1
            if dots >= MAX_KEY_PARTS:
                raise KeysTooCostly(f"not valid TOML: a key of more than {MAX_KEY_PARTS} parts (uv's TOML parser "
                                    "stops there too)")
            continue
        if char in "\"'":
            position = _after_string(text, char, match.start())
            continue
        if char == "#":
            line = text.find("\n", position)
            position = len(text) if line < 0 else line
            continue
        cost += dots * dots
        dots = 0
        if cost > MAX_KEY_COST:
            raise KeysTooCostly(f"not read: keys of more parts than pytui parses (their dots squared add up "
                                f"past {MAX_KEY_COST:,}; a key of n parts costs the parser ~n² "
                                "steps)")


__all__ = ["MAX_KEY_COST", "MAX_KEY_PARTS", "KeysTooCostly", "check"]
