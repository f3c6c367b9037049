"""The Installed pane's sizes follow what happens to an install after its first measurement
(app/size_watch.py): a `pip install` into it is seen by the disk watch and measured again
without `r`; `r` measures every install again (a file grown in place changes no directory);
no install is measured twice at once, and only the newest measurement of an install is shown."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator

import pytest
from pytui.app import pytui_app
from pytui.core.root_tree import Footprint
from ui_helpers import UiWorld, ready, wait_for

SIZE = (120, 36)
GROWN = 3_000_000


@pytest.fixture(autouse=True)
def _look_often(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests wait on what the looks find, never on the interval; a short one keeps them quick.
    monkeypatch.setattr(pytui_app, "DISK_WATCH_INTERVAL", 0.05)


def _install(world: UiWorld, version: str = "3.13.1"):
    from test_list_damaged import stand_in_install

    return stand_in_install(world.settings.install_root, world.build(version).key)


@contextlib.asynccontextmanager
async def _measured(world: UiWorld) -> AsyncIterator[tuple]:
    """The app running with one install listed and its size measured once: the app, its pilot,
    the install and that first size."""
    install = _install(world)
    app = world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: install.key in app.state.sizes, what="the first measurement")
        yield app, pilot, install, app.state.sizes[install.key]


async def test_a_pip_install_into_an_install_is_measured_again_without_r(ui_world: UiWorld) -> None:
    async with _measured(ui_world) as (app, pilot, install, first):
        key = install.key
        # What `pip install` does: a package and its dist-info in site-packages, a script in bin/.
        site = install.path / "lib" / "python3.13" / "site-packages"
        (site / "big").mkdir(parents=True)
        (site / "big" / "data.bin").write_bytes(b"\0" * GROWN)
        (install.path / "bin" / "big").write_text("#!/bin/sh\n")
        await wait_for(pilot, lambda: app.state.sizes.get(key, 0) >= first + GROWN,
                       what="the install measured again")
        # And `pip uninstall`: measured again, smaller.
        (site / "big" / "data.bin").unlink()
        (site / "big").rmdir()
        await wait_for(pilot, lambda: app.state.sizes.get(key, 0) < first + GROWN,
                       what="the install measured again after the package went")


async def test_r_measures_every_install_again(ui_world: UiWorld) -> None:
    async with _measured(ui_world) as (app, pilot, install, first):
        key = install.key
        # A file grown in place changes no directory the watch stamps.
        with open(install.path / "bin" / "python3.13", "ab") as grown:
            grown.write(b"\0" * GROWN)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.state.sizes.get(key, 0) >= first + GROWN,
                       what="the install measured again after r")


async def test_an_install_is_measured_once_at_a_time_and_the_newest_result_is_shown(
        ui_world: UiWorld) -> None:
    install = _install(ui_world)
    key = install.key
    app = ui_world.make_app()
    gateway = app.runner.gateway
    measure = gateway.footprint
    lock = threading.Lock()
    running: dict[str, int] = {}
    most: list[int] = [0]
    calls: list[int] = [0]
    held = threading.Event()
    release = threading.Event()

    def footprint(path):
        with lock:
            running[path.name] = running.get(path.name, 0) + 1
            most[0] = max(most[0], running[path.name])
            calls[0] += 1
            call = calls[0]
        try:
            if call == 2:  # the second measurement (after the first change) waits
                held.set()
                assert release.wait(30)
                return Footprint(1, 1)  # what the install held then: no longer the newest
            return measure(path)
        finally:
            with lock:
                running[path.name] -= 1

    gateway.footprint = footprint
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: key in app.state.sizes, what="the first measurement")
        site = install.path / "lib" / "python3.13" / "site-packages"
        site.mkdir()
        await wait_for(pilot, held.is_set, what="the second measurement under way")
        (site / "data.bin").write_bytes(b"\0" * GROWN)
        (site / "more").mkdir()
        # Listings land meanwhile (the watch sees the change) and ask for the install again.
        asked = app.size_watch._newest[key]
        await wait_for(pilot, lambda: app.size_watch._newest[key] > asked,
                       what="the install asked for again while measured")
        assert calls[0] == 2  # it waits for the measurement under way
        release.set()
        await wait_for(pilot, lambda: app.state.sizes.get(key, 0) >= GROWN,
                       what="the newest measurement shown")
        assert app.state.sizes[key] != 1  # the older result was dropped, never shown over it
        assert most[0] == 1
