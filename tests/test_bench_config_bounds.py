"""bench/config_bounds.py (config40) runs: at each of core/uv_config_file.py's size bounds it
writes a file of each shape exactly that size and tomllib parses every one (the figures beside
the bounds in the code and in docs/uv-compat.md come from it; that pytui reads a file at the
bound and refuses a byte more is test_uv_config_hostile.py's)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytui.core.uv_config_file import MAX_CONFIG_BYTES, MAX_PYPROJECT_BYTES

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "config_bounds.py"
SHAPES = ("real", "index", "headers", "arrays")


def test_the_config_bounds_bench_writes_each_shape_at_each_bound(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--rounds", "1", "--keep", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if "tomllib.loads CPU" in line]
    assert len(lines) == 2 * len(SHAPES), done.stdout
    for name, limit in (("uv.toml", MAX_CONFIG_BYTES), ("pyproject.toml", MAX_PYPROJECT_BYTES)):
        for shape in SHAPES:
            assert (tmp_path / f"{name}-{shape}.toml").stat().st_size == limit, (name, shape)
    assert done.stdout.startswith("load ") and done.stdout.rstrip().endswith("after"), done.stdout
