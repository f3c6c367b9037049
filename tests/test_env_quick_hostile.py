"""The quick scan's results file (`envs-quick.json`) read back after a bit flipped on disk.

It keeps each known venv's pyvenv.cfg reading (its `home`, ...) and reuses it while the file's
identity is unchanged: a flipped bit inside a reading keeps the JSON and every type valid, and
the quick scan would say a broken environment is fine (or the reverse). Any single flipped bit
must be a refusal (one line), and the scan then checks the whole tree.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from envs_helpers import settle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytui.core.env_quick_state import QUICK_FILE
from pytui.core.envs import FULL, QUICK, scan
from pytui.core.sealed import seal, unseal


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


def _set_home(value: str) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        doc["roots"][0]["venvs"][0][2]["home"] = value
    return change


# Forged files (their CRC line made again) that JSON and every type check accepted: a lone
# surrogate no file name decodes to, where `os` raised UnicodeEncodeError mid-scan (`pytui envs`
# was a traceback), and a pin's directory that is a list (unhashable: a TypeError).
FORGED: dict[str, Callable[[dict], None]] = {
    "a venv's home with a lone surrogate": _set_home("/\ud800"),
    "a watched directory with a lone surrogate": lambda doc: doc["roots"][0]["watched"].append(
        ["\ud800", 1, 1, 1, 0, []]),
    "a watched subdirectory name with a lone surrogate": lambda doc: doc["roots"][0]["watched"][0][5].append(
        "\ud800"),
    "a pin text with a lone surrogate": lambda doc: doc["roots"][0]["pins"].append(
        ["", [1, 2, 3, 4], "3.12\ud800"]),
    "a pin whose directory is a list": lambda doc: doc["roots"][0]["pins"].append([[], [1, 2, 3, 4], "3.12"]),
}


@pytest.mark.parametrize("change", FORGED.values(), ids=FORGED.keys())
def test_a_forged_file_with_what_no_file_name_holds_is_refused(tmp_path: Path,
                                                               change: Callable[[dict], None]) -> None:
    root, venv = _project(tmp_path)
    path = tmp_path / "state" / QUICK_FILE
    body = unseal(path.read_bytes())
    assert body is not None
    doc = json.loads(body)
    change(doc)
    path.write_bytes(seal(json.dumps(doc).encode()))
    again = _run(tmp_path, root)
    assert _found(again) == {str(venv): "broken"}
    assert not again.quick and len(again.warnings) == 1 and "\n" not in again.warnings[0]
