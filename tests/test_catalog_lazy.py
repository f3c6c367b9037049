"""Builds made on demand from the parsed-catalog cache (core/catalog_columns.py): `pytui list`
makes only the builds it shows, and gets exactly what a whole load gives; an entry whose URL
or sha256 offsets are forged is caught when a build it names is made, and re-read from the
source, also when its key columns were forged too (the rows are then chosen again)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytui.core import parsed_cache
from pytui.core.build_choice import find_download
from pytui.core.catalog import Catalog, LazyBuilds
from pytui.core.listing import list_rows
from pytui.core.platform_detect import HostPlatform
from pytui.core.requests import PythonRequest
from pytui.core.sealed import seal, unseal
from pytui.core.sources import load_catalog
from test_catalog import entry, settings_for, uv_json

HOST = HostPlatform("linux", "x86_64", "gnu")


def _entry_path(settings) -> Path:
    (found,) = (settings.state_dir / parsed_cache.CACHE_DIR).glob("*.json")
    return found


def _forge(settings, edit) -> None:
    """Edit the entry as a forger who knows its format would (its CRC line made again)."""
    path = _entry_path(settings)
    body = unseal(path.read_bytes())
    assert body is not None
    doc = json.loads(body)
    edit(doc)
    # Compact, as pytui writes it: the entry's head is compared byte for byte before it is
    # decoded (a forger keeps it; written otherwise the entry was a plain miss).
    path.write_bytes(seal(json.dumps(doc, separators=(",", ":")).encode()))


@pytest.fixture(scope="module")
def uv_catalogs(uv_catalog_file: Path, tmp_path_factory: pytest.TempPathFactory):
    """uv's real catalog loaded whole, and the settings whose parsed cache holds it."""
    tmp = tmp_path_factory.mktemp("lazy")
    settings = settings_for(tmp, downloads_json=str(uv_catalog_file))
    eager = load_catalog(settings)  # the first load writes the entry
    assert isinstance(load_catalog(settings, lazy=True)._lazy, LazyBuilds)
    return eager, settings


def test_a_lazy_catalog_lists_what_a_whole_one_does(uv_catalogs) -> None:
    eager, settings = uv_catalogs
    for options in ({}, {"all_platforms": True, "all_versions": True}, {"all_arches": True}):
        lazy = load_catalog(settings, lazy=True)
        assert list_rows(lazy, settings, host=HOST, **options) == \
            list_rows(eager, settings, host=HOST, **options)
        assert lazy._lazy is not None  # no whole load was needed
    lazy = load_catalog(settings, lazy=True)
    assert len(lazy) == len(eager) == 5530 and lazy.warning is None
    assert lazy.builds == eager.builds


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(os_name=st.sampled_from([None, "linux", "macos", "windows", "emscripten", "none"]),
       libc=st.sampled_from([None, "gnu", "musl", "none", "gnueabihf"]),
       arch=st.sampled_from([None, "x86_64", "x86_64_v3", "aarch64", "x86", "wasm32"]),
       variant=st.sampled_from([None, "default", "freethreaded", "debug"]),
       picks=st.lists(st.integers(0, 5529), max_size=30))
def test_key_rows_and_builds_at_agree_with_the_builds(uv_catalogs, os_name, libc, arch, variant,
                                                      picks) -> None:
    eager, settings = uv_catalogs
    lazy = load_catalog(settings, lazy=True)
    for _ in range(2):  # the second answer is the remembered one
        places, rows = lazy.key_rows(os_name, libc, arch, variant)
        eager_places, eager_rows = eager.key_rows(os_name, libc, arch, variant)
        assert places == eager_places and rows == [build[:9] for build in eager_rows]
        assert places == [place for place, build in enumerate(eager.builds)
                          if all(want is None or build[at] == want for at, want
                                 in ((6, os_name), (8, libc), (7, arch), (5, variant)))]
    assert lazy.builds_at(picks) == [eager.builds[place] for place in picks]


def test_get_makes_one_build(uv_catalogs) -> None:
    eager, settings = uv_catalogs
    lazy = load_catalog(settings, lazy=True)
    for build in (eager.builds[0], eager.builds[4000], eager.builds[-1]):
        assert lazy.get(build.key) == build
    assert lazy.get("cpython-3.99.0-linux-x86_64-gnu") is None and lazy._lazy is not None


@pytest.fixture
def two_builds(tmp_path: Path):
    source = tmp_path / "mine.json"
    source.write_bytes(uv_json(entry(), entry(minor=13, sha256="ab" * 32)))
    settings = settings_for(tmp_path, downloads_json=str(source))
    whole = load_catalog(settings)
    assert len(whole) == 2
    return settings, whole.builds


@pytest.mark.parametrize("forgery", ["url-len", "sha-at", "sha-at-url",
                                     "url-at-past-end", "keys-too"])
