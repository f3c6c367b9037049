"""uv's real catalog for the benchmarks: tests/data's compressed copy, decompressed once."""

from __future__ import annotations

import lzma
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMPRESSED = REPO / "tests" / "data" / "download-metadata.json.xz"


def uv_catalog_path() -> Path:
    """A plain-JSON copy of uv's 5530-build catalog in the temp dir (made on first use)."""
    out = Path(tempfile.gettempdir()) / "pytui-bench-uv-download-metadata.json"
    if not out.is_file():
        partial = out.with_suffix(".part")
        partial.write_bytes(lzma.decompress(COMPRESSED.read_bytes()))
        partial.replace(out)
    return out
