"""A catalog's memory is bounded by its size only if its JSON cannot blow up when decoded: an
empty array `[]` is 3 bytes of JSON and ~64 bytes as a Python list, so a 42 MB catalog of them
(one entry holding 15 million) took 1.2 GB to decode (256 MiB, the size bound, ~7 GB); the
stream that decodes large catalogs entry by entry decodes one entry whole. A uv catalog holds
two objects an entry (the entry and its `arch`) and no arrays: one holding more arrays and
objects than one per 64 bytes is refused, in one line, before anything is decoded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pytui.core.catalog import parse_catalog
from pytui.core.errors import CatalogError
from test_catalog import entry, uv_json

# The child's peak from its own address space (VmHWM begins again at exec; ru_maxrss keeps the
# forked test process's, which builds the flood).
_HWM = """
def _peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0
"""

_PEAK = _HWM + """
import sys
from pytui.core.catalog import parse_catalog
from pytui.core.errors import CatalogError
data = open(sys.argv[1], "rb").read()
try:
    parse_catalog(data, sys.argv[1])
except CatalogError as err:
    print(err)
print(_peak_mb())
"""


@pytest.mark.parametrize("flood", ["[]", "{}", "[[]]"])
def test_a_catalog_of_containers_is_refused_without_decoding_it(tmp_path: Path, flood: str) -> None:
    path = tmp_path / "flood.json"
    count = 24_000_000 // (len(flood) + 1)  # ~24 MB: past the size from which entries are streamed
    path.write_text('{"x": [' + ",".join([flood] * count) + "]}")

    done = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stderr
    line, peak_mb = done.stdout.splitlines()
    assert "holds more JSON arrays and objects than a uv catalog of its size could" in line, line
    assert str(path) in line
    # Its bytes read whole (24 MB) and the interpreter: nowhere near the ~700 MB of decoding it.
    assert int(peak_mb) < 200, peak_mb


def test_real_catalogs_and_their_entries_pass(uv_catalog_path: Path) -> None:
    parsed = parse_catalog(uv_catalog_path.read_bytes(), "uv")
    assert len(parsed.builds) > 5000
    small = uv_json(entry())
    assert parse_catalog(small, "one").builds


def test_a_document_past_a_mebibyte_of_containers_is_refused_and_a_smaller_one_decoded() -> None:
    with pytest.raises(CatalogError, match="holds more JSON arrays and objects"):
        parse_catalog(b'{"x": [' + b"[]," * 400_000 + b"[]]}", "flood.json")
    assert parse_catalog(b'{"x": [' + b"[]," * 300_000 + b"[]]}", "small.json").invalid == 1


@pytest.mark.parametrize("size", [2_000_000, 24_000_000])  # decoded whole, and streamed
def test_a_catalog_of_floats_is_refused_in_one_line(size: int) -> None:
    """`1e5,` is 4 bytes of JSON and 32 as a Python float (a 256 MiB catalog of them ~2 GB);
    uv's catalog holds no float at all."""
    data = b'{"x": [' + b",".join([b"1e5"] * (size // 4)) + b"]}"
    with pytest.raises(CatalogError, match="holds more than 100,000 numbers with a fraction or an exponent"):
        parse_catalog(data, "floats.json")


def test_a_few_floats_are_still_read_as_wrong_types() -> None:
    parsed = parse_catalog(uv_json(entry(major=3.0)), "one")
    assert parsed.invalid == 1 and "major" in parsed.problem


_MANIFEST_PEAK = _HWM + """
import sys
from pathlib import Path
from pytui.core.tree_store import TreeStore
store = TreeStore(Path(sys.argv[1]))
print([info.files for info in store.list()], store.sizes())
print(_peak_mb())
"""


def test_a_manifest_of_containers_is_no_tree_and_costs_its_bytes_only(tmp_path: Path) -> None:
    """A tree's manifest is read back from the cache (another user's too, in a shared one: the
    cache total and `cache list` read every manifest): 40 MB of `[]` took ~1 GB to decode."""
    from pytui.core.tree_manifest import parse_manifest
    from pytui.core.tree_store import MANIFEST_NAME, TreeCorrupt

    top = tmp_path / "cache" / "trees" / ("ab" * 32)
    (top / "tree").mkdir(parents=True)
    flood = b'{"version": 2, "x": [' + b"[]," * 13_000_000 + b"[]]}"
    (top / MANIFEST_NAME).write_bytes(flood)

    done = subprocess.run([sys.executable, "-c", _MANIFEST_PEAK, str(tmp_path / "cache")],
                          capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stderr
    listed, peak_mb = done.stdout.splitlines()
    assert listed == "[0] {}", listed  # listed as a tree whose manifest does not read; no sizes
    assert int(peak_mb) < 200, peak_mb
    with pytest.raises(TreeCorrupt, match="more JSON arrays and objects than pytui writes"):
        parse_manifest(flood)
    with pytest.raises(TreeCorrupt, match="numbers pytui never writes"):
        parse_manifest(b'{"version": 2, "x": [' + b",".join([b"1e5"] * 200_000) + b"]}")


def test_a_large_catalog_cut_short_at_its_end_costs_about_its_bytes(tmp_path: Path) -> None:
    """A catalog of 16 MiB or more that does not stream (here: bytes after its object) was
    decoded whole for `json.loads`'s error line, every object of it built: a 60 MB one held
    400 MB, 256 MiB ~1.8 GB, on every run. Its objects are now dropped as they are decoded."""
    one = json.dumps(entry(os="plan9", url="https://x/" + "a" * 40 + ".tar.gz"), separators=(",", ":"))
    count = 24_000_000 // (len(one) + 8)
    path = tmp_path / "cut.json"
    path.write_text("{" + ",".join(f'"{i:x}":{one}' for i in range(count)) + "} x")

    done = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stderr
    line, peak_mb = done.stdout.splitlines()
    assert line == (f"catalog {path} is not valid JSON (Extra data: line 1 column {path.stat().st_size} "
                    f"(char {path.stat().st_size - 1})); point --downloads-json at a uv download-metadata.json")
    # Its bytes (24 MB), a window of their text, the names decoded and the interpreter: the
    # whole document's objects were ~160 MB more.
    assert int(peak_mb) < 120, peak_mb
