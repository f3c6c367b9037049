"""The panes follow changes other processes make to the cache and the install root, without `r`
(app/disk_watch.py): a file copied into the cache, real uv installing and uninstalling, and
nothing listed again while nothing changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytui.app import pytui_app
from pytui.app.background import DISK, ENVS
from pytui.app.disk_watch import DiskStamp, DiskWatch, take_stamp, watched_dirs
from ui_helpers import UiWorld, open_purge_rules, ready, wait_for

UV = Path(sys.executable).parent / "uv"
SIZE = (120, 36)


@pytest.fixture(autouse=True)
def _look_often(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests wait on what the looks find, never on the interval; a short one keeps them quick.
    monkeypatch.setattr(pytui_app, "DISK_WATCH_INTERVAL", 0.05)


def _count_looks(app) -> list[int]:
    """Counts the looks the app has judged (one list item, incremented)."""
    looks = [0]
    judge = app.disk_watch.wants_listing

    def counted(stamp: DiskStamp) -> bool:
        looks[0] += 1
        return judge(stamp)

    app.disk_watch.wants_listing = counted
    return looks


async def _lists_nothing_once_settled(pilot, app) -> None:
    """After three looks (a listing whose directories changed in its own clock tick is taken
    once more), ten more looks list nothing: the stamps agree."""
    looks = _count_looks(app)
    await wait_for(pilot, lambda: looks[0] >= 3, what="three looks")
    generation = app.runner._generation.get(DISK, 0)
    seen = looks[0]
    await wait_for(pilot, lambda: looks[0] >= seen + 10, what="ten more looks")
    assert app.runner._generation.get(DISK, 0) == generation


async def test_a_file_copied_into_the_cache_and_removed_shows_without_r(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.state.environments is not None and not app.state.envs_scanning,
                       what="the first environment scan")
        scans = app.runner._generation.get(ENVS, 0)
        assert app.state.archives == []
        path = ui_world.seed_cache("3.13.1")
        await wait_for(pilot, lambda: [a.path for a in app.state.archives] == [path],
                       what="the archive copied in from outside listed")
        path.unlink()
        await wait_for(pilot, lambda: app.state.archives == [], what="the removed archive gone")
        # The installs did not change: no environment scan (it walks the home dir).
        assert app.runner._generation.get(ENVS, 0) == scans


async def test_nothing_is_listed_again_while_nothing_changes(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _lists_nothing_once_settled(pilot, app)


@pytest.mark.uv
async def test_uv_installing_and_uninstalling_shows_in_installed(ui_world: UiWorld, tmp_path) -> None:
    if not UV.exists():
        pytest.skip(f"uv is not installed beside {sys.executable}")
    env = ui_world.uv_env(tmp_path)
    key = ui_world.build("3.13.1").key
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.state.installations == []
        await wait_for(pilot, lambda: app.state.environments is not None and not app.state.envs_scanning,
                       what="the first environment scan")
        scans = app.runner._generation.get(ENVS, 0)
        done = subprocess.run([str(UV), "python", "install", key], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        await wait_for(pilot, lambda: [i.key for i in app.state.installations] == [key],
                       what="uv's install listed")
        # The installs changed: the environments are scanned again (Used by).
        await wait_for(pilot, lambda: app.runner._generation.get(ENVS, 0) > scans,
                       what="an environment scan")
        done = subprocess.run([str(UV), "python", "uninstall", key], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        await wait_for(pilot, lambda: app.state.installations == [], what="uv's uninstall listed")


def test_a_stamp_changes_with_what_the_panes_show(tmp_path) -> None:
    root, cache = tmp_path / "root", tmp_path / "cache"
    root.mkdir()
    dirs = (root, cache, cache / "trees")
    watch = DiskWatch()
    first = take_stamp(dirs)
    assert first.dirs[1] is None  # a missing cache dir is a stamp too
    assert not watch.wants_listing(first)  # nothing listed yet: the first listing is under way
    watch.listed(DiskStamp(first.dirs, racy=False))
    assert not watch.wants_listing(take_stamp(dirs))
    cache.mkdir()
    assert watch.wants_listing(take_stamp(dirs))  # the cache dir appeared
    watch.listed(DiskStamp(take_stamp(dirs).dirs, racy=False))
    (root / "cpython-3.13.1-linux-x86_64-gnu").mkdir()  # an install: a link count and a time
    assert watch.wants_listing(take_stamp(dirs))
    watch.listed(DiskStamp(take_stamp(dirs).dirs, racy=False))
    shutil.rmtree(root / "cpython-3.13.1-linux-x86_64-gnu")
    assert watch.wants_listing(take_stamp(dirs))


def test_a_racy_stamp_is_listed_once_more_then_trusted(tmp_path) -> None:
    dirs = (tmp_path,)
    soon = time.time_ns() + 10**9  # a time the stamp cannot be older than: racy however slow
    os.utime(tmp_path, ns=(soon, soon))
    stamp = take_stamp(dirs)
    assert stamp.racy
    watch = DiskWatch()
    watch.listed(stamp)
    assert watch.wants_listing(DiskStamp(stamp.dirs, racy=False))
    assert not watch.wants_listing(DiskStamp(stamp.dirs, racy=False))
    # The once-more listing lands with a stamp of the same times, racy again (a time ahead of
    # the clock): they were settled, nothing more is listed.
    watch.listed(stamp)
    assert not watch.wants_listing(DiskStamp(stamp.dirs, racy=False))


async def test_an_install_job_beside_the_watch_ends_as_it_would_alone(ui_world: UiWorld) -> None:
    """The job writes into the watched cache and root while it runs: the looks may list the
    disk meanwhile, and the job still ends done with its build installed and cached."""
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        looks = _count_looks(app)
        key = ui_world.build("3.13.1").key
        app.runner.start_install(ui_world.build("3.13.1"))
        await wait_for(pilot, lambda: any(j.phase == "done" for j in app.state.jobs.values()),
                       what="the install done")
        await wait_for(pilot, lambda: key in app.state.installed_keys
                       and any(a.build is not None and a.build.key == key for a in app.state.archives),
                       what="installed and cached")
        seen = looks[0]
        await wait_for(pilot, lambda: looks[0] >= seen + 3, what="three more looks")
        assert key in app.state.installed_keys


async def test_a_directory_dated_in_the_future_is_not_listed_at_every_look(ui_world: UiWorld) -> None:
    """A root whose time is ahead of the clock (a skewed network filesystem, `touch -d`, an
    archive's dates) makes every stamp of it look racy: it is listed once more, then trusted,
    not listed again every look while nothing changes."""
    root = ui_world.settings.install_root
    root.mkdir(parents=True, exist_ok=True)
    ahead = time.time_ns() + 3600 * 10**9
    os.utime(root, ns=(ahead, ahead))
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _lists_nothing_once_settled(pilot, app)


async def test_the_purge_preview_follows_an_archive_removed_by_another_process(ui_world: UiWorld) -> None:
    """P open on 'All' while another shell empties the cache (`pytui cache purge --all`): the
    preview is worked out again from the new listing, not left saying the archive would go."""

    path = ui_world.seed_cache("3.13.1")
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        modal = await open_purge_rules(pilot)
        modal._preview("all")
        await wait_for(pilot, lambda: "1 archive would go" in str(modal.query_one("#purge-total").render()),
                       what="the archive in the preview")
        path.unlink()
        await wait_for(pilot, lambda: app.state.archives == [], what="the removed archive gone")
        await wait_for(pilot, lambda: "Nothing to purge" in str(modal.query_one("#purge-total").render()),
                       what="the preview worked out again")


async def test_a_root_that_cannot_be_listed_is_said_once_not_at_every_look(ui_world: UiWorld,
                                                                            monkeypatch) -> None:
    """The root turned unreadable (chmod 000 for another user) while something keeps changing
    it: the failed listing is said once, and the looks neither list it again while it stays as
    it was nor repeat the same line at every change."""
    root = ui_world.settings.install_root
    root.mkdir(parents=True, exist_ok=True)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        looks = _count_looks(app)

        def unreadable(settings):
            raise PermissionError(13, "Permission denied", str(root))

        monkeypatch.setattr(app.runner.gateway, "list_installed", unreadable)
        app.clear_notifications()
        (root / "changed-1").mkdir()
        await wait_for(pilot, lambda: any("Permission denied" in n.message for n in app._notifications),
                       what="the failed listing said")
        # Its stamp is as recent as the change: listed once more (app/disk_watch.py), then quiet.
        seen = looks[0]
        await wait_for(pilot, lambda: looks[0] >= seen + 3, what="three more looks")
        generation = app.runner._generation.get(DISK, 0)
        seen = looks[0]
        await wait_for(pilot, lambda: looks[0] >= seen + 5, what="five more looks")
        assert app.runner._generation.get(DISK, 0) == generation  # nothing changed since
        (root / "changed-2").mkdir()
        now = take_stamp(watched_dirs(ui_world.settings)).dirs
        await wait_for(pilot, lambda: app.disk_watch.shown is not None
                       and app.disk_watch.shown.dirs == now, what="the change's listing landed")
        seen = looks[0]
        await wait_for(pilot, lambda: looks[0] >= seen + 3, what="three more looks")
        said = [n for n in app._notifications if "Permission denied" in n.message]
        assert len(said) == 1, [n.message for n in said]


async def test_a_listing_slower_than_a_look_is_not_replaced_by_the_next_look(ui_world: UiWorld,
                                                                             monkeypatch) -> None:
    """A cache dir that takes longer to list than the interval (a huge or hostile one, a slow
    network filesystem): each look started a new listing that superseded the one under way, so
    none ever landed and the threads piled up. Looks now wait for the listing under way."""
    import threading

    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        looks = [0]  # stamps taken (the app judges none while the listing runs)
        watch = app.runner._watch_disk

        def counted_watch(*args) -> None:
            watch(*args)
            looks[0] += 1

        app.runner._watch_disk = counted_watch
        release = threading.Event()
        started: list[int] = []
        scan_cache = app.runner.gateway.scan_cache

        def slow_scan_cache(settings, catalog):
            started.append(1)
            release.wait(30)
            return scan_cache(settings, catalog)

        monkeypatch.setattr(app.runner.gateway, "scan_cache", slow_scan_cache)
        path = ui_world.seed_cache("3.13.1")
        await wait_for(pilot, lambda: started, what="a listing started")
        seen = looks[0]
        await wait_for(pilot, lambda: looks[0] >= seen + 5, what="five more looks")
        assert len(started) == 1
        release.set()
        await wait_for(pilot, lambda: [a.path for a in app.state.archives] == [path],
                       what="the slow listing landed")


def test_a_cache_dir_swapped_for_a_symlink_to_it_and_back_changes_the_stamp(tmp_path) -> None:
    # `mv C C.bak; ln -s C.bak C`, then `rm C; mv C.bak C`: what the name leads to is the same
    # directory each time (inode, links, time), so only the name's own inode tells.
    cache = tmp_path / "cache"
    cache.mkdir()
    dirs = (cache,)
    watch = DiskWatch()
    watch.listed(DiskStamp(take_stamp(dirs).dirs, racy=False))
    cache.rename(tmp_path / "cache.bak")
    cache.symlink_to(tmp_path / "cache.bak")
    linked = take_stamp(dirs)
    assert watch.wants_listing(linked)
    watch.listed(DiskStamp(linked.dirs, racy=False))
    cache.unlink()
    (tmp_path / "cache.bak").rename(cache)
    assert watch.wants_listing(take_stamp(dirs))


async def test_a_bin_link_removed_by_hand_shows_without_r(ui_world: UiWorld) -> None:
    """`rm ~/.local/bin/python3.13` while pytui runs: the install's Details said nothing of it
    until `r` (the bin dir was not watched). It is: Details names the missing link within a
    look, and the listing it took scans no environments (the installs did not change)."""
    from pytui.app.gateway import UNLINKED
    from pytui.core.jobs import InstallJob

    build = ui_world.build("3.13.1")
    ui_world.seed_cache("3.13.1")
    InstallJob(build, settings=ui_world.settings).run()
    link = Path(ui_world.settings.bin_dir) / "python3.13"
    assert link.is_symlink()
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: [i.key for i in app.state.installations] == [build.key],
                       what="the install listed")
        await wait_for(pilot, lambda: app.state.environments is not None and not app.state.envs_scanning,
                       what="the first environment scan")
        assert not app.state.installations[0].extra.get(UNLINKED)
        scans = app.runner._generation.get(ENVS, 0)
        link.unlink()
        await wait_for(pilot, lambda: app.state.installations[0].extra.get(UNLINKED) == "python3.13",
                       what="the removed link seen")
        await pilot.press("tab", "tab")  # Available -> Cached -> Installed
        await pilot.pause()
        details = app.query_one("#details").details
        assert details is not None and any(label == "bin" and value.startswith("no python3.13 in ")
                                           for label, value in details.fields), details
        assert app.runner._generation.get(ENVS, 0) == scans


async def test_an_installs_interpreter_removed_shows_damaged_without_r(ui_world: UiWorld) -> None:
    # `rm .../bin/python3.13` inside an install changes neither the root nor the bin dir: the
    # Installed pane said nothing until `r`. Each look stats each install's interpreter too.
    from pytui.app.gateway import DAMAGED
    from test_list_damaged import stand_in_install

    key = ui_world.build("3.13.1").key
    install = stand_in_install(ui_world.settings.install_root, key)
    app = ui_world.make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: [(i.key, i.extra.get(DAMAGED)) for i in app.state.installations]
                       == [(key, None)], what="the install listed whole")
        (install.path / "bin" / "python3.13").unlink()
        await wait_for(pilot, lambda: [i.extra.get(DAMAGED) for i in app.state.installations]
                       == ["bin/python3.13"], what="the install listed damaged")
        (install.path / "bin" / "python3.13").write_text("")
        await wait_for(pilot, lambda: [i.extra.get(DAMAGED) for i in app.state.installations]
                       == [None], what="the install listed whole again")


def test_a_stamp_changes_with_an_installs_interpreter(tmp_path) -> None:
    from test_list_damaged import stand_in_install

    root = tmp_path / "root"
    install = stand_in_install(root, "cpython-3.13.1+freethreaded-linux-x86_64-gnu")
    stand_in_install(root, "cpython-3.12.8-linux-x86_64-gnu")
    (root / "cpython-3.12-linux-x86_64-gnu").symlink_to("cpython-3.12.8-linux-x86_64-gnu")
    first = take_stamp((root,), installs_in=root)
    assert take_stamp((root,), installs_in=root).dirs == first.dirs
    (install.path / "bin" / "python3.13t").unlink()
    gone = take_stamp((root,), installs_in=root)
    assert gone.dirs != first.dirs
    assert gone.dirs[0] == first.dirs[0]  # the root itself did not change: only the interpreter
    (install.path / "bin" / "python3.13t").symlink_to("nowhere")  # a link to nothing: gone too
    assert take_stamp((root,), installs_in=root).dirs not in (first.dirs,)
