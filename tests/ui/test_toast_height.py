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


REFRESH_FAILED = (
    "could not refresh the catalog from https://raw.githubusercontent.com/astral-sh/uv/main/"
    "crates/uv-python/download-metadata.json (cannot look up raw.githubusercontent.com (no "
    "network, or no DNS)); kept the embedded catalog. Next: r tries again, o works offline "
    "(installs from the cache), or PYTUI_CATALOG_URL / --downloads-json names a reachable "
    "catalog.")


def test_a_narrow_screens_toast_is_its_width_and_three_lines_at_most() -> None:
    """At 40 columns a toast was half the screen (16 cells): the refresh failure took 20 lines
    and its host was folded inside a name (`githubuserconten` / `t.com`)."""
    from pytui.app.toast_text import NARROW_TOAST_LINES, toast_text_width

    # The screen's width less the toast's border and padding (its rack has no gutter there).
    assert toast_text_width(40) == 37 and toast_text_width(20) == 17
    assert toast_text_width(80) == 36  # from 60 columns on, half the screen as before
    lines = toast_message(REFRESH_FAILED, 40, 12, title="Catalog").split("\n")
    assert len(lines) == NARROW_TOAST_LINES and lines[-1] == MORE_IN_HISTORY, lines
    assert lines[:2] == ["could not refresh the catalog from", "raw.githubusercontent.com/…/"]
    # A taller narrow screen gives a third of its rows (40x24: 7, the install's PATH note).
    assert toast_text_lines(24, 40) == 7 and toast_text_lines(12, 40) == NARROW_TOAST_LINES
    # From 60 columns on the bound is the height less the toast's own rows, as before.
    assert MORE_IN_HISTORY not in toast_message(REFRESH_FAILED, 80, 24, title="Catalog")


def test_a_title_that_wraps_takes_its_rows_from_the_text() -> None:
    title = "cpython-3.15.1-linux-x86_64-gnu failed (H: history)"
    assert toast_text_lines(10, 80, title_lines=2) == toast_text_lines(10, 80) - 1
    lines = toast_message(REFRESH_FAILED, 80, 10, title=title).split("\n")
    assert len(lines) == 10 - 5 - 1 and lines[-1] == MORE_IN_HISTORY, lines


async def test_a_toast_at_40x12_is_the_screens_width_and_leaves_the_pane_above_it(
        ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(40, 12), notifications=True) as pilot:
        await ready(pilot)
        app.notify(REFRESH_FAILED, title="Catalog", severity="error", markup=False, timeout=60)
        await wait_for(pilot, lambda: any(t._notification.title == "Catalog"
                                          for t in app.screen.query(Toast)), what="the toast")
        await pilot.pause()
        toast = next(t for t in app.screen.query(Toast) if t._notification.title == "Catalog")
        region = toast.region
        assert region.width >= 38 and region.height <= 4, region  # the title and 3 lines
        assert region.y >= 6, region  # Available's first rows stay in view above it
        shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "raw.githubusercontent.com/" in shown, shown


async def test_a_toast_with_a_long_title_fits_a_short_screen(ui_world: UiWorld) -> None:
    """A title wrapped to three lines was counted as one: at 80x9 the toast's top row (its
    title's start) was above the screen's edge."""
    title = "Uninstall cpython-3.14.0rc1+freethreaded-linux-aarch64-musl failed (H: history)"
    app = ui_world.make_app()
    async with app.run_test(size=(80, 9), notifications=True) as pilot:
        await ready(pilot)
        app.notify(REFRESH_FAILED, title=title, severity="error", markup=False, timeout=60)
        from pytui.app.toast_text import toast_title

        worded = toast_title(title, 80)  # its key cut where a name may end, in 3 lines
        assert worded.count("\n") == 2, worded
        await wait_for(pilot, lambda: any(t._notification.title == worded
                                          for t in app.screen.query(Toast)), what="the toast")
        await pilot.pause()
        toast = next(t for t in app.screen.query(Toast) if t._notification.title == worded)
        assert toast.region.y >= 0 and toast.region.bottom <= 9, toast.region
        shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "Uninstall" in shown and "failed (H: history)" in shown, shown
        assert MORE_IN_HISTORY in shown, shown


# A markup toast with brackets (Textual draws `[python3.12]` as it is and takes `[linux x86_64
# gnu]` for a tag): pytui leaves its wrapping to Textual.
BRACKETED = ("[b]Removed[/b] cpython-3.12.8 [linux x86_64 gnu] from [~/.local/share/uv/python]; "
             "its links [python3.12] are gone too.")


async def test_a_toast_with_brackets_is_counted_as_textual_draws_it(ui_world: UiWorld) -> None:
    """pytui counted a markup toast's rows as the lines of its text as given (one), Textual
    wrapped it to three: the toast was a row taller than counted, so at 40x12 the toasts could
    run past the top edge. Now counted by Textual's own wrapping (Content.wrap)."""
    app = ui_world.make_app()
    async with app.run_test(size=(40, 12), notifications=True) as pilot:
        await ready(pilot)
        app.notify("first", title="One", markup=False, timeout=60)
        app.notify(BRACKETED, title="Two", timeout=60)
        await wait_for(pilot, lambda: any(t._notification.title == "Two"
                                          for t in app.screen.query(Toast)), what="the toast")
        await pilot.pause()
        toasts = list(app.screen.query(Toast))
        for toast in toasts:
            assert toast.region.y >= 0, [(t._notification.title, t.region) for t in toasts]
        toast = next(t for t in toasts if t._notification.title == "Two")
        assert toast.region.height == app._rows_of(toast._notification) - 1, toast.region
        shown = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "[python3.12] are gone too." in shown and "One" in shown, shown


async def test_a_long_key_in_a_title_breaks_where_a_name_may_end(ui_world: UiWorld) -> None:
    """A failed install's title at 80 columns read `cpython-3.13.7+freethreaded-linux-x8` /
    `6_64-gnu failed (H: history)`: Textual folded the key at the toast's edge (newuser33,
    tmux). It is cut after a `-` now, as the toast's text is."""
    from pytui.app.toast_text import toast_title

    key = "cpython-3.13.7+freethreaded-linux-x86_64-gnu"
    title = f"{key} failed (H: history)"
    worded = toast_title(title, 80)
    assert worded.replace("\n", "") == title and "x8\n" not in worded, worded
    assert all(len(line) <= 36 for line in worded.split("\n")), worded
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        app.notify("could not download", title=title, severity="error", markup=False, timeout=60)
        await wait_for(pilot, lambda: any(key in t._notification.title.replace("\n", "")
                                          for t in app.screen.query(Toast)), what="the toast")
        await pilot.pause()
        shown = [strip.text for strip in app.screen._compositor.render_strips()]
        at = next(i for i, line in enumerate(shown) if "freethreaded" in line)
        assert "▌ cpython-3.13.7+freethreaded-linux- " in shown[at], shown[at]
        assert "▌ x86_64-gnu failed (H: history)" in shown[at + 1], shown[at + 1]
