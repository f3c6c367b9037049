"""A background result that is no longer the newest is dropped (app/background.py: each result
carries a generation; the thread checks it before posting, the app again on receipt). Textual
cannot stop a running thread, so a listing of the disk taken before an archive came can end
after a newer listing has shown the archive: it must not put the older picture back."""

from __future__ import annotations

import threading

from pytui.app.gateway import CoreGateway
from pytui.core.catalog import Catalog
from pytui.core.models import CachedArchive
from pytui.core.settings import Settings
from ui_helpers import SIZE, UiWorld, ready, wait_for


class HeldListing(CoreGateway):
    """Holds one listing of the cache, once it has listed, until the test lets it go."""

    def __init__(self) -> None:
        self.hold = False
        self.entered = threading.Event()
        self.release = threading.Event()

    def scan_cache(self, settings: Settings,
                   catalog: Catalog | None) -> tuple[list[CachedArchive], str | None]:
        listed = super().scan_cache(settings, catalog)
        if self.hold:
            self.hold = False
            self.entered.set()
            self.release.wait(60)
        return listed


async def test_a_listing_that_ends_after_a_newer_one_is_dropped(ui_world: UiWorld) -> None:
    gateway = HeldListing()
    app = ui_world.make_app(gateway=gateway)
    name = ui_world.build("3.13.1").cache_filename
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        runner = app.runner
        # Told when the held listing's thread has reached its post (or its drop).
        over = threading.Event()
        post = runner._post_if_current
        gateway.hold = True
        older = runner.scan_disk()

        def posted(kind: str, generation: int, message: object) -> None:
            post(kind, generation, message)  # type: ignore[arg-type]
            if generation == older:
                over.set()

        runner._post_if_current = posted  # type: ignore[method-assign]
        await wait_for(pilot, gateway.entered.is_set, what="the older listing, held")
        ui_world.seed_cache("3.13.1")
        runner.scan_disk()
        await wait_for(pilot, lambda: any(a.name == name for a in app.state.archives),
                       what="the newer listing, with the archive")
        gateway.release.set()
        await wait_for(pilot, over.is_set, what="the older listing's end")
        await pilot.pause()
        assert [a.name for a in app.state.archives if a.name == name] == [name]
