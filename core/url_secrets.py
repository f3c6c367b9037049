"""URLs as pytui shows them: with the password (or a lone user name, often a token) of a
mirror or catalog URL as `****`, as uv's DisplaySafeUrl shows them (`http://user:****@host/…`,
`http://****@host/…`). The request still sends them; no line, table, History entry or log does.

`UV_PYTHON_INSTALL_MIRROR=http://user:secret@mirror/…` printed the secret in every download
error, in `pytui list --show-urls`, and in the TUI's Details, install question and History.

The rules, for each `scheme://` in a line (the netloc being the text after it up to the first
`/`, `?` or `#`, as urlsplit reads it, white space and all: a malformed mirror value
`https://user:pa ss@host/` sends `pa ss`):

1. A host (no `:` in it unless bracketed, `[::1]`) and port, `host:8080`, then white space,
   `/`, `?`, `#` or the end, with no `@` before it: no user info. `http://host:8080/a@b` keeps its path's `@`, and
   `https://host:8080 see me@x` is a URL and text after it. (So a password of one to five
   digits then `/`, `?`, `#` or white space, `user:1234/x@host`, reads as a port, as every
   URL parser reads it.)
2. A password holding `/`, `?` or `#` (`https://user:pa/ss@host/x`), which no parser sees
   (the request goes to the host `user`) but is the user's secret all the same: `user:`,
   then text with no `@` up to the first `/`, `?` or `#`, is a password up to the last `@`
   within 256 characters after that, whatever they are (white space, `@`). Text after such
   a broken URL may go with it; hiding too much is safe, a piece of a password is not.
3. Otherwise the parser's reading: the netloc up to its last `@` is the user info when it
   holds a `:` (`user:****@`: a password's white space and `@` go with it, and text after
   the URL up to a later `@` may too); without one, a user name alone, up to the last `@`
   before any white space (`****@`): the text after `https://host see me@example` is none.
   A password holding an `@` before its first `/`, `?` or `#` (`user:p@ss/x@host`) is
   therefore read as the valid URL it is, host `ss`, as uv reads it.

One pass over the line: each `://` costs the text up to the next `/`, `?` or `#` and at most
256 characters more, so a hostile 200 KB value is scanned in linear time.
"""

from __future__ import annotations

TYPE_CHECKING = False  # no `typing` import at run time
if TYPE_CHECKING:
    from re import Pattern

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SCHEME_CHARS = _LETTERS | frozenset("0123456789+.-")
_SCHEME_MAX = 32
# How far past its first `/`, `?` or `#` a password (rule 2) may run to its `@`.
_SLASHED_PASSWORD_MAX = 256
_patterns: list[Pattern[str]] = []


def _compiled() -> tuple[Pattern[str], Pattern[str], Pattern[str]]:
    # (not at import: `pytui list` compiles no pattern unless a URL holds an `@`)
    if not _patterns:
        import re

        # A port may end a sentence (`http://host:8080: refused`, `(see http://host:8080)`).
        _patterns.extend((re.compile(r"[/?#]"), re.compile(r"[\s/?#]"),
                          re.compile(r":[0-9]{1,5}[.,:;)\]]?\Z")))
    netloc_end, word_end, port = _patterns
    return netloc_end, word_end, port


def _has_scheme(text: str, at: int) -> bool:
    """Whether `text[:at]` ends with a URL scheme (a letter, then up to 31 scheme characters)."""
    start = at
    while start > 0 and at - start < _SCHEME_MAX and text[start - 1] in _SCHEME_CHARS:
        start -= 1
        if text[start] in _LETTERS:
            return True
    return False


def _user_info_end(text: str, start: int) -> tuple[int, str] | None:
    """Where the user info after `scheme://` (at `start`) ends (the index of its `@`) and how it
    is shown; None when there is none (the rules in the module's docstring)."""
    netloc_end, word_end, port = _compiled()
    found = netloc_end.search(text, start)
    cut = found.start() if found else len(text)
    if text.find("@", start, cut + 1 + _SLASHED_PASSWORD_MAX) < 0:
        return None  # (most URLs: no `@` near)
    found = word_end.search(text, start)
    word = found.start() if found else len(text)
    if "@" not in text[start:word]:
        found = port.search(text, start, word)
        # A host holds no `:` unless bracketed (`[::1]:80`): `https://::0/pw@host` is user ``
        # and a password `:0/pw`, not the host `:` and port 0.
        if found and (":" not in text[start:found.start()] or text.startswith("[", start)):
            return None  # rule 1: host:port, and what follows is no user info
    colon = text.find(":", start, cut)
    if colon >= 0 and cut < len(text) and "@" not in text[colon:cut]:
        at = text.rfind("@", cut, cut + 1 + _SLASHED_PASSWORD_MAX)
        if at >= 0:  # rule 2: a password holding `/`, `?` or `#`
            return at, text[start:colon] + ":****@"
    at = text.rfind("@", start, cut)
    if at < 0:
        return None
    colon = text.find(":", start, at)
    if colon >= 0:  # rule 3: user and password
        return at, text[start:colon] + ":****@"
    at = text.rfind("@", start, min(word, cut))
    return (at, "****@") if at >= 0 else None  # a user name alone has no white space


def without_secrets(text: str) -> str:
    """`text` (a URL, or a line naming URLs) with each URL's user info shown as uv shows it."""
    if "@" not in text:
        return text
    pieces: list[str] = []
    shown = 0  # text[:shown] is in pieces
    at = text.find("://")
    while at >= 0:
        start = at + 3
        ending = _user_info_end(text, start)
        if ending is not None and not _has_scheme(text, at):
            ending = None
        if ending is None:
            at = text.find("://", start)
            continue
        end, masked = ending
        pieces.append(text[shown:start])
        pieces.append(masked)
        shown = end + 1
        at = text.find("://", shown)
    pieces.append(text[shown:])
    return "".join(pieces)
