"""The files pytui rewrites in its state dir, found as symbolic links (to /dev/zero, to a file
outside, to themselves): `pytui envs` replaces the link with a file of its own, of mode 0o644,
and leaves what the link named as it was. (The new file took the mode of what the link named:
/dev/zero's 0o666 made the environment scan world-writable; a loop failed the write.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_harness import Pytui

SCAN_FILES = ("envs-scan.bin", "envs-quick.json")


@pytest.mark.parametrize("pointed", ["/dev/zero", "outside", "itself"])
def test_envs_replaces_a_state_file_link_with_a_private_mode_file(pytui: Pytui, tmp_path: Path,
                                                                  pointed: str) -> None:
    state = tmp_path / "state"
    state.mkdir()
    outside = tmp_path / "outside"
    outside.write_bytes(b"not pytui's")
    outside.chmod(0o666)
    targets = {"/dev/zero": Path("/dev/zero"), "outside": outside}
    for name in SCAN_FILES:
        link = state / name
        link.symlink_to(targets.get(pointed, link))
    seen = {path: (st.st_mode, st.st_ino, st.st_mtime_ns) for path in targets.values()
            for st in [os.stat(path)]}

    result = pytui.run("envs", PYTUI_STATE_DIR=str(state))

    assert result.returncode == 0 and "Traceback" not in result.stderr, str(result)
    for name in SCAN_FILES:
        written = state / name
        assert not written.is_symlink(), name
        assert written.stat().st_mode & 0o7777 == 0o644, (name, oct(written.stat().st_mode))
    assert outside.read_bytes() == b"not pytui's"
    assert {path: (st.st_mode, st.st_ino, st.st_mtime_ns) for path in targets.values()
            for st in [os.stat(path)]} == seen
