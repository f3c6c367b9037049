"""Checks of real state and of a caller's arguments that hold under `python -O`, which drops
every `assert`: a scan asked for QUICK_ONLY through `scan` returned None there (its callers
read a result), and a support cycle with no ISO days compared None with a date."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from pytui.core.envs import QUICK_ONLY, scan, scan_for_settings
from pytui.core.support import Cycle, phase_of


def _run_optimised(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-O", "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=60)


def test_scan_refuses_quick_only_under_O(tmp_path):
    run = _run_optimised(f"""
        from pathlib import Path
        from pytui.core.envs import QUICK_ONLY, scan
        try:
            got = scan(Path({str(tmp_path / 'root')!r}), Path({str(tmp_path / 'state')!r}), {{}},
                       roots=[], mode=QUICK_ONLY)
        except ValueError as err:
            print("refused:", err)
        else:
            print("answered:", got)
        """)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("refused:") and "quick_scan" in run.stdout


def test_scan_refuses_quick_only(tmp_path):
    with pytest.raises(ValueError, match="quick_scan"):
        scan(tmp_path / "root", tmp_path / "state", {}, roots=[], mode=QUICK_ONLY)
    with pytest.raises(ValueError, match="quick_scan"):
        scan_for_settings(object(), roots=[], mode=QUICK_ONLY)


def test_phase_of_a_cycle_without_dates_under_O():
    run = _run_optimised("""
        from pytui.core.support import Cycle, phase_of
        try:
            phase_of(Cycle("3.12", "soon", "later", "never"), "2026-01-01")
        except ValueError as err:
            print("refused:", err)
        """)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("refused: 3.12: its dates are not ISO days")


def test_phase_of_a_cycle_without_dates():
    with pytest.raises(ValueError, match="3.12: its dates are not ISO days"):
        phase_of(Cycle("3.12", "soon", "later", "never"), "2026-01-01")
