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
# a password: a malformed mirror value `https://user:pa ss@host/` sends `pa ss`, so text after a
# URL may run on to a later `@` past a `:` and be shown as `****` with it; hiding too much is
# safe, a piece of a password is not. A user name alone (no `:`) has no white space, so the
# text after `https://host see me@example` is no user info.
# First, though, a password holding `/`, `?` or `#` (`https://user:pa/ss@host/x`): no parser
# sees one there (the request goes to the host `user`), but it is the user's secret all the
# same, so `user:` then text up to the first `@`, with no white space or `@`, is masked as a
# password (up to 256 characters past its first `/`, `?` or `#`). (A URL with a port and an
# `@` in its path, `http://host:8080/a@b`, loses its port and path to `****` too.)
# The scheme is bounded so that a long run of `a.a.a…` (a hostile value) is not scanned from
# each of its starts; the password's rest is taken whole or not at all (a lookahead and its
# backreference: an atomic group, which Python 3.10 lacks), not retried at each shorter length.
_USERINFO = (r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,31}://)"
             r"(?:(?P<user>[^/?#:]*):(?P<password>[^\s@/?#]*[/?#](?=(?P<rest>[^\s@]{0,256}))(?P=rest))@"
             r"|(?P<userinfo>[^/?#:]*:[^/?#]*|[^\s/?#:]*)@)")


def _masked(match: Match[str]) -> str:
    if match.group("password") is not None:
        return f"{match.group('scheme')}{match.group('user')}:****@"
    user, colon, _password = match.group("userinfo").partition(":")
    return f"{match.group('scheme')}{user + ':' if colon else ''}****@"


def without_secrets(text: str) -> str:
    """`text` (a URL, or a line naming URLs) with each URL's user info shown as uv shows it."""
    if "@" not in text:
        return text
    import re  # (not at import: `pytui list` compiles no pattern unless a URL holds an `@`)

    return re.sub(_USERINFO, _masked, text)
