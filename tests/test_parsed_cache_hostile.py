"""The parsed-catalog cache (core/parsed_cache.py) read back after a bit flipped on disk.

The entry is pytui's own file and still input. Its key columns (version numbers, platform
codes) are stored in it, not read from the source: a flipped bit that keeps the JSON valid and
the values in range (patch 8 -> 9 is one bit of the digit) re-keyed a build, so 3.12.8's
archive was listed and installed as 3.12.9. Any single flipped bit must be a miss: the
catalog is then the source's, and the entry is rebuilt.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytui.core import parsed_cache
from pytui.core.sealed import SEAL_LENGTH, seal
from pytui.core.sources import load_catalog
from test_catalog import entry, settings_for, uv_json

GOOD = "cpython-3.12.8-linux-x86_64-gnu"
OTHER = "cpython-3.13.8-linux-x86_64-gnu"


def _entry_path(state_dir: Path) -> Path:
    (found,) = (state_dir / parsed_cache.CACHE_DIR).glob("*.json")
    return found


@pytest.fixture
def cached(tmp_path: Path):
    source = tmp_path / "mine.json"
    source.write_bytes(uv_json(entry(), entry(minor=13)))
    config = settings_for(tmp_path, downloads_json=str(source))
    assert sorted(load_catalog(config).by_key) == [GOOD, OTHER]
    path = _entry_path(config.state_dir)
    return config, path, path.read_bytes()


def _described(catalog) -> list[tuple[str, str, str | None]]:
    return sorted((b.key, b.url, b.sha256) for b in catalog)


def test_a_patch_digit_flipped_on_disk_does_not_rekey_a_build(cached) -> None:
    config, path, good = cached
    truth = _described(load_catalog(config))
    doc = json.loads(good[:-SEAL_LENGTH])
    patches = json.dumps(doc["columns"][3]).encode()
    assert patches == b"[8, 8]"
    at = good.index(b"[8,8]") + 1
    flipped = bytearray(good)
    flipped[at] ^= 1  # '8' -> '9'
    path.write_bytes(bytes(flipped))
    assert _described(load_catalog(config)) == truth  # not 3.12.9 with 3.12.8's archive
    assert _entry_path(config.state_dir).read_bytes() == good  # rebuilt as it was


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_any_single_bit_flipped_is_a_miss(cached, position: int, bit: int) -> None:
    config, path, good = cached
    truth = sorted([(GOOD, entry()["url"], entry()["sha256"]),
                    (OTHER, entry(minor=13)["url"], entry(minor=13)["sha256"])])
    flipped = bytearray(good)
    flipped[position % len(good)] ^= 1 << bit
    path.write_bytes(bytes(flipped))
    assert _described(load_catalog(config)) == truth
    path.write_bytes(good)


@pytest.mark.parametrize("value", [[], {}, ["x"]], ids=["list", "object", "list of text"])
def test_a_forged_entry_with_a_list_among_version_numbers_is_a_miss(cached, value: object) -> None:
    """The seal made again (core/sealed.py is no defence against a rewrite on purpose): a
    version number that is a list or an object made the check's `set` raise TypeError, a
    traceback for `pytui list` and `pytui install`."""
    config, path, good = cached
    truth = _described(load_catalog(config))
    doc = json.loads(good[:-SEAL_LENGTH])
    doc["columns"][1][0] = value  # the first build's major
    path.write_bytes(seal(json.dumps(doc, separators=(",", ":")).encode()))
    assert _described(load_catalog(config)) == truth
    assert _entry_path(config.state_dir).read_bytes() == good  # rebuilt as it was


def _counted(source: Path, parses: list[int]):
    from pytui.core.catalog import parse_catalog

    def parse(data: bytes):
        parses.append(1)
        return parse_catalog(data, str(source))
    return parse


def test_a_forged_entry_cannot_drop_a_builds_sha256(tmp_path: Path) -> None:
    """-1 is where a build with a null sha256 has no offset; put in place of a real one, the
    build was made without a sha256, and `pytui install` took any archive the URL served.
    Its own entry in the source must say `"sha256": null`: else the source is parsed again."""
    source = tmp_path / "mine.json"
    source.write_bytes(uv_json(entry(), entry(minor=13)))
    parses: list[int] = []
    parse = _counted(source, parses)
    truth = parsed_cache.cached_parse(source, "uv-json", tmp_path / "state", parse).builds
    path = _entry_path(tmp_path / "state")
    doc = json.loads(path.read_bytes()[:-SEAL_LENGTH])
    doc["sha_at"] = [-1, -1]
    path.write_bytes(seal(json.dumps(doc, separators=(",", ":")).encode()))
    builds = parsed_cache.cached_parse(source, "uv-json", tmp_path / "state", parse).builds
    assert builds == truth and all(build.sha256 for build in builds)
    assert len(parses) == 2  # the source parsed again


def test_builds_with_a_null_sha256_are_served_from_the_entry(uv_catalog_path: Path, tmp_path: Path) -> None:
    """uv's catalog has a few (its key order puts `sha256` after `url`): the check finds their
    null in their own objects, so the entry stays a hit. So does a file with the sha256 before
    the URL (pbs-installer's sorted keys): the check reads the URL's whole object."""
    doc = json.loads(uv_catalog_path.read_bytes())
    nulls = {key: value for key, value in doc.items() if value.get("sha256") is None}
    assert nulls  # (5 of 5530)
    source = tmp_path / "uv.json"
    source.write_text(json.dumps({**dict(list(doc.items())[:20]), **nulls}, indent=2))
    parses: list[int] = []
    parse = _counted(source, parses)
    one = parsed_cache.cached_parse(source, "uv-json", tmp_path / "state", parse)
    two = parsed_cache.cached_parse(source, "uv-json", tmp_path / "state", parse)
    assert one.builds == two.builds and len(parses) == 1
    assert sum(build.sha256 is None for build in two.builds) == len(nulls)
    reordered = tmp_path / "reordered.json"
    reordered.write_text(json.dumps({key: {"sha256": None, **value} for key, value in nulls.items()}))
    parses.clear()
    parse = _counted(reordered, parses)
    first = parsed_cache.cached_parse(reordered, "uv-json", tmp_path / "state", parse).builds
    again = parsed_cache.cached_parse(reordered, "uv-json", tmp_path / "state", parse).builds
    assert first == again and all(build.sha256 is None for build in again) and len(parses) == 1


def test_the_embedded_catalogs_null_sha256s_keep_its_entry_a_hit(tmp_path: Path) -> None:
    """pbs-installer's versions.json lists ~130 files with `"sha256": null`, before their URL.
    36a5ea8's check read only what follows a URL, so every run that made one of them parsed
    the whole file again: `pytui list --all-platforms --all-versions` took twice its time."""
    from pytui.core.embedded import _parse_versions, versions_json_path

    shipped = versions_json_path()
    assert shipped is not None
    source = tmp_path / "versions.json"
    source.write_bytes(shipped.read_bytes())
    parses: list[int] = []

    def parse(data: bytes):
        parses.append(1)
        return _parse_versions(data)

    first = parsed_cache.cached_parse(source, "pbs-installer", tmp_path / "state", parse).builds
    again = parsed_cache.cached_parse(source, "pbs-installer", tmp_path / "state", parse).builds
    assert first == again and len(parses) == 1
    assert any(build.sha256 is None for build in again)


def test_a_url_whose_own_object_has_a_sha256_is_not_taken_as_null(tmp_path: Path) -> None:
    """The object read is the URL's own: a null in a neighbour's object (before or after) is
    not this build's, and a forged -1 for it still parses the source again."""
    source = tmp_path / "mine.json"
    doc = json.loads(uv_json(entry(), entry(minor=13)))
    first, second = doc
    doc[second]["sha256"] = None  # the neighbour after has a null
    source.write_text(json.dumps({first: doc[first], second: doc[second]}))
    parses: list[int] = []
    parse = _counted(source, parses)
    truth = parsed_cache.cached_parse(source, "uv-json", tmp_path / "state", parse).builds
    path = _entry_path(tmp_path / "state")
    entry_doc = json.loads(path.read_bytes()[:-SEAL_LENGTH])
    assert entry_doc["sha_at"].count(-1) == 1
    entry_doc["sha_at"] = [-1, -1]
    path.write_bytes(seal(json.dumps(entry_doc).encode()))
    builds = parsed_cache.cached_parse(source, "uv-json", tmp_path / "state", parse).builds
    assert builds == truth and sum(build.sha256 is None for build in builds) == 1
    assert len(parses) == 2


def test_an_entry_far_larger_than_its_source_is_discarded_unread(cached, monkeypatch) -> None:
    """An entry holds a few numbers and code characters per build (0.06 of uv's catalog's size):
    one many times its source's size is not pytui's, and decoding it cost ~6x its size (a list
    of numbers) before its stamp was looked at: 512 MiB (the cap) beside a 3 MB catalog, ~3 GB.
    It is read only up to 2 bytes per source byte plus 1 MiB; past that it is discarded."""
    config, path, good = cached
    truth = _described(load_catalog(config))
    source_bytes = len(Path(config.downloads_json).read_bytes())
    body = good[:-SEAL_LENGTH]
    padding = b" " * (parsed_cache.max_entry_bytes(source_bytes) - len(good) + 1)
    padded = seal(body[:1] + padding + body[1:])  # the same JSON, only larger
    path.write_bytes(padded)
    decoded: list[int] = []
    real_decode = parsed_cache._decode
    monkeypatch.setattr(parsed_cache, "_decode", lambda data, *rest: decoded.append(len(data))
                        or real_decode(data, *rest))
    assert _described(load_catalog(config)) == truth
    assert decoded == [] and _entry_path(config.state_dir).read_bytes() == good  # rebuilt
    # An entry within the bound is read as before.
    path.write_bytes(seal(body[:1] + padding[:-SEAL_LENGTH - 2] + body[1:]))
    assert _described(load_catalog(config)) == truth and len(decoded) == 1


def _planted_is_a_miss(cached, monkeypatch, fill: Callable[[dict, int], None]) -> bytes:
    """The cached entry's document changed by `fill` (given the room left below the entry's
    size bound) and planted, sealed, at its name: the catalog then loads as its source says,
    `json_codec.loads` was given nothing as long as the good entry, and the entry is rebuilt.
    Returns the planted entry's body."""
    config, path, good = cached
    truth = _described(load_catalog(config))
    doc = json.loads(good[:-SEAL_LENGTH])
    source_bytes = len(Path(config.downloads_json).read_bytes())
    fill(doc, parsed_cache.max_entry_bytes(source_bytes) - len(good) - 64)
    body = json.dumps(doc, separators=(",", ":")).encode()
    assert len(seal(body)) <= parsed_cache.max_entry_bytes(source_bytes)
    path.write_bytes(seal(body))
    decoded: list[int] = []
    real_loads = parsed_cache.json_codec.loads
    monkeypatch.setattr(parsed_cache.json_codec, "loads", lambda data, **kw: decoded.append(len(data))
                        or real_loads(data, **kw))

    assert _described(load_catalog(config)) == truth

    assert [size for size in decoded if size >= len(good)] == []
    assert _entry_path(config.state_dir).read_bytes() == good  # rebuilt
    assert _described(load_catalog(config)) == truth and decoded[-1:] == [len(good) - SEAL_LENGTH]
    return body


def test_an_entry_of_another_stamp_is_a_miss_before_it_is_decoded(cached, monkeypatch) -> None:
    """An entry under the right name whose stamp is another (stale: a source or parser that
    changed; or planted) was decoded whole, at ~8x its size, before its stamp was compared: a
    list of numbers up to the size bound (2 bytes a source byte plus 1 MiB). Its first bytes,
    the format and the stamp, now decide a miss; the entry is rebuilt from the source."""
    def fill(doc: dict, room: int) -> None:
        doc["stamp"] = doc["stamp"].replace("|", "|0", 1)  # another size of the source
        doc["padding"] = [1] * (room // 2)

    _planted_is_a_miss(cached, monkeypatch, fill)


def test_an_entry_of_short_strings_under_its_right_stamp_is_a_miss_before_it_is_decoded(
        cached, monkeypatch) -> None:
    """The stamp is computable by anyone who reads the source: an entry planted with the right
    one, up to the size bound, of `"ab",` (~13x its size decoded: 141 MB for `pytui list`
    beside uv's catalog) is a miss on its counted strings and brackets, before it is decoded."""
    def fill(doc: dict, room: int) -> None:
        doc["padding"] = ["ab"] * (room // 5)

    body = _planted_is_a_miss(cached, monkeypatch, fill)
    assert body.startswith(parsed_cache._head(json.loads(body)["stamp"]))
    assert len(body) > parsed_cache.ENTRY_FREE_BYTES
