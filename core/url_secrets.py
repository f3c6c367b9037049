"""URLs as pytui shows them: with the password (or a lone user name, often a token) of a
mirror or catalog URL as `****`, as uv's DisplaySafeUrl shows them (`http://user:****@host/…`,
`http://****@host/…`). The request still sends them; no line, table, History entry or log does.

`UV_PYTHON_INSTALL_MIRROR=http://user:secret@mirror/…` printed the secret in every download
error, in `pytui list --show-urls`, and in the TUI's Details, install question and History.
"""

from __future__ import annotations

TYPE_CHECKING = False  # no `typing` import at run time
if TYPE_CHECKING:
    from re import Match

# A scheme and its `//`, then the user info up to the netloc's last `@` (urlsplit's reading,
# which the request uses: the netloc ends at the first `/`, `?` or `#`). White space does not end
# it: a malformed mirror value `https://user:pa ss@host/` sends `pa ss` as its password, so text
# after a URL may run on to a later `@` and be shown as `****` with it; hiding too much is safe,
# a piece of a password is not. The
# scheme is bounded so that a long run of `a.a.a…` (a hostile value) is not scanned from each
# of its starts.
_USERINFO = r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,31}://)(?P<userinfo>[^/?#]*)@"


def _masked(match: Match[str]) -> str:
    user, colon, _password = match.group("userinfo").partition(":")
    return f"{match.group('scheme')}{user + ':' if colon else ''}****@"


def without_secrets(text: str) -> str:
    """`text` (a URL, or a line naming URLs) with each URL's user info shown as uv shows it."""
    if "@" not in text:
        return text
    import re  # (not at import: `pytui list` compiles no pattern unless a URL holds an `@`)

    return re.sub(_USERINFO, _masked, text)
