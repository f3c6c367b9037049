"""`p` on an archive whose tree is kept in the cache: the question says what the purge frees,
the archive and the tree's files no install shares, measured in a thread and said in place
once in (it said only the archive's size; a user read 24.9 MiB and the purge then said it
freed 98.8 MiB). The number is core/cache_purge.purge_effect's, what the purge frees."""

from __future__ import annotations

from pytui.app.screens import ConfirmModal
from pytui.core.cache import ArchiveCache
from pytui.core.cache_purge import purge_effect
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.format import human_size
from pytui.widgets.installed_table import InstalledTable
from pytui.widgets.rows import cached_row_key
from ui_helpers import SIZE, UiWorld, press_install, ready, wait_for

VERSION = "3.13.1"


def _dialog_text(app) -> str:
    return " ".join(str(line.content) for line in app.screen.query(".dialog-line"))


async def test_purge_question_says_what_archive_and_tree_free(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    key = ui_world.build(VERSION).key
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await press_install(pilot, key)
        installed = app.query_one("#installed", InstalledTable)
        await wait_for(pilot, lambda: key in installed.row_keys, what="installed")
        cache = ArchiveCache(ui_world.settings.cache_dir)
        archive = next(a for a in cache.list() if a.tree)
        table = app.query_one("#cached", CacheTable)
        # The install shares the tree's files: what the purge frees is the archive and the
        # tree's own directories; uninstalled, the whole tree.
        for uninstall_first in (False, True):
            if uninstall_first:
                installed.focus()
                assert installed.select_key(key)
                await pilot.press("u")
                await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="uninstall question")
                await pilot.press("y")
                await wait_for(pilot, lambda: not installed.row_keys, what="uninstalled")
            effect = purge_effect(cache, [archive])
            expected = f"Frees {human_size(effect.total)}: the archive and its kept tree's files"
            table.focus()
            await wait_for(pilot, lambda: table.select_key(cached_row_key(archive.name)), what="the archive's row")
            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="purge question")
            await wait_for(pilot, lambda expected=expected: expected in _dialog_text(app),
                           what=f"the question saying {expected!r}")
            await pilot.press("n")
            await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal), what="question closed")
        assert archive.path.exists()