def test_a_forged_offset_is_caught_when_its_build_is_made(two_builds, forgery) -> None:
    settings, builds = two_builds

    def edit(doc: dict) -> None:
        if forgery == "url-len":
            doc["url_len"] = [length - 7 for length in doc["url_len"]]
        elif forgery == "sha-at":
            doc["sha_at"] = [doc["sha_at"][0] + 1, doc["sha_at"][1]]
        elif forgery == "sha-at-url":
            doc["sha_at"] = list(doc["url_at"])
        elif forgery == "url-at-past-end":
            doc["url_at"] = [10 ** 9, doc["url_at"][1]]
        else:  # the minor versions swapped and an offset bad: rows must be chosen again
            doc["columns"][2] = [13, 12]
            doc["url_len"] = [length - 1 for length in doc["url_len"]]

    _forge(settings, edit)
    lazy = load_catalog(settings, lazy=True)
    rows = list_rows(lazy, settings, host=HOST, all_versions=True)
    assert [(row.key, row.build.url, row.build.sha256) for row in rows] == \
        [(build.key, build.url, build.sha256) for build in reversed(builds)]
    assert lazy._lazy is None  # re-read whole from the source
    doc = json.loads(unseal(_entry_path(settings).read_bytes()) or b"null")  # and the entry rebuilt
    fresh = load_catalog(settings, lazy=True)
    assert fresh.builds == builds and doc["columns"][2] == [12, 13]


@pytest.mark.parametrize("forgery", ["url-len", "keys-too"])
@pytest.mark.parametrize("pin", [False, True])
def test_find_download_searches_again_after_a_forged_entry(two_builds, forgery, pin) -> None:
    """`pytui install 3.12` from a forged entry: the build it makes is caught, the source
    re-read, and the search made again on what the source says."""
    settings, builds = two_builds

    def edit(doc: dict) -> None:
        if forgery == "keys-too":
            doc["columns"][2] = [13, 12]
        doc["url_len"] = [length - 1 for length in doc["url_len"]]

    _forge(settings, edit)
    lazy = load_catalog(settings, lazy=True)
    found = find_download(lazy, PythonRequest.parse("3.12"), HOST,
                          build=builds[0].build if pin else None)
    assert found == builds[0] and found.minor == 12
    assert lazy._lazy is None  # re-read whole from the source


def test_a_forged_entrys_counts_go_with_its_columns_when_the_source_is_read_again(
        two_builds) -> None:
    """The skipped and malformed counts and the first problem come from the entry too: once
    it is found forged (a bad offset) and the source read again, the catalog's warning is the
    source's, and its generation says that what was chosen from the columns is stale."""
    settings, builds = two_builds

    def edit(doc: dict) -> None:
        doc["invalid"], doc["skipped"], doc["problem"] = 7, 3, "forged problem"
        doc["url_len"] = [length - 1 for length in doc["url_len"]]

    _forge(settings, edit)
    lazy = load_catalog(settings, lazy=True)
    assert (lazy.invalid, lazy.problem, lazy.generation) == (7, "forged problem", 0)
    assert lazy.builds == builds
    assert (lazy.skipped, lazy.invalid, lazy.problem, lazy.warning) == (0, 0, "", None)
    assert lazy.generation == 1


def test_a_catalog_with_no_builds_made_yet_reports_its_size(two_builds) -> None:
    settings, _ = two_builds
    lazy = load_catalog(settings, lazy=True)
    assert len(lazy) == 2 and lazy.warning is None and lazy.empty_reason is None
    assert "2 builds" in repr(lazy) and lazy._lazy is not None
    assert isinstance(Catalog([]).builds, list)


@pytest.mark.parametrize("text", ["any", "default", "pypy", "cpython", "pyodide", "3.12", "3.13t",
                                  ">=3.11,<3.13", "cpython-any-linux-any-gnu", "any-any-macos",
                                  "3.12.8", "3.15.0rc1", "cpython@3.13t", ">=3.15.0a1",
                                  "pypy@3.10", "3.14+debug", "cpython-3.12-any-x86_64_v3"])
def test_the_remembering_matcher_agrees_with_matches(uv_catalogs, text) -> None:
    eager, _ = uv_catalogs
    for request in (PythonRequest.parse(text), PythonRequest.parse(text).for_host(HOST),
                    PythonRequest.parse(text).for_host(HOST, any_arch=True).with_prereleases(),
                    PythonRequest.parse(text).for_install(HOST, build="20250612")):
        matcher = request.matcher()
        assert [matcher(build) for build in eager.builds] == \
            [request.matches(build) for build in eager.builds], request


def test_key_count_counts_each_key_once_lazy_or_whole(tmp_path: Path) -> None:
    """Two entries of one key (different JSON names and URLs): 3 keys in 4 entries, from the
    parsed-catalog cache's columns (no build made) as from a whole load."""
    path = tmp_path / "dup.json"
    twin = entry(url=entry()["url"].replace("20250115/", "20250116/"))
    path.write_bytes(uv_json(entry(), twin, entry(minor=13), entry(minor=11)))
    settings = settings_for(tmp_path, downloads_json=str(path))
    eager = load_catalog(settings)
    lazy = load_catalog(settings, lazy=True)
    assert isinstance(lazy._lazy, LazyBuilds)
    assert len(eager) == len(lazy) == 4
    assert eager.key_count() == lazy.key_count() == 3
    assert lazy._lazy is not None  # counted on the columns
    lazy.builds  # noqa: B018 - now every build is made
    assert lazy.key_count() == 3


def test_uv_catalog_has_as_many_keys_as_entries(uv_catalogs) -> None:
    eager, settings = uv_catalogs
    assert eager.key_count() == load_catalog(settings, lazy=True).key_count() == len(eager)
