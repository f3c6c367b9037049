"""The `/` filter of every pane: what the typed text means and what it matches (no Textual).

Each whitespace-separated term must match. A term that reads as a Python request (`3.12`,
`3.12.8`, `>=3.11,<3.13`, `3.13t`, `pypy`, `cpython@3.12`) matches only rows whose build or
key satisfies it, the way `pytui list` reads it: `3.12` never matches 3.13.12 and `3.14`
never matches 3.13.14 (a version naming no variant matches all of its variants; `3.13t`
only the free-threaded ones; a range naming no pre-release reads a pre-release by its release
part, as uv reads an installed one: `>=3.14` matches 3.14.0rc2). A bare `3.1` naming a minor
version no build has (no catalog lists Python 3.1) is the start of `3.12` being typed, and is
read as text. Any other term (`musl`, `aarch64`, `free`, `gnu`) matches the start of one part
of the key, parts being split at `-` and `+` (`free` matches `+freethreaded`); a term holding
`-` or `+` matches that run of the key (`linux-x86`). Case is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Container

from pytui.core.errors import RequestError
from pytui.core.record import FrozenRecord
from pytui.core.requests import KeyLike, PythonRequest

_UNFINISHED = frozenset(".,<>=!~+@-")
# A version of two numbers and nothing else (`3.1`, `3.12`).
_BARE_MINOR = re.compile(r"[0-9]+\.[0-9]+")


class FilterTerm(FrozenRecord):
    __slots__ = ("text", "request")
    text: str
    # The term read as a request, when it is one (and narrower than "any").
    request: PythonRequest | None

    def __init__(self, text: str, request: PythonRequest | None) -> None:
        _set = object.__setattr__
        _set(self, "text", text)
        _set(self, "request", request)


def parse_filter(text: str,
                 known_minors: Container[tuple[int, int]] | None = None) -> tuple[FilterTerm, ...]:
    """The terms of `text`. `known_minors`: the (major, minor) versions the rows can have (the
    catalog's and the installs'); a bare `3.1` naming none of them is read as text."""
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
        if request is not None and known_minors is not None and _BARE_MINOR.fullmatch(word) \
                and request.version is not None \
                and (request.version.major, request.version.minor) not in known_minors:
            # `3.1` on the way to `3.12`: no build is Python 3.1, so every pane emptied (and
            # its columns shrank) at that keystroke, then filled again. As text it keeps the
            # 3.10 … 3.15 rows meanwhile, as `3.` keeps them all.
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
        version = term.request.version
        if version is not None and version.kind == "range" and item.prerelease \
                and not version.allows_prereleases:
            return _range_by_release_part(term, item)
        if term.request.matches(item):
            return True
        # A version naming no variant (`3.12`, not `3.13t` or `3.12+debug`) matches every
        # variant of it: which variants are listed is the `f` key's business.
        if version is None or version.variant != "default" or "+" in term.text \
                or item.variant == "default":
            return False
        loose = term.request._replace(version=version._replace(variant=item.variant))
        return bool(loose.matches(item))
    if "-" in term.text or "+" in term.text:
        return term.text in lower
    return any(part.startswith(term.text) for part in parts)


def _range_by_release_part(term: FilterTerm, item: KeyLike) -> bool:
    """A range naming no pre-release (`>=3.14`) against a pre-release row (3.14.0rc2): by its
    release part, as uv reads an installed interpreter against a range. PEP 440 reads 3.14.0rc2
    as below 3.14, so `>=3.14` hid the 3.14 row a newcomer was looking at (and `<3.14` kept it)."""
    request = term.request
    version = request.version if request is not None else None
    if request is None or version is None \
            or not version.matches_version(item.major, item.minor, item.patch, ""):
        return False
    # A version naming no variant matches every variant of it (as below).
    if version.variant != item.variant and (version.variant != "default" or "+" in term.text):
        return False
    return bool(request._replace(version=None).matches(item))


def matches(terms: tuple[FilterTerm, ...], text: str, item: KeyLike | None) -> bool:
    """Every term matches `text` (a key, or a key and a file name) or `item`."""
    lower = text.lower()
    parts = key_parts(lower)
    return all(term_matches(term, lower, parts, item) for term in terms)


# -- the same rule, fast, for a whole catalog ---------------------------------------------------

# Terms remembered per index: a keystroke adds or removes one term, so typing and erasing
# meet terms already evaluated.
MAX_REMEMBERED_TERMS = 64


class FilterIndex:
    """`matches` for many (text, item) pairs at once, with the same answers.

    Built once per catalog: each row's lowered text, an index from key part to rows, and the
    fields a version request reads. A term is then evaluated once for all rows (a word over
    the few hundred distinct parts, a request once per distinct version, not per build), and
    remembered; filtering is an intersection of remembered row sets.
    """

    def __init__(self, texts: list[str], items: list[KeyLike | None]) -> None:
        self._items = items
        self._lowers = [text.lower() for text in texts]
        self._rows_by_part: dict[str, list[int]] = {}
        for row, lower in enumerate(self._lowers):
            for part in set(key_parts(lower)):
                self._rows_by_part.setdefault(part, []).append(row)
        self._remembered: dict[FilterTerm, frozenset[int]] = {}

    def __len__(self) -> int:
        return len(self._lowers)

    def rows(self, terms: tuple[FilterTerm, ...]) -> frozenset[int] | None:
        """The rows every term matches; None when there is no term (every row)."""
        result: frozenset[int] | None = None
        for term in terms:
            rows = self._term_rows(term)
            result = rows if result is None else result & rows
        return result

    def _term_rows(self, term: FilterTerm) -> frozenset[int]:
        rows = self._remembered.get(term)
        if rows is None:
            rows = frozenset(self._evaluate(term))
            if len(self._remembered) >= MAX_REMEMBERED_TERMS:
                del self._remembered[next(iter(self._remembered))]
            self._remembered[term] = rows
        return rows

    def _evaluate(self, term: FilterTerm) -> list[int]:
        text = term.text
        if term.request is None:
            if "-" in text or "+" in text:
                return [row for row, lower in enumerate(self._lowers) if text in lower]
            found: list[int] = []
            for part, rows in self._rows_by_part.items():
                if part.startswith(text):
                    found.extend(rows)
            return found
        request = term.request
        # What `term_matches` reads of an item for this request: PythonRequest.matches looks
        # at os, arch, libc and build only when the request names them, so a request naming
        # none is decided by implementation, version and variant (a few hundred distinct
        # values among thousands of builds). tests/test_filter.py compares with `matches`.
        narrow = request.os is None and request.arch is None and request.libc is None \
            and not request.build
        decided: dict[tuple[object, ...], bool] = {}
        found = []
        for row, item in enumerate(self._items):
            if item is None:
                continue
            if not narrow:
                if term_matches(term, "", [], item):
                    found.append(row)
                continue
            fields = item[:6]  # implementation, major, minor, patch, prerelease, variant
            answer = decided.get(fields)
            if answer is None:
                answer = decided[fields] = term_matches(term, "", [], item)
            if answer:
                found.append(row)
        return found
