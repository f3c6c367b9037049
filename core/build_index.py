"""A host's catalog rows grouped for `find_download` (core/build_choice.py), made once per
catalog and host: a version file of thousands of requests searched every row of the host's
catalog once per request (4,757 requests x 2,690 rows of uv's catalog: 9.6 s of CPU).

Rows are grouped by their version fields (`item[:6]`: implementation, version, variant); the
groups are listed by (implementation, major, minor); a row's uv order is worked out once, when
a request first matches it.
A request naming a minor version (`3.12`, `3.12.8`, `cpython@3.13.1t`, `==3.12.8`) checks only
that minor's groups; any other (`>=3.11`, `3`, `any`) checks every group once, never every row.
A group's rows are checked for the platform only when its version fields match.
"""

from __future__ import annotations

from pytui.core.keys import TYPE_CHECKING
from pytui.core.ordering import build_order

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pytui.core.requests import PythonRequest

# The version kinds whose matches all share the request's major and minor version
# (core/version_request.VersionRequest.matches_version).
_ONE_MINOR = frozenset({"minor", "patch", "minor_pre", "patch_pre"})


class RowIndex:
    """`places` and `items` (key-field rows in catalog order, `Catalog.key_rows`) grouped by
    version fields, each row as (platform fields, place, item); a matched row's uv order on
    `family` is worked out when first matched."""

    __slots__ = ("_by_minor", "_family", "_groups", "_orders")

    def __init__(self, places: Iterable[int], items: Iterable, family: str) -> None:
        groups: dict[tuple, list[tuple]] = {}
        for place, item in zip(places, items, strict=True):
            head = item[:6]  # a plain tuple (a slice of a tuple subclass is one)
            rows = groups.get(head)
            if rows is None:
                rows = groups[head] = []
            rows.append((item[6:9], place, item))
        by_minor: dict[tuple, list[list[tuple]]] = {}
        for head, rows in groups.items():
            # Pyodide is CPython to uv's match (core/requests._matches).
            implementation = "cpython" if head[0] == "pyodide" else head[0]
            by_minor.setdefault((implementation, head[1], head[2]), []).append(rows)
        self._groups = list(groups.values())
        self._by_minor = by_minor
        self._family = family
        # Each matched row's uv order, worked out once (by place): a run's requests share rows,
        # and a single request orders only the rows it matches, as before the index.
        self._orders: dict[int, tuple] = {}

    def matching(self, request: PythonRequest) -> list[tuple]:
        """(uv order, place, item) of each row `request` matches (its pinned build aside), in
        catalog order."""
        version = request.version
        if request.implementation is not None and version is not None and version.kind in _ONE_MINOR:
            groups = self._by_minor.get((request.implementation, version.major, version.minor), ())
        else:
            groups = self._groups
        by_version, by_platform = request.halves()
        platforms: dict[tuple, bool] = {}
        orders, family = self._orders, self._family
        found = []
        for rows in groups:
            if not by_version(rows[0][2], installed=False):
                continue
            for tail, place, item in rows:
                fits = platforms.get(tail)
                if fits is None:
                    fits = platforms[tail] = by_platform(item, installed=False)
                if fits:
                    order = orders.get(place)
                    if order is None:
                        order = orders[place] = build_order(item, family)
                    found.append((order, place, item))
        found.sort(key=_place)
        return found


def _place(row: tuple) -> int:
    return row[1]
