"""A kept tree's manifest is decoded whole, so what decoding it may take is bounded before it
is decoded: by its size (MAX_MANIFEST_BYTES), its arrays and objects, and now the values it
holds (MAX_MANIFEST_VALUES, counted by its commas). A value is an object of ~50 bytes where
its JSON may be 5 (`"ab",`): a 64 MiB manifest of them took 1.1 GB and 4.6 s to decode and
refuse (the TUI totals every kept tree's manifest, another user's in a shared cache too)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pytui.core.tree_manifest import MAX_ENTRIES, MAX_MANIFEST_VALUES, manifest_sizes
from pytui.core.tree_store import TreeCorrupt, parse_manifest

# The child's peak from its own address space, less what it held before decoding (its bytes).
_PEAK = """
import sys
def _hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0
from pytui.core.tree_manifest import manifest_sizes
from pytui.core.tree_store import TreeCorrupt
data = open(sys.argv[1], "rb").read()
before = _hwm()
try:
    manifest_sizes(data)
except TreeCorrupt as err:
    print(err)
print(_hwm() - before)
"""


def _flood(values: int) -> bytes:
    return (b'{"version":2,"sha256":"x","archive":"a","key":"k","kind":"","target":[],"path":['
            + b'"ab",' * values + b'"z"]}')


def test_a_manifest_of_short_strings_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(_flood(3_000_000))  # 15 MB
    done = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    line, grown_mb = done.stdout.splitlines()
    assert line == "manifest holds more values than pytui writes", line
    # Decoding it took ~200 MB more than its bytes (3 million strings and their list).
    assert int(grown_mb) < 40, grown_mb


@pytest.mark.parametrize("read", [manifest_sizes, parse_manifest], ids=["sizes", "parse"])
def test_the_bound_is_past_what_pytui_writes(read) -> None:
    with pytest.raises(TreeCorrupt, match="more values than pytui writes"):
        read(_flood(MAX_MANIFEST_VALUES))
    # Within it, the count of entries is what refuses (as before).
    with pytest.raises(TreeCorrupt, match="entries are malformed"):
        read(_flood(MAX_ENTRIES + 1))


class _CountedBytes(bytes):
    """A manifest's bytes that note what they were asked to count."""

    counted: list[bytes]

    def count(self, sub, *args):  # type: ignore[override]
        self.counted.append(sub)
        return super().count(sub, *args)


def test_a_manifest_no_longer_than_the_bound_is_not_counted() -> None:
    # It cannot hold more commas than bytes: counting a kept CPython tree's 299 KB was ~0.8% of
    # an install from the tree. One byte past the bound is counted (and refused above).
    small = _CountedBytes(_flood(10))
    small.counted = []
    assert len(small) <= MAX_MANIFEST_VALUES
    with pytest.raises(TreeCorrupt, match="entries are malformed"):
        parse_manifest(small)  # (its kinds do not match its paths)
    assert b"," not in small.counted
    at_the_bound = _CountedBytes(_flood(10).ljust(MAX_MANIFEST_VALUES + 1))
    at_the_bound.counted = []
    with pytest.raises(TreeCorrupt):
        parse_manifest(at_the_bound)
    assert b"," in at_the_bound.counted
