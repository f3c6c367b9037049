"""Text that comes from other people's files and directory names (environment paths, values
read from pyvenv.cfg), made safe to print: a terminal must not be steered by it (escape
sequences set titles, write the clipboard), a newline must not forge a row, and a name that is
not UTF-8 (held as surrogate escapes) must not crash a strict UTF-8 stdout.

`shown` is for text output: every character that is not printable (C0/C1 controls, DEL,
format characters such as the right-to-left override, surrogate escapes) is written as an
escape (`\\n`, `\\x1b`, `\\xff` for an undecodable byte, `\\u202e`). `json_text` is for JSON:
json escapes C0 controls itself; the other non-printable characters are written as `\\uXXXX`
escapes, so the output is valid UTF-8 and a surrogate escape still reads back (json.loads,
then os.fsencode) as the original bytes.
"""

from __future__ import annotations

from pytui.core.keys import TYPE_CHECKING

if TYPE_CHECKING:
    import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Compiled (by re's cache) the first time a text needs escaping, and `re` imported only then:
# an install imports this module to print its paths, which are nearly always printable, and
# `re` with the `enum` it imports is ~3 ms of a process's start (tests/test_install_imports.py).
_NOT_ASCII_PRINTABLE = r"[^\x20-\x7e]"


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch.isprintable():
        return ch
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(text: object) -> str:
    """`text` with every non-printable character escaped (printable text is returned as is)."""
    value = str(text)
    if value.isprintable():
        return value
    import re

    return re.sub(_NOT_ASCII_PRINTABLE, _escape, value)


def _json_escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch.isprintable():
        return ch
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON writes a character past the BMP as a surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(value: object, separators: tuple[str, str] | None = None) -> str:
    """`json.dumps(value, ensure_ascii=False)` with non-printable characters as `\\u` escapes
    (`separators` as json.dumps takes them: `pytui list --json` writes uv's compact form)."""
    import json  # (only for JSON output: off the install path, which imports this module)
    import re

    return re.sub(_NOT_ASCII_PRINTABLE, _json_escape,
                  json.dumps(value, ensure_ascii=False, separators=separators))


__all__ = ["json_text", "shown"]
