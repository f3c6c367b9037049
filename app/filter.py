"""The `/` filter of every pane: what the typed text means and what it matches (no Textual).

Each whitespace-separated term must match. A term that reads as a Python request (`3.12`,
`3.12.8`, `>=3.11,<3.13`, `3.13t`, `pypy`, `cpython@3.12`) matches only rows whose build or
key satisfies it, the way `pytui list` reads it: `3.12` never matches 3.13.12 and `3.14`
never matches 3.13.14 (a version naming no variant matches all of its variants; `3.13t`
only the free-threaded ones). Any other term (`musl`, `aarch64`, `free`, `gnu`) matches the start of
one part of the key, parts being split at `-` and `+` (`free` matches `+freethreaded`); a
term holding `-` or `+` matches that run of the key (`linux-x86`). Case is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from pytui.core.errors import RequestError
from pytui.core.requests import KeyLike, PythonRequest

_UNFINISHED = frozenset(".,<>=!~+@-")


@dataclass(frozen=True, slots=True)
class FilterTerm:
    text: str
    # The term read as a request, when it is one (and narrower than "any").
    request: PythonRequest | None


def parse_filter(text: str) -> tuple[FilterTerm, ...]:
    terms = []
    for word in text.split():
        request: PythonRequest | None = None
        # A word still being typed (`3.`, `>=3.11,`) is matched as text until it is whole,
        # so the pane does not empty at every dot.
        if word[-1] not in _UNFINISHED:
            try:
                request = PythonRequest.parse(word).with_prereleases(True)
            except RequestError:
                request = None
        if request is not None and request.kind in {"any", "default"}:
            request = None
        terms.append(FilterTerm(word.lower(), request))
    return tuple(terms)


def key_parts(text: str) -> list[str]:
    """The parts a word may start: `cpython-3.13.1+freethreaded-linux-x86_64-gnu` gives
    cpython, 3.13.1, freethreaded, linux, x86_64, gnu (and each space-separated word)."""
    return text.lower().replace("+", "-").replace(" ", "-").split("-")


def term_matches(term: FilterTerm, lower: str, parts: list[str], item: KeyLike | None) -> bool:
    if term.request is not None:
        # A version is never matched as text (3.12 is inside 3.13.12).
        if item is None:
            return False
        if term.request.matches(item):
            return True
        # A version naming no variant (`3.12`, not `3.13t` or `3.12+debug`) matches every
        # variant of it: which variants are listed is the `f` key's business.
        version = term.request.version
        if version is None or version.variant != "default" or "+" in term.text \
                or item.variant == "default":
            return False
        loose = term.request._replace(version=version._replace(variant=item.variant))
        return bool(loose.matches(item))
    if "-" in term.text or "+" in term.text:
        return term.text in lower
    return any(part.startswith(term.text) for part in parts)


def matches(terms: tuple[FilterTerm, ...], text: str, item: KeyLike | None) -> bool:
    """Every term matches `text` (a key, or a key and a file name) or `item`."""
    lower = text.lower()
    parts = key_parts(lower)
    return all(term_matches(term, lower, parts, item) for term in terms)
