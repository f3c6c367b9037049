"""`p` on an archive whose tree is kept in the cache: the question says what the purge frees,
the archive and the tree's files no install shares, measured in a thread and said in place
once in (it said only the archive's size; a user read 24.9 MiB and the purge then said it
freed 98.8 MiB). The number is core/cache_purge.purge_effect's, what the purge frees; when
another process changes the disk while the question is open (uv uninstalls the install that
shared the tree's files), it is measured again and the question follows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pytui.app.screens import ConfirmModal
from pytui.core.cache import ArchiveCache
from pytui.core.cache_purge import purge_effect
from pytui.core.models import CachedArchive
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.format import human_size
from pytui.widgets.installed_table import InstalledTable
from pytui.widgets.rows import cached_row_key
from ui_helpers import SIZE, UiWorld, press_install, ready, wait_for

VERSION = "3.13.1"
UV = Path(sys.executable).parent / "uv"


def _dialog_text(app) -> str:
    if not isinstance(app.screen, ConfirmModal):
        return ""
    return " ".join(str(line.content) for line in app.screen.query(".dialog-line"))


async def _purge_asked(pilot, ui_world: UiWorld, key: str) -> CachedArchive:
    """`key` installed through the TUI (its archive's tree kept), then `p` on that archive's
    Cached row; the archive."""
    app = pilot.app
    await ready(pilot)
    await press_install(pilot, key)
    installed = app.query_one("#installed", InstalledTable)
    await wait_for(pilot, lambda: key in installed.row_keys, what="installed")
    archive = next(a for a in ArchiveCache(ui_world.settings.cache_dir).list() if a.tree)
    table = app.query_one("#cached", CacheTable)
    table.focus()
    await wait_for(pilot, lambda: table.select_key(cached_row_key(archive.name)), what="the archive's row")
    await pilot.press("p")
    return archive


async def test_purge_question_says_what_archive_and_tree_free(ui_world: UiWorld, tmp_path: Path) -> None:
    if not UV.exists():
        pytest.skip(f"uv is not installed beside {sys.executable}")
    settings = ui_world.settings
    env = ui_world.uv_env(tmp_path)
    app = ui_world.make_app()
    key = ui_world.build(VERSION).key
    async with app.run_test(size=SIZE) as pilot:
        archive = await _purge_asked(pilot, ui_world, key)
        cache = ArchiveCache(settings.cache_dir)
        # The install shares the tree's files: the archive and the tree's directories go.
        shared = f"Frees {human_size(purge_effect(cache, [archive]).total)}: the archive and its kept tree's"
        await wait_for(pilot, lambda: shared in _dialog_text(app), what=f"the question saying {shared!r}")
        # Another process uninstalls it while the question is open: the whole tree would go.
        done = subprocess.run([str(UV), "python", "uninstall", key], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        # Listed again as the disk watch would list it (tests/ui/conftest.py sets the watch to
        # an hour for UI tests; tests/ui/test_ui_disk_watch covers the watch itself).
        app.runner.scan_disk()
        await wait_for(pilot, lambda: app.state.installations == [], what="uv's uninstall listed")
        alone = f"Frees {human_size(purge_effect(cache, [archive]).total)}: the archive and its kept tree's"
        assert alone != shared
        await wait_for(pilot, lambda: alone in _dialog_text(app), what=f"the question saying {alone!r}")
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal), what="question closed")
        assert archive.path.exists()


async def test_purge_question_says_when_the_tree_could_not_be_counted(ui_world: UiWorld) -> None:
    """The measure fails (the tree went meanwhile, or cannot be read): the question says so
    instead of `counting them…` for good."""
    from pytui.app.gateway import CoreGateway

    class Unreadable(CoreGateway):
        def purge_effect(self, settings, archives):  # type: ignore[no-untyped-def]
            raise PermissionError(13, "Permission denied")

    app = ui_world.make_app(gateway=Unreadable())
    key = ui_world.build(VERSION).key
    async with app.run_test(size=SIZE) as pilot:
        await _purge_asked(pilot, ui_world, key)
        await wait_for(pilot, lambda: "(they could not be counted)." in _dialog_text(app),
                       what="the question saying the tree could not be counted")
        await pilot.press("n")
