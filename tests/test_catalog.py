"""The catalog: uv's format (real file, malformed files, key quirks), the embedded pbs-installer
default, the source order and the kept copy (its refresh over HTTP: test_catalog_refresh), and
the parsed-catalog cache."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from pytui.core import catalog as catalog_module
from pytui.core.catalog import Catalog, build_from_entry, parse_uv_json
from pytui.core.custom_catalog import _custom_cache_path
from pytui.core.embedded import builds_from_versions, load_embedded_catalog, versions_json_path
from pytui.core.errors import CatalogError, OfflineError
from pytui.core.kept_catalog import KEPT_CATALOG, KEPT_META, describe_age
from pytui.core.settings import Settings
from pytui.core.sources import load_catalog

RELEASES = "https://github.com/astral-sh/python-build-standalone/releases/download"


def entry(**overrides) -> dict:
    """A valid uv catalog entry (cpython 3.12.8 linux x86_64 gnu), with fields replaced."""
    base = {
        "name": "cpython", "arch": {"family": "x86_64", "variant": None}, "os": "linux",
        "libc": "gnu", "major": 3, "minor": 12, "patch": 8, "prerelease": "",
        "url": f"{RELEASES}/20250115/cpython-3.12.8%2B20250115-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz",
        "sha256": "34a5a1619aba16544ec8d6f225be59b333d650f58983eeca25193722dc9016fd",
        "variant": None, "build": "20250115",
    }
    base.update(overrides)
    return base


def uv_json(*entries: dict) -> bytes:
    return json.dumps({f"entry-{i}": e for i, e in enumerate(entries)}).encode()


# --- uv's format ---------------------------------------------------------------------------


def test_real_catalog_loads_every_entry(uv_catalog_path: Path) -> None:
    builds, skipped = parse_uv_json(uv_catalog_path.read_bytes(), str(uv_catalog_path))
    assert (len(builds), skipped) == (5530, 0)
    catalog = Catalog(builds, source=str(uv_catalog_path))
    assert len(catalog.by_key) == 5530  # display keys are unique, like uv's JSON keys
    example = catalog.get("cpython-3.12.8-linux-x86_64-gnu")
    assert example is not None
    assert example.url.endswith("cpython-3.12.8%2B20250115-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz")
    assert example.sha256 == "34a5a1619aba16544ec8d6f225be59b333d650f58983eeca25193722dc9016fd"
    assert (example.build, example.flavor) == ("20250115", "install_only_stripped")
    assert example.cache_filename == ("34a5a1619-cpython-3.12.8-20250115-x86_64-unknown-linux-gnu-"
                                      "install_only_stripped.tar.gz")
    # Every display-key quirk occurs in the real file.
    for key in ("cpython-3.12.8-macos-aarch64-none", "cpython-3.13.1-windows-x86-none",
                "cpython-3.13.1+freethreaded-linux-x86_64-gnu",
                "cpython-3.12.8+debug-linux-x86_64-gnu", "cpython-3.14.2-linux-x86_64_v3-musl",
                "pyodide-3.13.2-emscripten-wasm32-musl", "pypy-3.11.15-linux-x86-gnu",
                "cpython-3.13.2-linux-riscv64gc-gnu", "cpython-3.13.2-linux-powerpc64le-gnu",
                "cpython-3.13.2-linux-armv7-gnueabihf"):
        assert catalog.get(key) is not None, key
    assert not any("darwin" in b.key or "i686" in b.key for b in builds)


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"os": "darwin", "libc": "none", "arch": {"family": "aarch64", "variant": None}},
         "cpython-3.12.8-macos-aarch64-none"),
        ({"os": "windows", "libc": "none", "arch": {"family": "i686", "variant": None}},
         "cpython-3.12.8-windows-x86-none"),
        ({"arch": {"family": "riscv64", "variant": None}}, "cpython-3.12.8-linux-riscv64gc-gnu"),
        ({"arch": {"family": "armv5tel", "variant": None}, "libc": "gnueabi"},
         "cpython-3.12.8-linux-armv5te-gnueabi"),
        ({"arch": {"family": "x86_64", "variant": "v3"}}, "cpython-3.12.8-linux-x86_64_v3-gnu"),
        ({"arch": {"family": "powerpc64le", "variant": None}},
         "cpython-3.12.8-linux-powerpc64le-gnu"),
        ({"variant": "freethreaded"}, "cpython-3.12.8+freethreaded-linux-x86_64-gnu"),
        ({"variant": "freethreaded+debug"}, "cpython-3.12.8+freethreaded+debug-linux-x86_64-gnu"),
        ({"variant": "debug"}, "cpython-3.12.8+debug-linux-x86_64-gnu"),
        ({"os": "emscripten", "libc": "musl", "arch": {"family": "wasm32", "variant": None},
          "sha256": None}, "pyodide-3.12.8-emscripten-wasm32-musl"),
        ({"prerelease": "rc1", "minor": 15, "patch": 0}, "cpython-3.15.0rc1-linux-x86_64-gnu"),
        ({"prerelease": None}, "cpython-3.12.8-linux-x86_64-gnu"),  # uv accepts null too
        ({"name": "pypy", "build": "7.3.23"}, "pypy-3.12.8-linux-x86_64-gnu"),
        ({"sha256": "ABCDEF" * 10 + "ABCD"}, "cpython-3.12.8-linux-x86_64-gnu"),
    ],
)
def test_key_quirks(overrides: dict, key: str) -> None:
    build = build_from_entry(entry(**overrides))
    assert build is not None and build.key == key
    if str(overrides.get("sha256")).startswith("ABCDEF"):
        assert build.sha256 == "abcdef" * 10 + "abcd"


def test_unknown_entries_are_skipped_and_counted() -> None:
    data = uv_json(
        entry(),
        entry(os="plan9"),
        entry(libc="bionic"),
        entry(arch={"family": "sparc", "variant": None}),
        entry(arch={"family": "aarch64", "variant": "v3"}),  # levels are x86_64-only
        entry(arch={"family": "x86_64", "variant": "v9"}),
        entry(variant="gil"),
        entry(name="jython"),  # uv would keep it as an unknown implementation; pytui cannot key it
        entry(major="three"),
        {"name": "cpython"},  # fields missing
        "not an object",
        entry(minor=13),
    )
    builds, skipped = parse_uv_json(data, "synthetic.json")
    assert [b.key for b in builds] == ["cpython-3.12.8-linux-x86_64-gnu",
                                       "cpython-3.13.8-linux-x86_64-gnu"]
    assert skipped == 10


def test_only_x86_64_takes_a_level() -> None:
    assert build_from_entry(entry(arch={"family": "x86_64", "variant": "v2"})).arch == "x86_64_v2"
    assert build_from_entry(entry(arch={"family": "aarch64", "variant": "v2"})) is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        # JSON's words, not Python's type names (`list`, `str`, `NoneType`).
        (b"[1, 2, 3]", "(its top level is an array)"),
        (b'"a string"', "(its top level is a string)"),
        (b"null", "(its top level is null)"),
        (json.dumps({"version": 2, "downloads": {}}).encode(), "format version"),
    ],
)
def test_malformed_files_are_refused_in_one_line(data: bytes, words: str) -> None:
    with pytest.raises(CatalogError) as info:
        parse_uv_json(data, "/some/where/bad.json")
    message = str(info.value)
    assert "/some/where/bad.json" in message and words in message and "\n" not in message


# --- the embedded default --------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded() -> Catalog:
    if versions_json_path() is None:
        pytest.skip("pbs-installer is not installed")
    return load_embedded_catalog()


def test_embedded_catalog_is_real(embedded: Catalog) -> None:
    assert len(embedded) > 900
    assert embedded.source.startswith("embedded (pbs-installer")
    keys = set(embedded.by_key)
    assert len(keys) == len(embedded)  # one archive per (version, platform, variant)
    assert "cpython-3.12.8-linux-x86_64-gnu" in keys
    assert any(b.variant == "freethreaded" for b in embedded)
    assert any(b.implementation == "pypy" for b in embedded)
    assert all(b.major == 3 and b.minor >= 8 for b in embedded)
    assert not any(b.url.endswith(".tar.bz2") for b in embedded)  # uv 0.12 cannot extract them
    with_sha = [b for b in embedded if b.sha256]
    assert len(with_sha) > 0.85 * len(embedded)
    assert all(len(b.sha256) == 64 for b in with_sha)  # type: ignore[arg-type]


def test_embedded_matches_uv_for_the_same_builds(embedded: Catalog, uv_catalog_path: Path) -> None:
    builds, _ = parse_uv_json(uv_catalog_path.read_bytes(), str(uv_catalog_path))
    uv = {b.key: b for b in builds}
    same_build = [b for b in embedded if b.key in uv and uv[b.key].build == b.build]
    assert len(same_build) > 800
    for build in same_build:
        theirs = uv[build.key]
        assert build.url == theirs.url, build.key
        if build.sha256 is not None:  # pbs-installer lacks sums for some 2019-2021 builds
            assert build.sha256 == theirs.sha256, build.key
        assert build.flavor == theirs.flavor


def test_embedded_prefers_flavors_as_uv() -> None:
    def file(name: str, install_only: bool) -> dict:
        date = name.split("+")[1][:8] if "+" in name else name.rsplit("-", 1)[1][:8]
        return {"filename": name, "url": f"{RELEASES}/{date}/{name.replace('+', '%2B')}",
                "sha256": "a" * 64, "platform": "linux", "arch": "x86_64",
                "install_only": install_only}

    payload = [
        {"python_version": {"implementation": "cpython", "major": 3, "minor": 12, "micro": 8,
                            "freethreaded": False},
         "files": [file("cpython-3.12.8+20241219-x86_64-unknown-linux-gnu-pgo+lto-full.tar.zst", False),
                   file("cpython-3.12.8+20241219-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz", True)]},
        {"python_version": {"implementation": "cpython", "major": 3, "minor": 10, "micro": 0,
                            "freethreaded": False},
         # uv's generator never read legacy install_only names: the full archive wins.
         "files": [file("cpython-3.10.0-x86_64-unknown-linux-gnu-install_only-20211017T1616.tar.gz", True),
                   file("cpython-3.10.0-x86_64-unknown-linux-gnu-pgo+lto-20211017T1616.tar.zst", False)]},
        {"python_version": {"implementation": "cpython", "major": 3, "minor": 13, "micro": 1,
                            "freethreaded": True},
         "files": [file("cpython-3.13.1+20250115-x86_64-unknown-linux-gnu-freethreaded+pgo+lto-full.tar.zst", False),
                   file("cpython-3.13.1+20250115-x86_64-unknown-linux-gnu-freethreaded+debug-full.tar.zst", False)]},
        {"python_version": {"implementation": "cpython", "major": 3, "minor": 7, "micro": 9,
                            "freethreaded": False},
         "files": [file("cpython-3.7.9+20200822-x86_64-unknown-linux-gnu-install_only.tar.gz", True)]},
        {"python_version": {"implementation": "pypy", "major": 3, "minor": 10, "micro": 14,
                            "freethreaded": False},
         "files": [{"filename": "pypy3.10-v7.3.17-linux64.tar.bz2",
                    "url": "https://downloads.python.org/pypy/pypy3.10-v7.3.17-linux64.tar.bz2",
                    "sha256": "b" * 64, "platform": "linux", "arch": "x86_64", "install_only": True}]},
        {"python_version": {"implementation": "pypy", "major": 3, "minor": 11, "micro": 15,
                            "freethreaded": False},
         "files": [{"filename": "pypy3.11-v7.3.23-linux64.tar.gz",
                    "url": "https://downloads.python.org/pypy/pypy3.11-v7.3.23-linux64.tar.gz",
                    "sha256": "c" * 64, "platform": "linux", "arch": "x86_64", "install_only": True}]},
    ]
    builds, skipped = builds_from_versions(payload)
    by_key = {b.key: b for b in builds}
    assert by_key["cpython-3.12.8-linux-x86_64-gnu"].flavor == "install_only_stripped"
    assert by_key["cpython-3.10.0-linux-x86_64-gnu"].flavor == "pgo+lto"
    # Debug variants come from the file names.
    assert by_key["cpython-3.13.1+freethreaded-linux-x86_64-gnu"].flavor == "freethreaded+pgo+lto-full"
    assert by_key["cpython-3.13.1+freethreaded+debug-linux-x86_64-gnu"].flavor == "freethreaded+debug-full"
    pypy = by_key["pypy-3.11.15-linux-x86_64-gnu"]
    assert (pypy.build, pypy.sha256) == ("7.3.23", "c" * 64)
    assert len(builds) == 5 and skipped == 2  # 3.7 and the bz2-only PyPy version


# --- sources --------------------------------------------------------------------------------


def settings_for(tmp_path: Path, **kwargs) -> Settings:
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path)}
    env.update(kwargs.pop("env", {}))
    return Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                            env=env, **kwargs)


def test_downloads_json_replaces_everything(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_bytes(uv_json(entry(), entry(minor=13)))
    for value in (str(path), path.as_uri()):
        catalog = load_catalog(settings_for(tmp_path, downloads_json=value))
        assert sorted(catalog.by_key) == ["cpython-3.12.8-linux-x86_64-gnu",
                                          "cpython-3.13.8-linux-x86_64-gnu"]
        assert catalog.source == value


def test_downloads_json_from_env_and_missing_file(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, env={"UV_PYTHON_DOWNLOADS_JSON_URL": str(tmp_path / "nope.json")})
    with pytest.raises(CatalogError) as info:
        load_catalog(settings)
    assert "nope.json" in str(info.value) and "\n" not in str(info.value)


def test_downloads_json_url_is_kept_for_offline_use(tmp_path: Path, http_server) -> None:
    url = http_server.add("/meta.json", uv_json(entry()))
    catalog = load_catalog(settings_for(tmp_path, downloads_json=url), refresh=True)
    assert list(catalog.by_key) == ["cpython-3.12.8-linux-x86_64-gnu"]
    assert http_server.count("/meta.json") == 1
    offline = load_catalog(settings_for(tmp_path, downloads_json=url, offline=True))
    assert list(offline.by_key) == ["cpython-3.12.8-linux-x86_64-gnu"]
    assert "kept copy" in offline.source
    assert http_server.count("/meta.json") == 1
    never = settings_for(tmp_path / "other", downloads_json=url, offline=True)
    with pytest.raises(OfflineError):
        load_catalog(never)
    # Online, a URL that cannot be fetched now: the kept copy stands in, and says so (`list`,
    # `install` and the TUI said nothing, a `--refresh` neither; the TUI's header its age).
    assert catalog.warning is None and offline.warning is None
    http_server.set_faults("/meta.json", fail=99, fail_status=500)
    stale = load_catalog(settings_for(tmp_path, downloads_json=url), refresh=True)
    assert list(stale.by_key) == ["cpython-3.12.8-linux-x86_64-gnu"]
    assert stale.warning == (f"could not fetch the catalog {url} (HTTP 500); using the copy kept "
                             "just now; check the URL and the network (offline, --offline or o "
                             "in the TUI, it is used without asking)"), stale.warning
    # Its age in the header's words for a catalog's (it read `0 min ago`, `3 h ago`).
    settings = settings_for(tmp_path, downloads_json=url)
    three_hours_ago = time.time() - 3 * 3600 - 30
    os.utime(_custom_cache_path(settings.state_dir, url), (three_hours_ago, three_hours_ago))
    older = load_catalog(settings, refresh=True)
    assert "; using the copy kept 3 hours ago; " in (older.warning or ""), older.warning


def test_the_tuis_refresh_of_a_url_that_cannot_be_fetched_is_one_failed_refresh(tmp_path: Path,
                                                                                  http_server) -> None:
    # `r` with the URL down: "catalog reloaded from URL (kept copy); refresh failed: …" (ok) and
    # the same cause again as a warning: two toasts, History's `refresh done`, the header the
    # copy's age (newuser31). Now the kept copy is shown and the refresh failed, in one line.
    from pytui.core.sources import refresh_and_reload

    url = http_server.add("/meta.json", uv_json(entry()))
    settings = settings_for(tmp_path, downloads_json=url)
    assert refresh_and_reload(settings).ok
    http_server.set_faults("/meta.json", fail=99, fail_status=500)
    outcome = refresh_and_reload(settings)
    assert not outcome.ok and outcome.warning is None, outcome
    assert outcome.message.startswith(f"could not fetch the catalog {url} (HTTP 500); using the copy kept "), outcome
    assert outcome.catalog is not None and list(outcome.catalog.by_key) == ["cpython-3.12.8-linux-x86_64-gnu"]


def write_kept(state: Path, data: bytes, **meta) -> None:
    state.mkdir(parents=True, exist_ok=True)
    (state / KEPT_CATALOG).write_bytes(data)
    (state / KEPT_META).write_text(json.dumps(meta))


def test_kept_catalog_merges_over_embedded(tmp_path: Path, embedded: Catalog) -> None:
    settings = settings_for(tmp_path)
    fetched_url = f"{RELEASES}/20990101/cpython-3.12.8%2B20990101-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz"
    write_kept(settings.state_dir, uv_json(entry(url=fetched_url, build="20990101"),
                                           entry(minor=99)),
               url="https://example.invalid/meta.json", fetched_at=1_000_000.0)
    catalog = load_catalog(settings)
    assert catalog.get("cpython-3.12.8-linux-x86_64-gnu").url == fetched_url  # fetched wins
    assert catalog.get("cpython-3.99.8-linux-x86_64-gnu") is not None
    only_embedded = set(embedded.by_key) - {"cpython-3.12.8-linux-x86_64-gnu"}
    assert only_embedded <= set(catalog.by_key)
    assert len(catalog) == len(embedded) + 1
    assert catalog.fetched_at == 1_000_000.0
    assert "https://example.invalid/meta.json" in catalog.source and "embedded" in catalog.source


def test_without_kept_copy_the_embedded_default_is_used(tmp_path: Path, embedded: Catalog) -> None:
    catalog = load_catalog(settings_for(tmp_path))
    assert set(catalog.by_key) == set(embedded.by_key)
    assert catalog.fetched_at is None


def test_describe_age() -> None:
    assert describe_age(None) == "never"
    assert describe_age(100.0, now=130.0) == "just now"
    assert describe_age(0.0, now=120.0) == "2 minutes ago"
    assert describe_age(0.0, now=3600.0) == "1 hour ago"
    assert describe_age(0.0, now=3 * 86400.0) == "3 days ago"



# --- the parsed-catalog cache --------------------------------------------------------------


def test_parsed_cache_hits_and_invalidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mine.json"
    path.write_bytes(uv_json(entry()))
    settings = settings_for(tmp_path, downloads_json=str(path))
    assert list(load_catalog(settings).by_key) == ["cpython-3.12.8-linux-x86_64-gnu"]
    assert list((settings.state_dir / "parsed").glob("*.json"))

    calls = []
    real_parse = catalog_module.parse_catalog

    def counting(data, source):
        calls.append(source)
        return real_parse(data, source)

    monkeypatch.setattr("pytui.core.custom_catalog.parse_catalog", counting)
    assert list(load_catalog(settings).by_key) == ["cpython-3.12.8-linux-x86_64-gnu"]
    assert calls == []  # served from the cache

    path.write_bytes(uv_json(entry(), entry(minor=13)))
    os.utime(path, ns=(1, 1))  # a different size and mtime: a miss
    assert len(load_catalog(settings)) == 2
    assert calls == [str(path)]
    assert len(list((settings.state_dir / "parsed").glob("*.json"))) == 1  # old entry dropped

    # A corrupt entry is ignored, not fatal.
    for cached in (settings.state_dir / "parsed").glob("*.json"):
        cached.write_bytes(b"garbage")
    assert len(load_catalog(settings)) == 2


def test_parse_errors_are_not_cached(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b"[]")
    settings = settings_for(tmp_path, downloads_json=str(path))
    for _ in range(2):
        with pytest.raises(CatalogError):
            load_catalog(settings)
