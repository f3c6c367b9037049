"""What an Available filter that keeps no row says about the builds the view hides (no Textual).

The filter narrows what is listed, as in lazygit or k9s; it never widens the view by itself.
But the view hides older patches (`a`), other variants (`f`) and other platforms (`A`), so a
filter such as `3.13t`, `musl` or `3.11.5` can match only hidden builds. Then the subtitle says
how many match and which key shows them, e.g. `1 more in all variants: Enter, then f`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytui.core.ordering import build_order
from pytui.core.requests import PythonRequest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from pytui.app.state import AppState
    from pytui.core.catalog import Build, Catalog

# The view's toggles in the order they are offered (the cheapest change first).
WIDENINGS = (("f", "all variants"), ("a", "all versions"), ("A", "all platforms"))

GroupKey = tuple[object, ...]


def group_of(build: Build) -> GroupKey:
    """The group of which the default view shows only the newest patch."""
    return (build.implementation, build.os, build.arch, build.libc, build.major, build.minor,
            build.variant)


class NewestOfGroup:
    """The newest build key of a build's minor-version group, per catalog: the groups are
    made once per catalog, and each group's newest only when a hint asks for it."""

    def __init__(self) -> None:
        self._memo: tuple[Catalog, str, dict[GroupKey, list[Build]], dict[GroupKey, str]] \
            | None = None

    def of(self, catalog: Catalog, family: str) -> Callable[[Build], str]:
        memo = self._memo
        if memo is None or memo[0] is not catalog or memo[1] != family:
            groups: dict[GroupKey, list[Build]] = {}
            for build in catalog.builds:
                groups.setdefault(group_of(build), []).append(build)
            memo = self._memo = (catalog, family, groups, {})
        groups, newest = memo[2], memo[3]

        def newest_of(build: Build) -> str:
            group = group_of(build)
            key = newest.get(group)
            if key is None:
                key = newest[group] = min(groups[group], key=lambda b: build_order(b, family)).key
            return key

        return newest_of


def keys_needed(state: AppState, build: Build, newest: Callable[[Build], str],
                kept_anyway: set[str], host_request: PythonRequest) -> frozenset[str]:
    """The toggles (`f`, `a`, `A`) that must be on for the view to list `build`
    (`host_request`: any build for the host, as the view selects them)."""
    view, host = state.view, state.host
    needed = set()
    if not view.variants and build.variant != "default":
        needed.add("f")
    if not view.all_platforms and (build.arch != host.arch or not host_request.matches(build)):
        needed.add("A")
    if not view.all_versions and build.key not in kept_anyway \
            and newest(build) != build.key:
        needed.add("a")
    return frozenset(needed)


def widen_hint(state: AppState, hidden: Iterable[Build], newest: Callable[[Build], str],
               kept_anyway: set[str]) -> str | None:
    """`N more in all variants: Enter, then f` for the fewest toggles that list some of `hidden`
    (the filter's matches the view does not list), or None when there is none."""
    needs: dict[frozenset[str], int] = {}
    host_request = PythonRequest.parse("any").for_host(state.host).with_prereleases(True)
    for build in hidden:
        need = keys_needed(state, build, newest, kept_anyway, host_request)
        if need:
            needs[need] = needs.get(need, 0) + 1
    if not needs:
        return None
    order = [key for key, _ in WIDENINGS]
    # The fewest keys, then the most builds shown, then the cheapest keys.
    best = min(needs, key=lambda need: (len(need), -sum(n for other, n in needs.items()
                                                       if other <= need),
                                        sorted(order.index(key) for key in need)))
    shown = sum(n for need, n in needs.items() if need <= best)
    keys = [key for key in order if key in best]
    words = dict(WIDENINGS)
    # While the box has the focus, Enter keeps the filter and leaves it; once kept, the keys
    # act at once.
    first = "press" if state.filter_kept else "Enter, then"
    return f"{shown} more in {' + '.join(words[key] for key in keys)}: {first} {', '.join(keys)}"
