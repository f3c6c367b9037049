"""What uv leaves in a shared cache dir while it downloads, as docs/uv-compat.md says it and
pytui relies on it (the real uv, against the loopback server trickling its archive):
`<cache>/.tmpXXXXXX/download`, a name that says no build, under no lock but the root's; a uv
killed mid-download leaves it behind. pytui's listing has no row for it (no `↓`: which build it
is cannot be told), and its bytes count in the cache total. If a uv release starts naming its
download by the archive, this test says so and the Cached pane can show it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_harness import Pytui
from pytui.core.cache import ArchiveCache

UV = Path(sys.executable).parent / "uv"
pytestmark = [pytest.mark.uv,
              pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {sys.executable}")]
BOUND = 60.0  # seconds uv may take to start writing on a busy machine


def _downloads(cache: Path) -> list[Path]:
    return sorted(p for p in cache.glob(".*/*") if p.is_file())


def test_uvs_download_in_progress_names_no_build_and_pytui_lists_no_row(pytui: Pytui) -> None:
    made = pytui.add("3.11.9", payload=True, faults={"rate": 100_000})
    pytui.cache.mkdir(parents=True, exist_ok=True)
    uv = subprocess.Popen([str(UV), "python", "install", "3.11.9"],
                          env=pytui.env(UV_NO_CONFIG="1", UV_CACHE_DIR=str(pytui.tmp / "uv-cache"),
                                        UV_NO_PROGRESS="1"),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=pytui.tmp)
    try:
        deadline = time.monotonic() + BOUND
        # Bytes written, not only the file made: what a look of the disk would find.
        while not any(p.stat().st_size for p in _downloads(pytui.cache)) \
                and uv.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        [download] = _downloads(pytui.cache)
        assert download.name == "download" and download.parent.name.startswith(".tmp")
        assert made.build.cache_filename not in {p.name for p in pytui.cache.iterdir()}
        cache = ArchiveCache(pytui.cache)
        assert cache.list() == []
        assert cache.disk_usage() >= download.stat().st_size > 0
    finally:
        uv.kill()  # killed mid-download, as a terminal closed under it
        uv.wait()
    # What a killed uv leaves: the same directory, for good; still no row.
    assert _downloads(pytui.cache) == [download]
    assert ArchiveCache(pytui.cache).list() == []
