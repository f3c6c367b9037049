"""Hostile catalogs and state files (issue 7, items 3, 4 and 6): wrong types in any field, a
bad kept copy, a forged or corrupt parsed-catalog cache, FIFOs, oversized and endless catalogs.

For every case: the exit code, the one line (never a traceback), and that what existed before
(installs, cache, the good builds) is intact. Catalogs are served by the loopback server's
`wrong_types_catalog`, `endless` and `gzip_bomb` modes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, assert_installed
from fixtures_http import FaultyHTTPServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytui.app.cli import main
from pytui.core import parsed_cache
from pytui.core.catalog import MAX_CATALOG_BYTES, parse_catalog, valid_builds
from pytui.core.catalog_fetch import fetch_catalog
from pytui.core.errors import CatalogError
from pytui.core.http import make_client
from pytui.core.kept_catalog import KEPT_CATALOG
from pytui.core.sealed import seal, unseal
from pytui.core.sources import load_catalog
from test_catalog import entry, settings_for, uv_json

GOOD = "cpython-3.12.8-linux-x86_64-gnu"
OTHER = "cpython-3.13.8-linux-x86_64-gnu"

# Every field of an entry, with values of the wrong type or impossible (uv refuses each).
WRONG = [
    ("sha256", 123), ("sha256", "xyz"), ("sha256", "ab" * 31), ("sha256", "../../" + "a" * 58),
    ("sha256", ["a" * 64]), ("url", 123), ("url", None), ("url", ""), ("url", "ftp://x/a.tar.gz"),
    ("url", "https://x/a b.tar.gz"), ("url", "https://x/\n.tar.gz"), ("url", "https://x/y/.."),
    ("url", "https://x/" + "a" * 5000), ("url", "https://[/a.tar.gz?x"), ("url", "https://[/a.tar.gz"),
    ("url", "http://]/a.tar.gz"), ("prerelease", 5), ("prerelease", "final"),
    ("prerelease", "rc" + "9" * 5000), ("prerelease", ["rc1"]), ("major", "3"), ("major", 3.0),
    ("major", True), ("major", -1), ("major", 256), ("major", 10 ** 30), ("minor", None),
    ("patch", "8"), ("name", 5), ("name", None), ("os", ["linux"]), ("libc", 1),
    ("arch", "x86_64"), ("arch", None), ("arch", {"family": 5}), ("arch", {"variant": "v2"}),
    ("arch", {"family": "x86_64", "variant": 3}), ("variant", 1), ("variant", {"x": 1}),
    ("build", 20250115), ("build", "../../x"), ("build", "b" * 65), ("build", ["x"]),
]


def test_every_wrong_field_is_skipped_and_counted() -> None:
    for field, value in WRONG:
        bad = entry(**{field: value}) if value is not None or field != "name" else entry(name=None)
        parsed = parse_catalog(uv_json(entry(), bad, entry(minor=13)), "t.json")
        assert [b.key for b in parsed.builds] == [GOOD, OTHER], (field, value)
        assert parsed.invalid == 1 and parsed.skipped == 0, (field, value)
        assert field in parsed.problem and "entry-1" in parsed.problem, parsed.problem
        assert "\n" not in parsed.problem and len(parsed.problem) < 500


def test_missing_fields_and_non_objects_are_counted() -> None:
    missing = {k: v for k, v in entry().items() if k != "url"}
    parsed = parse_catalog(uv_json(entry(), missing, "text", 5, [entry()], None), "t.json")
    assert [b.key for b in parsed.builds] == [GOOD] and parsed.invalid == 5
    assert "'url'" in parsed.problem


def test_deep_nesting_and_huge_numbers_are_one_line() -> None:
    for data in (b"[" * 100_000 + b"]" * 100_000, b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
                 b'{"a": {"major": 1' + b"0" * 5000 + b"}}"):
        try:
            parsed = parse_catalog(data, "deep.json")
        except CatalogError as err:
            assert "\n" not in str(err) and "deep.json" in str(err)
        else:
            assert parsed.builds == []


# -- the CLI: list, install, a remote --downloads-json, --refresh --------------------------------


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    for name, sub in (("UV_PYTHON_INSTALL_DIR", "root"), ("UV_PYTHON_CACHE_DIR", "cache"),
                      ("PYTUI_STATE_DIR", "state")):
        monkeypatch.setenv(name, str(tmp_path / sub))
    monkeypatch.chdir(tmp_path)
    return {"tmp": tmp_path, "state": tmp_path / "state"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.mark.parametrize(("field", "value"), [("sha256", 123), ("url", 123), ("prerelease", 5),
                                              ("arch", "x86_64"), ("major", "3"),
                                              # urlsplit's ValueError was a traceback
                                              ("url", "https://[/a.tar.gz?x")])
def test_list_a_local_catalog_with_a_wrong_type(env, capsys, field, value) -> None:
    path = env["tmp"] / "c.json"
    path.write_bytes(uv_json(entry(**{field: value}), entry(minor=13)))
    code, out, err = run(capsys, "list", "--all-platforms", "--all-versions", "--only-downloads",
                         "--downloads-json", str(path))
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == [OTHER]
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: catalog ") and field in lines[0]
    assert "skipped 1 malformed entry" in lines[0]


@pytest.mark.parametrize(("entries", "cause"), [
    ([entry(sha256=123), entry(url=123)], "all 2 entries are malformed (first: entry 'entry-0': sha256"),
    ([entry(prerelease=5)], "its 1 entry is malformed (first: entry 'entry-0': prerelease"),
    ([], "it holds no entries"),
    ([entry(os="plan9"), entry(libc="bionic")], "all 2 entries are for platforms or variants uv does not know"),
    ([entry(major="3"), entry(os="plan9")],
     "1 entry malformed (first: entry 'entry-0': major is \"3\" (a string), expected a whole number"),
    # In JSON's words, as the catalog is written: it said `sha256 is 123 (int)`, `None (NoneType)`,
    # `the entry is a int`.
    ([entry(sha256=123)], "sha256 is 123 (a number), expected 64 hex digits"),
    ([entry(url=None)], "url is null, expected a string"),
    ([entry(build=True)], "build is true, expected"),
    ([entry(arch=[1])], "arch is [1] (an array), expected an object"),
    ([7], "the entry is a number, not an object"),
    ([None], "the entry is null, not an object"),
])
def test_a_catalog_with_no_usable_build_says_so_in_one_line(env, capsys, entries, cause) -> None:
    path = env["tmp"] / "c.json"
    path.write_bytes(uv_json(*entries))
    for _ in range(2):  # the second run reads the parsed-catalog cache: the same line
        code, out, err = run(capsys, "list", "--downloads-json", str(path))
        assert code == 0 and out == ""
        (line,) = err.splitlines()
        assert line.startswith(f"warning: catalog {path} has no usable builds: ") and cause in line
        assert line.endswith("at a uv download-metadata.json, or unset it to use the built-in list")
    code, _, err = run(capsys, "install", "3.12", "--downloads-json", str(path))
    # No download for the request: uv's code for it (exit 2), the catalog's line first.
    assert code == 2 and err.splitlines()[0] == line


@pytest.mark.parametrize(("field", "value"), [("sha256", 123), ("url", 123), ("prerelease", 5),
                                              ("build", 7), ("arch.family", 9), ("url", "<missing>")])
def test_a_remote_downloads_json_with_wrong_types(env, capsys, http_server, field, value) -> None:
    data = uv_json(entry(), entry(minor=13))
    url = http_server.add("/meta.json", data, mode="wrong_types_catalog",
                          mode_args={"field": field, "value": value})
    code, out, err = run(capsys, "list", "--all-platforms", "--only-downloads",
                         "--downloads-json", url)
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == [OTHER]
    assert err.count("\n") == 1 and err.startswith("warning: ") and field.split(".")[0] in err
    # The kept copy (for offline runs) reads the same.
    code, out, _ = run(capsys, "list", "--offline", "--all-platforms", "--only-downloads",
                       "--downloads-json", url)
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == [OTHER]


def test_list_refresh_keeps_a_catalog_with_wrong_types(env, capsys, http_server, monkeypatch) -> None:
    url = http_server.add("/meta.json", uv_json(entry(), entry(minor=13), entry(minor=14)),
                          mode="wrong_types_catalog", mode_args={"field": "sha256", "value": 123})
    monkeypatch.setenv("PYTUI_CATALOG_URL", url)
    code, out, err = run(capsys, "list", "--refresh", "--all-platforms", "--all-versions",
                         "--only-downloads", "3.13")
    assert code == 0 and OTHER in out.split()
    assert "catalog refreshed" in err and "2 builds" in err
    assert "warning: catalog fetched from" in err and "sha256 is 123" in err
    assert (env["state"] / KEPT_CATALOG).is_file()
    # As the kept catalog, on later runs (the TUI's start reads the same).
    code, out, err = run(capsys, "list", "--offline", "--all-platforms", "--all-versions",
                         "--only-downloads", "3.13")
    assert code == 0 and OTHER in out.split() and "sha256 is 123" in err


def test_install_skips_the_bad_entry_and_installs(tmp_path: Path, http_server: FaultyHTTPServer) -> None:
    archives = tmp_path / "archives"
    archives.mkdir()
    pytui = Pytui(tmp_path, http_server, archives)
    made = pytui.add("3.12.8")
    doc = json.loads(pytui.catalog.read_text())
    doc["bad"] = dict(next(iter(doc.values())), sha256=123, patch=9)
    doc["worse"] = dict(next(iter(doc.values())), url=123, minor=11)
    pytui.catalog.write_text(json.dumps(doc))
    result = pytui.run("install", "3.12")
    assert result.returncode == 0, str(result)
    assert "Traceback" not in result.stderr
    assert "skipped 2 malformed entries" in result.stderr
    assert_installed(pytui, made)
    # A request only the bad entry could satisfy: one line, nothing written.
    before = pytui.state()
    line = assert_clean_failure(pytui.run("install", "3.11"), 2)  # no download for it: uv's exit 2
    assert "3.11" in line and pytui.state() == before


# -- the parsed-catalog cache ---------------------------------------------------------------------


def _cache_entry(settings) -> Path:
    (found,) = (settings.state_dir / parsed_cache.CACHE_DIR).glob("*.json")
    return found


def _entry_doc(settings) -> dict:
    body = unseal(_cache_entry(settings).read_bytes())
    assert body is not None
    return json.loads(body)


def _forge(settings, edit) -> None:
    """Edit the entry as a forger who knows its format would (its CRC line made again), so
    what is checked is every value, not the CRC (tests/test_parsed_cache_hostile.py)."""
    doc = _entry_doc(settings)
    edit(doc)
    _cache_entry(settings).write_bytes(seal(json.dumps(doc, separators=(",", ":")).encode()))


@pytest.fixture
def cached_source(tmp_path: Path):
    source = tmp_path / "mine.json"
    source.write_bytes(uv_json(entry(), entry(minor=13)))
    settings = settings_for(tmp_path, downloads_json=str(source))
    assert len(load_catalog(settings)) == 2
    return source, settings


def _columns(doc: dict) -> list:
    return doc["columns"]


@pytest.mark.parametrize("name", ["url", "sha256", "offset", "major", "arch", "types", "count",
                                  "shape", "sha256-none", "url-len", "sha-at-url", "negative",
                                  "index", "hole", "unhashable", "joined", "skipped",
                                  "invalid"])
def test_a_forged_parsed_cache_never_outranks_its_source(cached_source, name) -> None:
    source, settings = cached_source
    sep = "\x1f"

    def edit(doc: dict) -> None:
        columns = _columns(doc)
        if name == "url":  # a valid-looking URL the source does not hold
            columns[10] = sep.join(["https://evil.example/x.tar.gz"] * 2)
        elif name == "sha256":
            columns[11] = sep.join(["f" * 64] * 2)
        elif name == "sha256-none":  # drop the digest: the source has one
            columns[11] = sep
        elif name == "offset":  # right values, pointing elsewhere
            doc["url_at"] = [0, 0]
        elif name == "major":
            columns[1] = [300, 3]
        elif name == "arch":
            columns[7] = [["../../x", "x86_64"], "#$"]
        elif name == "index":  # a code past the distinct values
            columns[0] = [["cpython"], "#$"]
        elif name == "hole":  # a code no value has (the quote)
            columns[0] = [["cpython"], '#"']
        elif name == "unhashable":
            columns[6] = [[["linux"]], "##"]
        elif name == "joined":  # format 3's joined column
            columns[6] = sep.join(["linux", "linux"])
        elif name == "types":
            columns[2] = ["12", 13]
        elif name == "count":
            doc["count"] = 3
        elif name == "url-len":  # a prefix of the real URL
            doc["url_len"] = [length - 7 for length in doc["url_len"]]
        elif name == "sha-at-url":
            doc["sha_at"] = list(doc["url_at"])
        elif name == "negative":
            doc["sha_at"] = [-5, -5]
        elif name in ("skipped", "invalid"):
            # More entries than the source has bytes: a 4,001-digit count in the warning line.
            doc[name], doc["problem"] = 10 ** 4000, "forged"
        else:
            doc["columns"] = {"not": "a list"}

    _forge(settings, edit)
    catalog = load_catalog(settings)
    assert sorted(catalog.by_key) == [GOOD, OTHER]
    assert (catalog.skipped, catalog.invalid, catalog.warning) == (0, 0, None)
    assert {b.url for b in catalog} == {entry()["url"]}
    assert {b.sha256 for b in catalog} == {entry()["sha256"]}
    # A forged entry is discarded and rebuilt from the source (a forged URL or sha256 value
    # cannot even be stored: the entry holds offsets into the source, never the values).
    doc = _entry_doc(settings)
    assert doc["url_at"] != [0, 0] and isinstance(doc["columns"], list)
    assert doc["columns"][10] == doc["columns"][11] == "" and min(doc["sha_at"]) > 0


def test_a_same_size_edit_with_the_old_mtime_is_a_miss(cached_source) -> None:
    source, settings = cached_source
    info = source.stat()
    digest = entry()["sha256"]
    source.write_bytes(source.read_bytes().replace(digest.encode(), b"0" * 64))
    os.utime(source, ns=(info.st_atime_ns, info.st_mtime_ns))  # size and mtime as before
    assert source.stat().st_size == info.st_size
    assert {b.sha256 for b in load_catalog(settings)} == {"0" * 64}


def test_a_same_size_version_edit_within_the_same_times_is_a_miss(cached_source) -> None:
    # A rewrite of the same size inside one clock tick keeps size, mtime and ctime: only the
    # bytes tell (the stamp's CRC covers every byte). Times are set back to make it so here.
    source, settings = cached_source
    info = source.stat()
    data = source.read_bytes()
    edited = data.replace(b'"minor": 13', b'"minor": 14')
    assert edited != data and len(edited) == len(data)
    with open(source, "r+b") as handle:  # in place: the inode stays too
        handle.write(edited)
    os.utime(source, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (source.stat().st_ino, source.stat().st_size) == (info.st_ino, info.st_size)
    assert sorted(load_catalog(settings).by_key) == [GOOD, OTHER.replace("3.13", "3.14")]


def test_an_offset_onto_text_that_is_no_url_is_refused(tmp_path: Path) -> None:
    # A forged entry points the first URL at another string of the source: one with non-ASCII
    # bytes, then one that is not a URL at all. Neither is served; the entry is rebuilt.
    source = tmp_path / "mine.json"
    odd = "https://h\u00e9/x.tar.gz"
    source.write_bytes(json.dumps({"note": odd, "entry-0": entry(), "entry-1": entry(minor=13)},
                                  ensure_ascii=False).encode())
    settings = settings_for(tmp_path, downloads_json=str(source))
    assert len(load_catalog(settings)) == 2
    data = source.read_bytes()
    for target in (odd.encode(), b"cpython"):
        at = data.index(b'"' + target + b'"')
        _forge(settings, lambda doc, at=at, target=target: (
            doc["url_at"].__setitem__(0, at), doc["url_len"].__setitem__(0, len(target))))
        assert {b.url for b in load_catalog(settings)} == {entry()["url"]}
        assert _entry_doc(settings)["url_at"][0] != at


@pytest.mark.parametrize("junk", [b"", b"garbage", b"\x00" * 100, b"[]", b'{"format": 2}'])
def test_a_corrupt_parsed_cache_is_rebuilt(cached_source, junk) -> None:
    _, settings = cached_source
    path = _cache_entry(settings)
    path.write_bytes(junk)
    assert len(load_catalog(settings)) == 2
    assert _entry_doc(settings)["count"] == 2


def test_a_fifo_as_parsed_cache_entry_is_removed(cached_source) -> None:
    _, settings = cached_source
    path = _cache_entry(settings)
    path.unlink()
    os.mkfifo(path)
    assert len(load_catalog(settings)) == 2
    assert path.is_file()


# -- input that is not a regular file; size caps -------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "dir", "dev"])
def test_downloads_json_that_is_not_a_regular_file(env, capsys, kind) -> None:
    target = {"fifo": env["tmp"] / "pipe", "dir": env["tmp"], "dev": Path("/dev/zero")}[kind]
    if kind == "fifo":
        os.mkfifo(target)
    for value in (str(target), target.as_uri()):
        code, out, err = run(capsys, "list", "--downloads-json", value)
        assert code == 1 and out == "" and err.count("\n") == 1
        assert err.startswith(f"error: catalog {value} is a") and "regular file" in err


def test_a_local_catalog_over_the_cap(env, capsys, monkeypatch) -> None:
    path = env["tmp"] / "big.json"
    path.write_bytes(uv_json(entry()) + b" " * 2048)
    monkeypatch.setattr("pytui.core.parsed_cache.MAX_CATALOG_BYTES", 1024)
    code, out, err = run(capsys, "list", "--downloads-json", str(path))
    assert code == 1 and err.count("\n") == 1 and "too large" in err and str(path) in err


@pytest.mark.parametrize(("mode", "faults"), [
    ("endless", {}), ("gzip_bomb", {"mode_args": {"inflated": 8 << 20}}),
    (None, {"declare_length": 10 ** 12}),
])
def test_a_fetched_catalog_has_a_size_cap(http_server, mode, faults) -> None:
    kwargs = dict(faults)
    if mode:
        kwargs["mode"] = mode
    url = http_server.add("/meta.json", uv_json(entry()), **kwargs)
    with make_client(offline=False) as client, pytest.raises(CatalogError) as caught:
        fetch_catalog(client, url, max_bytes=1 << 20)
    assert "\n" not in str(caught.value) and url in str(caught.value)
    assert "pytui reads" in str(caught.value) and "1.0 MiB" in str(caught.value)  # the bound, in MiB


def test_the_default_cap_is_declared() -> None:
    assert MAX_CATALOG_BYTES == 256 * 1024 * 1024


def test_list_refresh_from_an_endless_server_keeps_what_there_is(env, capsys, http_server,
                                                                 monkeypatch) -> None:
    url = http_server.add("/meta.json", b"{", mode="endless")
    monkeypatch.setenv("PYTUI_CATALOG_URL", url)
    monkeypatch.setattr("pytui.core.catalog_fetch.MAX_CATALOG_BYTES", 1 << 20)
    code, out, err = run(capsys, "list", "--refresh", "--only-downloads")
    assert code == 0 and "could not refresh the catalog" in err and "kept the embedded" in err
    assert not (env["state"] / KEPT_CATALOG).exists()


# -- property: any entry gives a build, a skip or one counted problem ------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10 ** 20), 10 ** 20) | st.floats()
    | st.text(max_size=80),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children,
                                                                      max_size=3),
    max_leaves=8,
)
FIELDS = ["name", "arch", "os", "libc", "major", "minor", "patch", "prerelease", "url", "sha256",
          "variant", "build"]
PLAUSIBLE = {
    "name": st.sampled_from(["cpython", "pypy", "graalpy", "jython"]),
    "os": st.sampled_from(["linux", "darwin", "windows", "emscripten", "plan9"]),
    "libc": st.sampled_from(["gnu", "musl", "none", "gnueabihf", "bionic"]),
    "arch": st.fixed_dictionaries({"family": st.sampled_from(["x86_64", "aarch64", "i686", "wasm32"]),
                                   "variant": st.sampled_from([None, "v2", "v3", "v9"])}),
    "major": st.integers(0, 300), "minor": st.integers(0, 300), "patch": st.integers(0, 300),
    "prerelease": st.sampled_from(["", None, "rc1", "a12", "b", "rc" + "9" * 10]),
    "url": st.sampled_from(["https://h/x/cpython-3.12.8%2B20250115-x86_64-unknown-linux-gnu-"
                            "install_only.tar.gz", "file:///m/a.tar.zst", "https://h/", "x"]),
    "sha256": st.sampled_from([None, "a" * 64, "A" * 64, "a" * 63, "g" * 64]),
    "variant": st.sampled_from([None, "freethreaded", "debug", "freethreaded+debug", "gil"]),
    "build": st.sampled_from([None, "", "20250115", "7.3.19", "../x"]),
}


@st.composite
def entries(draw) -> dict:
    """Mostly plausible entries, with some fields replaced by any JSON value or left out."""
    entry: dict = {}
    for field in FIELDS:
        choice = draw(st.integers(0, 9))
        if choice == 0:
            continue
        entry[field] = draw(JSON_VALUES if choice == 1 else PLAUSIBLE[field])
    return entry


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entries() | JSON_VALUES, max_size=4))
def test_any_entries_parse_to_builds_skips_or_one_line_problems(items) -> None:
    data = json.dumps({f"k{i}": item for i, item in enumerate(items)}).encode()
    parsed = parse_catalog(data, "prop.json")
    assert len(parsed.builds) + parsed.skipped + parsed.invalid == len(items)
    assert "\n" not in parsed.problem and (parsed.invalid == 0) == (parsed.problem == "")
    # What the entry check accepts, the state-file check accepts too (else the cache never hits).
    assert valid_builds(parsed.builds)
    for build in parsed.builds:
        assert build.cache_filename and "/" not in build.cache_filename


def test_list_refresh_counts_one_build_as_one(env, capsys, http_server, monkeypatch) -> None:
    url = http_server.add("/one.json", uv_json(entry()))
    monkeypatch.setenv("PYTUI_CATALOG_URL", url)
    code, _, err = run(capsys, "list", "--refresh", "--all-platforms", "--only-downloads")
    assert code == 0 and "catalog refreshed" in err
    assert ": 1 build (first fetch)" in err, err
