"""A toast taller than the screen is cut to fit it, its last line pointing to History: on a
40x12 terminal the catalog's refresh failure was taller than the screen and the toast rack
showed its last lines only, its title and cause above the top edge. Unit tests of the rule,
then Pilot at 40x12."""

from __future__ import annotations

from pytui.app.toast_text import MORE_IN_HISTORY, fit_lines, toast_message, toast_text_lines
from textual.widgets._toast import Toast
from ui_helpers import UiWorld, ready, wait_for

LONG = ("The catalog could not be refreshed: every mirror failed (could not resolve "
        "github.com (no DNS)); kept the embedded catalog. Next: r tries again, o works offline "
        "(installs from the cache), or PYTUI_CATALOG_URL / --downloads-json names a mirror.")


def test_a_text_that_fits_is_left_as_it_is() -> None:
    assert fit_lines("one two three", 10, 2) == "one two three"
    assert fit_lines("one\ntwo", 10, 2) == "one\ntwo"
    assert fit_lines(LONG, 16, 0) == LONG  # height unknown: no bound


def test_a_longer_text_keeps_its_start_and_says_history_has_the_rest() -> None:
    cut = fit_lines(LONG, 16, 7)
    lines = cut.split("\n")
    assert len(lines) == 7 and lines[-1] == MORE_IN_HISTORY
    assert lines[0] == "The catalog" and all(len(line) <= 16 for line in lines)
    assert " ".join(lines[:-1]).split() == LONG.split()[:len(" ".join(lines[:-1]).split())]


def test_markup_is_not_cut_and_the_bound_follows_the_height() -> None:
    assert "\n" not in toast_message("[b]" + LONG + "[/b]", 200, 12, markup=True)
    assert toast_text_lines(12) == 7 and toast_text_lines(0) == 0 and toast_text_lines(3) == 2


async def test_a_long_toast_fits_a_40x12_screen_with_its_title(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(40, 12), notifications=True) as pilot:
        await ready(pilot)
        app.notify(LONG, title="Catalog", severity="error", markup=False, timeout=60)
        await wait_for(pilot, lambda: any(t._notification.title == "Catalog"
                                          for t in app.screen.query(Toast)), what="the toast")
        await pilot.pause()
        toast = next(t for t in app.screen.query(Toast) if t._notification.title == "Catalog")
        region = toast.region
        assert region.y >= 0 and region.bottom <= 12, region
        assert toast._notification.message.split("\n")[-1] == MORE_IN_HISTORY
        shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "Catalog" in shown and "The catalog" in shown and MORE_IN_HISTORY in shown, shown
