"""`find_download` picks, from the key fields alone and making only the build it returns,
exactly the build that uv's whole-catalog order picks: the reference below sorts every build
newest first (uv's download list) and takes the first match, then the first pre-release
match when nothing stable matched, as `find_download` did before it searched by key fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.core.build_choice import find_download
from pytui.core.catalog import Catalog, LazyBuilds
from pytui.core.errors import RequestError
from pytui.core.ordering import build_order
from pytui.core.platform_detect import HostPlatform
from pytui.core.requests import PythonRequest
from pytui.core.sources import load_catalog
from test_catalog import settings_for


def reference_find_download(builds: list, request: PythonRequest, host: HostPlatform,
                            build: str | None = None):
    """The whole-catalog selection: every build sorted in uv's order, then two passes."""
    family = "x86_64" if host.arch.startswith("x86_64") else host.arch
    filled = request.for_install(host, build)
    ordered = sorted(builds, key=lambda item: build_order(item, family))
    for candidate in ordered:
        if filled.matches(candidate):
            return candidate
    if not filled.allows_prereleases:
        relaxed = filled.with_prereleases(True)
        for candidate in ordered:
            if relaxed.matches(candidate):
                return candidate
    return None


@pytest.fixture(scope="module")
def catalogs(uv_catalog_file: Path, tmp_path_factory: pytest.TempPathFactory):
    """uv's real catalog loaded whole, and the settings whose parsed cache holds it (a lazy
    load from there makes builds only on demand)."""
    tmp = tmp_path_factory.mktemp("find-download")
    catalog_settings = settings_for(tmp, downloads_json=str(uv_catalog_file))
    whole = load_catalog(catalog_settings)  # the first load writes the parsed-cache entry
    assert isinstance(load_catalog(catalog_settings, lazy=True)._lazy, LazyBuilds)
    return whole, catalog_settings


_VERSIONS = st.one_of(
    st.just(""),
    st.sampled_from(["3", "3.8", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15", "3.99", "2.7",
                     "3.12.8", "3.13.0", "3.14.0rc1", "3.15.0rc1", "3.15.0a1", "3.13.0b2",
                     "312", "313", ">=3.11,<3.13", "==3.12.*", "~=3.12.1", ">3.13", "<3.10",
                     ">=3.15.0a1", "!=3.13.*"]),
    st.builds(lambda minor, patch: f"3.{minor}" + (f".{patch}" if patch >= 0 else ""),
              st.integers(7, 16), st.integers(-1, 20)),
)
_VARIANTS = st.sampled_from(["", "", "t", "d", "td", "+freethreaded", "+debug", "+gil",
                             "+freethreaded+debug", "+gil+debug"])
_IMPLEMENTATIONS = st.sampled_from(["", "", "cpython", "pypy", "graalpy", "pyodide", "cp", "pp"])
_OSES = st.sampled_from(["any", "linux", "macos", "windows", "darwin", "freebsd"])
_ARCHES = st.sampled_from(["any", "x86_64", "aarch64", "x86", "armv7", "x86_64_v2", "x86_64_v3",
                           "powerpc64le", "s390x", "riscv64gc"])
_LIBCS = st.sampled_from(["any", "gnu", "musl", "none", "gnueabihf"])


@st.composite
def request_texts(draw: st.DrawFn) -> str:
    form = draw(st.sampled_from(["version", "implementation", "key", "word"]))
    version = draw(_VERSIONS)
    if version and version[0] not in "<>=!~":
        version += draw(_VARIANTS)
    if form == "word":
        return draw(st.sampled_from(["any", "default", "cpython", "pypy", "graalpy", "pyodide"]))
    if form == "version":
        return version or "3"
    implementation = draw(_IMPLEMENTATIONS) or "cpython"
    if form == "implementation":
        return f"{implementation}@{version}" if version else implementation
    parts = [implementation, version or "any", draw(_OSES), draw(_ARCHES), draw(_LIBCS)]
    return "-".join(parts[:draw(st.integers(2, 5))])


# The catalog's platforms, and a few it has nothing for.
_HOSTS = st.sampled_from([
    HostPlatform("linux", "x86_64", "gnu"), HostPlatform("linux", "x86_64", "musl"),
    HostPlatform("linux", "x86_64_v3", "gnu"), HostPlatform("linux", "aarch64", "gnu"),
    HostPlatform("linux", "aarch64", "musl"), HostPlatform("linux", "x86", "gnu"),
    HostPlatform("linux", "armv7", "gnueabihf"), HostPlatform("linux", "s390x", "gnu"),
    HostPlatform("linux", "powerpc64le", "gnu"), HostPlatform("linux", "riscv64gc", "gnu"),
    HostPlatform("macos", "aarch64", "none"), HostPlatform("macos", "x86_64", "none"),
    HostPlatform("windows", "x86_64", "none"), HostPlatform("windows", "aarch64", "none"),
    HostPlatform("windows", "x86", "none"), HostPlatform("windows", "x86_64", "gnu"),
    HostPlatform("linux", "armv6", "gnueabi"),
])


