"""The TUI cleans what killed runs left in the install root's `.temp/`, as a CLI install does.
It never did: a TUI-only user kept every stage a SIGKILL, the OOM killer or a power cut left
(a whole unpacked tree each), and the links an uninstall killed half-way left pointing at
nothing. Now the app cleans `.temp/` once at start, in the background (skipped while uv or
another pytui holds the root's lock; nothing is imported when `.temp/` is empty).

The leftovers are what a killed run leaves: a stage with an unlocked lock file, and the
`.removing-` directory and dangling links of an uninstall killed before its links.
"""

from __future__ import annotations

import os

from ui_helpers import SIZE, UiWorld, ready, wait_for


async def test_the_app_removes_killed_runs_stages_and_finishes_their_uninstalls(ui_world: UiWorld) -> None:
    root = ui_world.settings.install_root
    temp = root / ".temp"
    stage = temp / "pytui-4194305-deadbeef"
    (stage / "python" / "lib").mkdir(parents=True)
    (stage / "python" / "lib" / "big.bin").write_bytes(b"\0" * 4096)
    (temp / "pytui-4194305-deadbeef.lock").write_bytes(b"")
    key = "cpython-3.12.8-linux-x86_64-gnu"
    (temp / f"{key}.removing-0badf00d" / "bin").mkdir(parents=True)
    minor = root / "cpython-3.12-linux-x86_64-gnu"
    minor.symlink_to(root / key)
    bin_dir = ui_world.settings.bin_dir
    bin_dir.mkdir(parents=True, exist_ok=True)
    (bin_dir / "python3.12").symlink_to(minor / "bin" / "python3.12")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: not os.listdir(temp), what=".temp/ cleaned")
        assert not os.path.lexists(minor) and not os.path.lexists(bin_dir / "python3.12")
