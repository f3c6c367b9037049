"""bench/cache_usage.py runs and its four measures of the cache agree (disk_usage's first and
later calls, the walk, `du -sb`). It reaches into core/tree_sizes' memo to time a first call;
when a979383 moved that memo out of core/tree_store the script stopped at its first measure
with an AttributeError, and nothing ran it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "cache_usage.py"


@pytest.mark.slow
def test_the_cache_usage_bench_runs_and_its_measures_agree(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--trees", "1", "--rounds", "1", "--workdir", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("all agree"), done.stdout
