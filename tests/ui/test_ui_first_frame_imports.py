"""What the first screen imports: not core.cache_verify (`v`'s, with hashlib: it came in
through the job runner's import of the verify job's summary), a cost a user does not need on
the first screen. (The parsed-catalog cache's stamp no longer imports `json` either:
tests/test_json_codec.py.) In a fresh interpreter, twice (the first run parses the catalog,
the second reads the parsed-catalog cache the first wrote), the app's loading after the first
frame switched off: the check waits on the app's state (rows listed, a frame drawn)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_ui_first_frame_lazy import child

CHILD = child('print("IMPORTED", *[m for m in ("pytui.core.cache_verify",) if m in sys.modules], flush=True)',
              " downloads_json=sys.argv[2],")


def test_the_first_screen_does_not_import_the_cache_check(tmp_path: Path, uv_catalog_path: Path) -> None:
    for run in ("parsed", "cached"):
        done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path), str(uv_catalog_path)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        line = next(line for line in done.stdout.splitlines() if line.startswith("IMPORTED"))
        assert line.split()[1:] == [], (run, line)
