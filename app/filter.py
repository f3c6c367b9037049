"""The `/` filter of every pane: what the typed text means and what it matches (no Textual).

Each whitespace-separated term must match: as text inside the row's key, or as a Python
request (`3.12`, `>=3.11,<3.13`, `3.13t`) satisfied by the row's build or key.
"""

from __future__ import annotations

from dataclasses import dataclass

from pytui.core.errors import RequestError
from pytui.core.requests import KeyLike, PythonRequest


@dataclass(frozen=True, slots=True)
class FilterTerm:
    text: str
    # The term read as a request, when it is one (and narrower than "any").
    request: PythonRequest | None


def parse_filter(text: str) -> tuple[FilterTerm, ...]:
    terms = []
    for word in text.split():
        try:
            request: PythonRequest | None = PythonRequest.parse(word).with_prereleases(True)
        except RequestError:
            request = None
        if request is not None and request.kind in {"any", "default"}:
            request = None
        terms.append(FilterTerm(word.lower(), request))
    return tuple(terms)


def matches(terms: tuple[FilterTerm, ...], text: str, item: KeyLike | None) -> bool:
    """Every term is in `text` or, read as a request, satisfied by `item`."""
    lower = text.lower()
    for term in terms:
        if term.text in lower:
            continue
        if term.request is not None and item is not None and term.request.matches(item):
            continue
        return False
    return True
