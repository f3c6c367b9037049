"""The parsed-catalog cache serves compact JSON too (`"prerelease":"","url":...`): the scan
for where each URL stands keeps in step with the quotes across empty and escaped strings."""

from __future__ import annotations

import json
from pathlib import Path

from pytui.core.catalog import parse_catalog
from pytui.core.parsed_cache import cached_parse


def test_a_compact_catalog_is_parsed_once(uv_catalog_path: Path, tmp_path: Path) -> None:
    doc = json.loads(uv_catalog_path.read_bytes())
    entries = dict(list(doc.items())[:300])
    first = next(iter(entries.values()))
    first["note"] = 'an "escaped" \\ value'  # uv ignores unknown fields; an escaped string
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(entries, separators=(",", ":")))
    parses = []

    def parse(data: bytes):
        parses.append(1)
        return parse_catalog(data, str(compact))

    one = cached_parse(compact, "uv-json", tmp_path / "state", parse)
    two = cached_parse(compact, "uv-json", tmp_path / "state", parse)
    assert len(parses) == 1 and one.builds == two.builds and len(two.builds) > 200
