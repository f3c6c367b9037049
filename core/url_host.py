"""The host of a URL as uv's URL parser (WHATWG's, the `url` crate) reads it, and whether it
refuses that host: none (`http://`), or one holding, once its %-escapes are decoded, a character
no host may hold (`https://a b/`: "invalid international domain name"). Read by the checks of
uv's configuration files (core/uv_config_values.py) and before a download (core/download.py: a
mirror joined to a build's path). String operations only: a download imports it."""

from __future__ import annotations

# uv reads an index URL (index-url, check-url, extra-index-url, find-links, an index's url) as a
# URL when its scheme is `http` or `https` in lower case (`HTTP://`, `ftp://` are paths to uv);
# any other URL is one whatever its case, and these schemes need a host (`file:` does not).
INDEX_SCHEMES = ("http", "https")
HOST_SCHEMES = ("http", "https", "ws", "wss", "ftp")
_ENDS = "".join(map(chr, range(33)))  # what the URL parser trims from both ends
# What the URL parser refuses in such a host once it is percent-decoded (WHATWG's forbidden domain
# code points that are ASCII; `/ \ ? # @ :` in a URL as written end the host before): uv says
# "invalid international domain name" (`https://a b/`, `https://a%20b/`, `https://a%zz/`).
_NOT_IN_HOST = frozenset(map(chr, range(0x21))) | frozenset("#%/:<>?@[\\]^|\x7f")
_HEX = frozenset(b"0123456789abcdefABCDEF")


def host(text: str, index: bool = True) -> str | None:
    """The host uv's URL parser reads in `text`, as written (None: a URL without one, or not a
    URL to uv): after the scheme any number of `/` and `\\`, then up to the next `/`, `\\`, `?`
    or `#` the authority, whose host follows the last `@` and ends at a `:` (`http://`, `http:`,
    `http:///`, `http://user@`, `http://:80` have an empty one). `index`: read as uv reads an
    index URL (see INDEX_SCHEMES); an IPv6 address (`[…]`) is uv's to check."""
    text = text.strip(_ENDS)
    scheme, colon, rest = text.partition(":")
    if not colon or (scheme not in INDEX_SCHEMES if index else scheme.lower() not in HOST_SCHEMES):
        return None
    rest = rest.replace("\t", "").replace("\n", "").replace("\r", "").lstrip("/\\")  # dropped anywhere
    ends = [at for at in map(rest.find, "/\\?#") if at >= 0]
    found = rest[:min(ends, default=len(rest))].rpartition("@")[2]
    return None if found.startswith("[") else found.split(":")[0]


def _decoded(text: str) -> bytes:
    """`text` with its %-escapes decoded, as the URL parser decodes a host (`%zz` stays)."""
    raw, out, at = text.encode(), bytearray(), 0
    while at < len(raw):
        if raw[at] == 0x25 and at + 2 < len(raw) and raw[at + 1] in _HEX and raw[at + 2] in _HEX:
            out.append(int(raw[at + 1:at + 3], 16))
            at += 3
        else:
            out.append(raw[at])
            at += 1
    return bytes(out)


def host_fault(text: str, index: bool = True) -> str | None:
    """Why uv's URL parser refuses the host of `text`: none, or one that holds (percent-decoded:
    `%20` is a space, `%zz` stays `%`; bytes that are not UTF-8 are refused too) a character no
    host may hold. A non-ASCII host, or an ASCII label in punycode (`xn--`), goes through IDNA,
    and one whose last label is a number through the IPv4 parser: those are uv's to check
    (`https://xn--/`, `https://1.2.3.4.5/`: tests/test_uv_config_schema.py's UV_ONLY)."""
    found = host(text, index)
    if found is None:
        return None
    if not found:
        return "a URL with no host"
    try:
        found = _decoded(found).decode()
    except UnicodeDecodeError:
        return "a URL whose host is not UTF-8 once its %-escapes are decoded"
    bad = next((char for char in found if char in _NOT_IN_HOST), None)
    if bad is None:
        return None
    said = "a space" if bad == " " else f"`{bad}`" if bad.isprintable() else f"U+{ord(bad):04X}"
    return f"a URL whose host holds {said}, which no host may hold"


def port_fault(text: str) -> str | None:
    """Why the port of the http(s) URL `text` is none a connection can use: one that is not a
    number from 0 to 65535 (`http://127.0.0.1:99999/`, `http://h:abc/`), which read as a refused
    connection, retried; else None (no port, an empty one, or another scheme)."""
    text = text.strip(_ENDS)
    scheme, colon, rest = text.partition(":")
    if not colon or scheme.lower() not in INDEX_SCHEMES:
        return None
    rest = rest.lstrip("/\\")
    ends = [at for at in map(rest.find, "/\\?#") if at >= 0]
    authority = rest[:min(ends, default=len(rest))].rpartition("@")[2]
    if authority.startswith("[") and "]" not in authority:
        return None  # an IPv6 host never closed (`http://[::1/`): the host's fault, said as such
    port = authority.rpartition("]")[2] if authority.startswith("[") else authority
    port = port.partition(":")[2] if ":" in port else ""
    if port == "" or (port.isascii() and port.isdigit() and int(port) <= 65535):
        return None
    shown = port if len(port) <= 20 and port.isprintable() else repr(port[:20])
    return f"a URL whose port {shown} is not a number from 0 to 65535"


def parser_fault(text: str) -> str | None:
    """`not a valid URL (…)` when the URL parser refuses the http(s) URL `text` (`http://[::1/`,
    an IPv6 host never closed; `http://[zz]/`, a bracketed host that is no IPv6 address), else
    None. The bracketed host is checked here as Python 3.11's urlsplit checks it, in its words:
    3.10's does not, and the name was looked up (and retried)."""
    from urllib.parse import urlsplit

    try:
        _check_bracketed_host(urlsplit(text).netloc)
    except ValueError as err:
        return f"not a valid URL ({err})"
    return None


def _check_bracketed_host(netloc: str) -> None:
    host = netloc.rpartition("@")[2]
    if not host.startswith("[") or "]" not in host:
        return
    inside = host[1:host.index("]")]
    if inside[:1] in ("v", "V"):  # IPvFuture: `v`, hex digits, `.`, something
        version, dot, rest = inside[1:].partition(".")
        if not (version and all(c in "0123456789abcdefABCDEF" for c in version) and dot and rest):
            raise ValueError("IPvFuture address is invalid")
        return
    import ipaddress

    if isinstance(ipaddress.ip_address(inside), ipaddress.IPv4Address):
        raise ValueError("An IPv4 address cannot be in brackets")


__all__ = ["HOST_SCHEMES", "INDEX_SCHEMES", "host", "host_fault", "parser_fault", "port_fault"]
