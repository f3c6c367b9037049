"""The disk watch (app/disk_watch.py) sees a shared build's libpython removed inside an install,
as it sees the interpreter removed: `rm ROOT/cpython-3.X…/lib/libpython3.X.so.1.0` changes no
watched directory, and the Installed pane said nothing until `r`, though that install no longer
starts (the loader refuses it; `pytui list` and uv leave it out). One more stat an install."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytui.app import pytui_app
from pytui.app.disk_watch import take_stamp
from test_list_damaged import stand_in_install
from test_list_damaged_libpython import BASE_EXE, SHARED, _origin_runpath
from ui_helpers import UiWorld, ready, wait_for

SIZE = (120, 36)
MM = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture(autouse=True)
def _look_often(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests wait on what the looks find, never on the interval; a short one keeps them quick.
    monkeypatch.setattr(pytui_app, "DISK_WATCH_INTERVAL", 0.05)


def test_a_stamp_changes_with_an_installs_libpython(tmp_path: Path) -> None:
    root = tmp_path / "root"
    free = stand_in_install(root, "cpython-3.13.1+freethreaded-linux-x86_64-gnu")
    (free.path / "lib" / "libpython3.13t.so.1.0").write_bytes(b"")
    plain = stand_in_install(root, "cpython-3.12.8-linux-x86_64-gnu")
    (plain.path / "lib" / "libpython3.12.so.1.0").write_bytes(b"")
    first = take_stamp((root,), installs_in=root)
    assert take_stamp((root,), installs_in=root).dirs == first.dirs
    for library in (free.path / "lib" / "libpython3.13t.so.1.0", plain.path / "lib" / "libpython3.12.so.1.0"):
        library.unlink()
        gone = take_stamp((root,), installs_in=root)
        assert gone.dirs != first.dirs and gone.dirs[0] == first.dirs[0]  # the root did not change
        library.write_bytes(b"")
        first = take_stamp((root,), installs_in=root)
        assert first.dirs != gone.dirs  # back (a new inode)


@pytest.mark.skipif(not SHARED, reason="this interpreter links no libpython from its prefix")
async def test_an_installs_libpython_removed_shows_damaged_without_r(ui_world: UiWorld) -> None:
    """The install's interpreter is this machine's, its RUNPATH made PBS's `$ORIGIN/../lib`, so
    the listing's check (core/install_damage.py) counts its own lib/libpython."""
    from pytui.app.gateway import DAMAGED

    key = f"cpython-{MM}.1-linux-x86_64-gnu"  # not in the catalog: the Installed pane lists it all the same
    install = stand_in_install(ui_world.settings.install_root, key)
    exe = install.path / f"bin/python{MM}"
    exe.write_bytes(BASE_EXE.read_bytes())
    _origin_runpath(exe)
    library = install.path / "lib" / f"libpython{MM}.so.1.0"
    library.write_bytes(b"")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: [(i.key, i.extra.get(DAMAGED)) for i in app.state.installations]
                       == [(key, None)], what="the install listed whole")
        library.unlink()
        await wait_for(pilot, lambda: [i.extra.get(DAMAGED) for i in app.state.installations]
                       == [f"lib/libpython{MM}.so.1.0"], what="the install listed damaged")
        library.write_bytes(b"")
        await wait_for(pilot, lambda: [i.extra.get(DAMAGED) for i in app.state.installations]
                       == [None], what="the install listed whole again")
