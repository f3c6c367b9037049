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

from ui_helpers import SIZE, UiWorld, ready, toast_texts, wait_for


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


async def test_the_app_puts_back_an_install_a_killed_reinstall_left_aside(ui_world: UiWorld) -> None:
    # A reinstall without atomic exchange (NFS) killed between its two renames: the old,
    # working install is in `.temp/` and `<root>/<key>` is missing (tests/test_reinstall_
    # killed_mid_swap.py makes it with a real kill).
    from fixtures_root import install
    from pytui.core.install_root import InstallRoot

    root = InstallRoot(ui_world.settings.install_root)
    install(root, ui_world.archives["3.11.11"], ui_world.settings.bin_dir)
    key = ui_world.build("3.11.11").key
    aside = root.temp_dir / f"{key}.swapping-0badf00d"
    os.rename(root.path / key, aside)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: key in app.state.installed_keys, what="the install back")
        assert ui_world.installed_dir("3.11.11").is_dir() and not os.path.lexists(aside)
        said = toast_texts(app)
        assert any(m.startswith(f"restored {key}: a reinstall killed half-way") for m in said), said
