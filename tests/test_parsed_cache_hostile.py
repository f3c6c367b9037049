"""The parsed-catalog cache (core/parsed_cache.py) read back after a bit flipped on disk.

The entry is pytui's own file and still input. Its key columns (version numbers, platform
codes) are stored in it, not read from the source: a flipped bit that keeps the JSON valid and
the values in range (patch 8 -> 9 is one bit of the digit) re-keyed a build, so 3.12.8's
archive was listed and installed as 3.12.9. Any single flipped bit must be a miss: the
catalog is then the source's, and the entry is rebuilt.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytui.core import parsed_cache
from pytui.core.sealed import SEAL_LENGTH
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
