"""Which build `uv python install REQUEST` would pick from a catalog (`find_download`): uv's
order, newest first, a pre-release only when asked for or when nothing stable matches, a pinned
PBS release (`UV_PYTHON_CPYTHON_BUILD`). The request grammar itself is core/requests.py.

See docs/uv-compat.md#request-grammar.
"""

from __future__ import annotations

from pytui.core.build_index import RowIndex
from pytui.core.keys import TYPE_CHECKING
from pytui.core.requests import arch_family

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pytui.core.requests import HostLike, PythonRequest

__all__ = ["find_download"]


def find_download(catalog: Iterable, request: PythonRequest, platform: HostLike | None = None,
                  *, build: str | None = None):  # -> Build | None
    """The build `uv python install REQUEST` would pick on `platform` (default: this host).

    CPython unless another implementation is named; newest first in uv's order (the first in
    the catalog among equals); a pre-release only when the request names one or nothing
    stable matches. `build` pins a PBS release (`UV_PYTHON_CPYTHON_BUILD`).

    A `Catalog` is searched by its key fields (`Catalog.row_index`: the host's os and libc
    rows, grouped by version once per run, core/build_index.py): only the chosen build is made
    (with a pin, the few that match the key), and a request naming a minor version checks
    only that minor's rows.
    """
    if platform is None:
        from pytui.core.platform_detect import detect_host

        platform = detect_host()
    filled = request.for_install(platform, build)
    # One pass with pre-releases admitted finds both answers: the stable one when there is
    # one (and the request does not admit pre-releases), else the newest of all.
    relaxed = filled._replace(build=None, prereleases=True)
    family = arch_family(platform.arch)
    for _ in range(2):
        if hasattr(catalog, "row_index"):
            # The request's os and libc are always filled (`for_install`): equality tests on
            # them drop most of the catalog before uv's match runs (an emscripten request
            # matches on arch alone, see `_matches`). The index of those rows is the
            # catalog's, made once for every request of the run.
            want_os = filled.os if filled.os != "emscripten" else None
            index = catalog.row_index(want_os, filled.libc, family)
        else:
            items = catalog if isinstance(catalog, list) else list(catalog)
            index = RowIndex(range(len(items)), items, family)
        # (uv's order, place in the catalog): sorting these is the catalog's stable sort
        # restricted to the builds that match.
        found = index.matching(relaxed)
        if filled.build:
            pinned = _with_build(catalog, found, filled.build)
            if pinned is None:
                continue  # the catalog re-read its stale columns: search it again
            found = pinned
        stable = found if filled.allows_prereleases else [
            candidate for candidate in found if not candidate[2].prerelease]
        pool = stable or found
        if not pool:
            return None
        _, place, item = min(pool, key=_order_and_place)
        if not hasattr(catalog, "builds_at") or hasattr(item, "url"):
            return item  # already a build
        made = catalog.builds_at([place])
        if made is not None:
            return made[0]
    raise AssertionError("a re-read catalog holds every build")  # pragma: no cover


def _order_and_place(candidate: tuple) -> tuple:
    return candidate[0], candidate[1]


def _with_build(catalog: Iterable, found: list[tuple], pin: str) -> list[tuple] | None:
    """The candidates whose build is the pinned release, as (order, place, build); a pinned
    release is a build field, not a key field, so the matching ones are made. None when the
    catalog found its columns stale while making them."""
    if found and hasattr(catalog, "builds_at") and not hasattr(found[0][2], "url"):
        made = catalog.builds_at([place for _, place, _ in found])
        if made is None:
            return None
        found = [(order, place, item) for (order, place, _), item in zip(found, made, strict=True)]
    return [candidate for candidate in found if getattr(candidate[2], "build", None) == pin]
