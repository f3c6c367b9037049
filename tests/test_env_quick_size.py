"""The quick scan's file is written only when its reader would take it: a full scan whose
results exceed the file's bounds (QUICK_MAX_BYTES, the decoding-cost estimate) leaves no quick
file, so the next scan is a full one without a line, where it wrote a file that every later
`pytui envs` refused with a warning (`ignored …/envs-quick.json: larger than 8 MiB`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytui.core import env_quick_state
from pytui.core.env_files import CFG_KEYS, CFG_VALUE_MAX
from pytui.core.env_quick_state import QUICK_FILE
from pytui.core.envs import FULL, QUICK
from test_env_quick_hostile import _run


def test_a_full_scan_past_the_quick_files_size_bound_leaves_no_file_to_refuse(
        tmp_path: Path) -> None:
    """Venvs whose pyvenv.cfg gives each key pytui keeps a value of CFG_VALUE_MAX characters
    (~20 KB of readings a venv): a few hundred pass 8 MiB."""
    root = tmp_path / "code"
    home = "/" + "h" * (CFG_VALUE_MAX - 1)
    text = "".join(f"{key} = {home}\n" for key in CFG_KEYS)
    count = env_quick_state.QUICK_MAX_BYTES // (len(CFG_KEYS) * CFG_VALUE_MAX) + 16
    for n in range(count):
        venv = root / f"p{n:04d}" / ".venv"
        venv.mkdir(parents=True)
        (venv / "pyvenv.cfg").write_text(text)

    first = _run(tmp_path, root, FULL)
    assert len(first.environments) == count and not first.warnings
    path = tmp_path / "state" / QUICK_FILE
    assert not path.exists()
    again = _run(tmp_path, root, QUICK)
    assert len(again.environments) == count and again.warnings == [] and not again.quick


def test_a_state_costlier_to_decode_than_its_reader_takes_is_not_written(tmp_path: Path) -> None:
    """50,000 venvs and 50,000 tool environments (each within its bound) of one-letter paths,
    small identities and no reading: ~2 MB that the reader's estimate refuses."""
    from pytui.core.env_quick_state import (
        QuickFileRefused,
        QuickRoot,
        QuickState,
        read_quick,
        save_quick,
    )

    known = env_quick_state.MAX_KNOWN
    state = QuickState(1_700_000_000.0, 1, "/i", 6, "",
                       roots={"/r": QuickRoot(2, {}, {f"{n:x}": ((1, 1, 1, 1), None)
                                                      for n in range(known)})})
    state.tools = {f"/{n:x}": ((1, 1, 1, 1), None) for n in range(known)}
    path = tmp_path / QUICK_FILE
    path.write_bytes(env_quick_state.encode_quick(state))
    with pytest.raises(QuickFileRefused, match="more values for its size"):
        read_quick(path)

    save_quick(path, state)

    assert not path.exists()
