"""The quick scan's results file (`envs-quick.json`) read back after a bit flipped on disk.

It keeps each known venv's pyvenv.cfg reading (its `home`, ...) and reuses it while the file's
identity is unchanged: a flipped bit inside a reading keeps the JSON and every type valid, and
the quick scan would say a broken environment is fine (or the reverse). Any single flipped bit
must be a refusal (one line), and the scan then checks the whole tree.
"""

from __future__ import annotations

import os
from pathlib import Path

from envs_helpers import settle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytui.core.env_quick_state import QUICK_FILE
from pytui.core.envs import FULL, QUICK, scan


def _run(tmp_path: Path, root: Path, mode: str = QUICK):
    return scan(tmp_path / "install", tmp_path / "state", os.environ, roots=[root], installed=[],
                mode=mode)


def _found(result) -> dict[str, str]:
    return {str(e.path): e.status for e in result.environments}


def _project(tmp_path: Path) -> tuple[Path, Path]:
    """A venv whose interpreter dir `binB` is missing (broken) beside one, `binA`, that has a
    python3: the two names differ by one bit."""
    root = tmp_path / "code"
    venv = root / "proj" / ".venv"
    venv.mkdir(parents=True)
    (tmp_path / "binA").mkdir()
    (tmp_path / "binA" / "python3").write_text("#!/bin/sh\n")
    (venv / "pyvenv.cfg").write_text(f"home = {tmp_path / 'binB'}\n")
    settle()
    assert _found(_run(tmp_path, root, FULL)) == {str(venv): "broken"}
    return root, venv


def test_a_flipped_bit_in_a_kept_reading_does_not_make_a_broken_venv_ok(tmp_path: Path) -> None:
    root, venv = _project(tmp_path)
    path = tmp_path / "state" / QUICK_FILE
    data = path.read_bytes()
    at = data.index(b"binB") + 3
    flipped = bytearray(data)
    flipped[at] ^= ord("A") ^ ord("B")  # one bit
    path.write_bytes(bytes(flipped))
    again = _run(tmp_path, root)
    assert _found(again) == {str(venv): "broken"}
    assert not again.quick and len(again.warnings) == 1  # refused in one line, the tree checked


def test_any_single_bit_flipped_is_refused_or_harmless(tmp_path: Path) -> None:
    root, venv = _project(tmp_path)
    path = tmp_path / "state" / QUICK_FILE
    good = path.read_bytes()

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
    def flip(position: int, bit: int) -> None:
        flipped = bytearray(good)
        flipped[position % len(good)] ^= 1 << bit
        path.write_bytes(bytes(flipped))
        result = _run(tmp_path, root)
        assert _found(result) == {str(venv): "broken"}
        assert all("\n" not in warning for warning in result.warnings)
        path.write_bytes(good)

    flip()
