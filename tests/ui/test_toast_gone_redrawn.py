"""Where a toast was is drawn again once it has gone: at 40x12 a toast that expired over a
layout changed under it (`4` unfolds the Jobs panel) left its text on the terminal, Textual
repainting only part of where it was (the tmux drive's `toast` scenario shows it on a real
terminal). pytui follows the toasts' places through each screen's public layout signal
(app/toast_shelf.py `_toasts_laid_out`; it overrode Textual's private `App._unnotify` and drew
the whole screen again); this pins that the signal still comes once a toast has gone and
that only its place is drawn again."""

from __future__ import annotations

from textual.geometry import Region
from textual.widgets._toast import Toast
from ui_helpers import UiWorld, ready, wait_for


async def test_the_place_of_a_gone_toast_and_only_it_is_drawn_again(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(40, 12), notifications=True) as pilot:
        await ready(pilot)
        app.notify("Copied the download URL", title="Copied", timeout=600)
        await wait_for(pilot, lambda: any(t.region.height for t in app.screen.query(Toast)),
                       what="the toast")
        await pilot.pause()
        screen = app.screen
        place = next(iter(screen.query(Toast))).region
        asked: list[tuple[Region, ...]] = []
        refresh = screen.refresh

        def spy(*regions: Region, **kwargs: bool):
            asked.append(regions)
            return refresh(*regions, **kwargs)

        screen.refresh = spy  # type: ignore[method-assign]
        await pilot.click(Toast)  # a click takes a toast away as its time running out does
        await wait_for(pilot, lambda: not screen.query(Toast), what="the toast gone")
        # Its place alone (Textual's own calls ask for the whole screen: `()`).
        await wait_for(pilot, lambda: (place,) in asked, what="its place drawn again")
