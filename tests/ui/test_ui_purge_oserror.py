"""A purge failing with an OSError core did not word itself says one line (the path, the cause
in words), not Python's `[Errno 13] Permission denied: '…'`. The failure is made by a gateway
whose leftovers step raises (small unit-style test: no filesystem lets root see EACCES here)."""

from __future__ import annotations

from pytui.app.gateway import CoreGateway
from pytui.app.screens import ConfirmModal
from pytui.widgets.cache_table import CacheTable
from ui_helpers import SIZE, UiWorld, ready, toast_texts, wait_for


class RefusingGateway(CoreGateway):
    def remove_leftovers(self, settings, archives=None):  # noqa: ARG002 - the gateway's signature
        raise PermissionError(13, "Permission denied", str(settings.cache_dir / ".import.1.x.tmp"))


async def test_a_purge_oserror_is_one_worded_line(ui_world: UiWorld) -> None:
    made = ui_world.archives["3.11.11"]
    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app(gateway=RefusingGateway())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        await wait_for(pilot, lambda: cached.row_keys == [made.build.cache_filename], what="the row")
        cached.focus()
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: any(n.title == "Purge failed" for n in app._notifications),
                       what="the failure")
        said = " ".join(toast_texts(app))
        # (the toast shortens the home directory to ~)
        assert "cannot purge ~/" in said and (
            ".import.1.x.tmp: permission denied; nothing more was removed") in said, said
        assert "Errno" not in said