def _parse(text: str) -> PythonRequest | None:
    try:
        return PythonRequest.parse(text)
    except RequestError:
        return None


@settings(max_examples=60, deadline=None)  # each example loads a lazy 5530-build catalog
@given(text=request_texts(), host=_HOSTS, pin=st.sampled_from([None, None, None, "newest", "old"]))
def test_the_key_field_search_picks_what_the_whole_sort_picks(catalogs, text: str, host,
                                                               pin: str | None) -> None:
    whole, catalog_settings = catalogs
    request = _parse(text)
    if request is None:
        return
    build = None
    if pin is not None:  # a release some build of the request has, or a release of another's
        newest = reference_find_download(whole.builds, request, host)
        build = newest.build if newest is not None and pin == "newest" else "20240107"
    expected = reference_find_download(whole.builds, request, host, build)
    lazy = load_catalog(catalog_settings, lazy=True)
    for catalog in (whole, lazy, whole.builds):
        assert find_download(catalog, request, host, build=build) == expected, (text, host, catalog)
    # A lazy catalog made only the build it gave (with a pin, the few of the matching keys).
    assert lazy._lazy is not None


def test_the_first_of_equal_keys_wins(catalogs) -> None:
    """Two builds with the same key fields (a custom catalog may list one twice, with other
    releases): the earlier one in the catalog wins, as a stable sort of the whole catalog gives."""
    whole, _ = catalogs
    host = HostPlatform("linux", "x86_64", "gnu")
    request = PythonRequest.parse("3.12")
    chosen = find_download(whole, request, host)
    assert chosen is not None
    twin = chosen._replace(build="19990101", url=chosen.url + "?twin")
    first, second = [*whole.builds, twin], [twin, *whole.builds]
    for builds in (first, second):
        assert find_download(Catalog(builds), request, host) == \
            reference_find_download(builds, request, host) == builds[builds.index(chosen) if
                                                                   builds is first else 0]
    assert find_download(Catalog(second), request, host, build=chosen.build) == chosen


def test_a_run_of_requests_searches_only_the_minor_each_names(catalogs, monkeypatch) -> None:
    """A version file's thousands of requests (4,757: 27 s of CPU with uv's catalog) each
    checked every row of the host's catalog: the host's rows are now gathered once per catalog
    and grouped by version, and a request naming a minor version checks that minor's groups
    alone. Counted (calls), not timed: the checks a request makes do not grow with builds of
    other minor versions, and the catalog's rows are asked for once."""
    whole, _ = catalogs
    host = HostPlatform("linux", "x86_64", "gnu")
    old = find_download(whole, PythonRequest.parse("3.9"), host)
    assert old is not None
    requests = [PythonRequest.parse(text) for text in
                ["3.12", "cpython@3.13", "3.12.8", "==3.12.3", "3.13.1t", "3.14.0rc1", "3.11+debug"]]
    checks: list[int] = []
    real_matches = PythonRequest._matches

    def counted(self, item, *, installed: bool) -> bool:
        checks.append(1)
        return real_matches(self, item, installed=installed)

    monkeypatch.setattr(PythonRequest, "_matches", counted)
    counts = []
    for extra in (10, 2_000):  # builds of 3.9 patches the catalog never had
        catalog = Catalog([*whole.builds, *(old._replace(patch=100 + n) for n in range(extra))])
        asked: list[tuple] = []
        key_rows = catalog.key_rows

        def counted_rows(*fields, rows=key_rows, asked=asked):
            asked.append(fields)
            return rows(*fields)

        catalog.key_rows = counted_rows  # type: ignore[method-assign]
        checks.clear()
        chosen = [find_download(catalog, request, host) for request in requests]
        assert chosen == [find_download(whole.builds, request, host) for request in requests]
        counts.append(len(checks))
        assert len(asked) == 1, asked  # once for every request
    assert counts[0] == counts[1], counts


def test_one_request_orders_only_the_rows_it_matches(catalogs, monkeypatch) -> None:
    """The index made for a run's requests worked out uv's order of every host row (2,690 of
    uv's catalog) when made: a single `pytui install 3.13.1t` took 8 ms for its choice, 3 ms
    before the index. A row's order is worked out once, when a request first matches it."""
    from pytui.core import build_index

    whole, _ = catalogs
    host = HostPlatform("linux", "x86_64", "gnu")
    ordered: list[object] = []
    real_order = build_index.build_order

    def counted(item, family=None):
        ordered.append(item)
        return real_order(item, family)

    monkeypatch.setattr(build_index, "build_order", counted)
    request = PythonRequest.parse("3.13.1t")
    catalog = Catalog(list(whole.builds))
    chosen = find_download(catalog, request, host)
    assert chosen is not None and chosen.key == "cpython-3.13.1+freethreaded-linux-x86_64-gnu"
    relaxed = request.for_install(host)._replace(prereleases=True)
    assert len(ordered) == sum(1 for build in whole.builds if relaxed.matches(build)) < 50, len(ordered)
    find_download(catalog, request, host)  # the same rows again: ordered once
    assert len(ordered) == len(set(map(id, ordered))), len(ordered)
