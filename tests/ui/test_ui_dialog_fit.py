"""A question whose lines are taller than the screen (an install dir thousands of characters
long, a narrow terminal) kept its buttons below the screen's edge: the dialog grew past it and
its end was cut off, buttons included (y and n still worked, from the footer). Now the lines
scroll inside the dialog and its buttons stay in view."""

from __future__ import annotations

import pytest
from pytui.app.screens import ConfirmModal
from textual.containers import VerticalScroll
from textual.widgets import Button, Static
from ui_helpers import UiWorld, ready, wait_for


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (40, 16)])
async def test_a_tall_question_keeps_its_buttons_in_view(ui_world: UiWorld, size: tuple[int, int]) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        long_path = "/home/user/" + "very-long-directory-name/" * 150 + "cpython-3.12.8-linux-x86_64-gnu"
        app.push_screen(ConfirmModal("Uninstall cpython-3.12.8-linux-x86_64-gnu?",
                                     [long_path, "Frees 120.0 MiB.", "No environment uses it."],
                                     confirm="Uninstall"))
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.pause()
        screen = app.screen
        for button_id in ("#yes", "#no"):
            button = screen.query_one(button_id, Button)
            region = button.region
            assert region.height > 0 and region.bottom <= size[1], (button_id, region)
            # The button itself is what is drawn there (nothing covers it).
            hit, _ = screen.get_widget_at(region.x + 1, region.y + region.height // 2)
            assert hit is button or button in hit.ancestors_with_self, (button_id, hit)
        # Its last line is reached from the keyboard (the focus stays on No).
        body = screen.query_one(".confirm-dialog", VerticalScroll)
        for _ in range(40):
            if body.scroll_y >= body.max_scroll_y:
                break
            await pilot.press("pagedown")
        last = [w for w in screen.query(".dialog-line") if isinstance(w, Static)][-1]
        assert body.scroll_y == body.max_scroll_y and body.max_scroll_y > 0
        assert last.region.height > 0 and last.region.bottom <= screen.query_one("#yes").region.y
        assert screen.focused is screen.query_one("#no", Button)


def screen_text(app) -> str:
    """What the terminal shows, as text (dialogs and what is behind them)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def dialog_rows(app) -> list[str]:
    """The screen's rows as text, a dialog's borders and padding stripped."""
    return [row.strip(" │┃") for row in screen_text(app).splitlines()]


def assert_answers_in_view(screen, height: int) -> None:
    """The question's Yes and No are drawn above the footer row of a `height`-row screen."""
    for button_id in ("#yes", "#no"):
        region = screen.query_one(button_id, Button).region
        assert region.height > 0 and region.bottom <= height - 1, (button_id, region)


@pytest.mark.parametrize("size", [(20, 6), (20, 8), (80, 24)])
async def test_the_quit_questions_buttons_are_whole_on_a_tiny_screen(
        ui_world: UiWorld, size: tuple[int, int]) -> None:
    """Its no button said `Don't quit (n)` for a while: at 20 columns it showed `Don't quit`,
    its key cut off (newuser33, tmux 20x8). `Stay (n)` is whole at every size."""
    from pytui.app.decisions import quit_question

    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        build = ui_world.build("3.12.8")
        app.state.add_job("install", build.key, build=build)
        asked = quit_question(app.state)
        app.push_screen(ConfirmModal(asked.title, asked.lines, confirm=asked.confirm,
                                     cancel=asked.deny))
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.pause()
        shown = screen_text(app)
        assert "Quit (y)" in shown and "Stay (n)" in shown, shown


@pytest.mark.parametrize("size", [(20, 6), (20, 24), (40, 12), (40, 24)])
async def test_a_question_on_a_tiny_screen_shows_its_title_and_buttons(
        ui_world: UiWorld, size: tuple[int, int]) -> None:
    """At 20x6 the question was an empty box: its padding, blank rows and three-row buttons
    took the four rows it had. Cramped (dialogs.tcss), its title and its Yes show. At 20
    columns the buttons side by side showed only the first (`Cancel (n)` was cut off, at 40x24
    half of it): under 50 columns they are stacked, each label whole."""
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        app.push_screen(ConfirmModal("Quit?", ["1 job is running: quitting cancels it."],
                                     confirm="Uninstall"))
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.pause()
        screen = app.screen
        title = screen.query_one(".dialog-title")
        hit, _ = screen.get_widget_at(title.region.x, title.region.y)
        assert title.region.height > 0 and hit is title, (title.region, hit)
        shown = screen_text(app)
        assert "Uninstall (y)" in shown and "Cancel (n)" in shown, shown
        for button_id in ("#yes", "#no"):
            button = screen.query_one(button_id, Button)
            region = button.region
            assert region.height > 0 and region.bottom <= size[1] - 1, (button_id, region)
            hit, _ = screen.get_widget_at(region.x + 1, region.y)
            assert hit is button or button in hit.ancestors_with_self, (button_id, hit)


async def _hint_shown(pilot, app, hint_id: str) -> None:
    """The dialog's `more below` line is on screen, inside the dialog, above the key bar."""
    screen = app.screen
    hint = screen.query_one(f"#{hint_id}")
    await wait_for(pilot, lambda: hint.display and "more below" in str(hint.render()),
                   what="the scroll hint")
    await pilot.pause()
    dialog = screen.query_one(".dialog")
    region = hint.region
    assert region.height == 1 and region.bottom <= dialog.region.bottom - 1, (region, dialog.region)
    hit, _ = screen.get_widget_at(region.x, region.y)
    assert hit is hint, hit


@pytest.mark.parametrize("size", [(40, 12), (20, 6)])
async def test_the_help_keeps_its_scroll_hint_on_a_small_screen(
        ui_world: UiWorld, size: tuple[int, int]) -> None:
    """At 40x12 the help's title wrapped to two rows the body's height did not allow for,
    pushing `more below: ↓ PgDn End` off the dialog; at 20x6 the title was all it showed."""
    from pytui.app.screens import HelpScreen

    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        await _hint_shown(pilot, app, "help-scroll-hint")
        assert app.screen.query_one("#help-body").region.height >= 1


async def test_the_history_keeps_its_scroll_hint_when_its_log_path_wraps(
        ui_world: UiWorld) -> None:
    from pytui.app.screens import HistoryScreen

    app = ui_world.make_app()
    async with app.run_test(size=(40, 16)) as pilot:
        await ready(pilot)
        for number in range(30):
            app.history.add("note", f"note {number}", "info", "something happened")
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="the history")
        screen = app.screen
        # The log path's line wraps at this width (the case the fixed chrome missed).
        assert max(w.region.height for w in screen.query(".dialog-hint")) > 1
        await pilot.press("home")
        await _hint_shown(pilot, app, "history-scroll-hint")


async def test_the_history_shows_its_entries_at_20x8(ui_world: UiWorld) -> None:
    """At 20x8 the log path's line wrapped to four rows and took every row the entries had:
    History showed its title and where it is written, no entry. Small in both directions, the
    path's line gives way."""
    from pytui.app.screens import HistoryScreen

    app = ui_world.make_app()
    async with app.run_test(size=(20, 8)) as pilot:
        await ready(pilot)
        app.history.add("note", "refresh", "info", "done")
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="the history")
        await pilot.pause()
        assert "done" in screen_text(app), screen_text(app)  # the entry's outcome
        # Its title gives way to a whole form (`History of th…` before).
        assert "History" in [line.strip("│ ") for line in screen_text(app).splitlines()]
        assert not app.screen.query_one("#history-where").display


@pytest.mark.parametrize(("size", "title"), [((40, 12), "pytui — keys  (Esc closes this)"),
                                              ((20, 8), "pytui — keys")])
async def test_the_help_says_what_each_key_does_on_a_narrow_screen(
        ui_world: UiWorld, size: tuple[int, int], title: str) -> None:
    """At 40 columns the key column (17 cells: `1 / 2 / 3 / 4 / 5`) left 16 for what a key
    does, one or two words a line, and the title was cut (`(Esc, q or ? closes…`); at 20 no
    text showed at all. Narrow, what a key does goes under it, indented; the title gives way
    to a shorter whole form."""
    from pytui.app.screens import HelpScreen

    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        await pilot.pause()
        lines = [line.strip("│ ") for line in screen_text(app).splitlines()]
        assert title in lines, lines
        assert lines[lines.index("?") + 1].startswith("every key"), lines  # wrapped at 20
        if size[0] >= 40:
            assert "filter every pane: 3.12, 3.13t," in lines, lines


async def _all_rule_previewed(pilot, archives: int):
    """The purge-by-rule dialog open on Cached with its `all` rule chosen and its preview of
    `archives` archives drawn: the dialog."""
    from pytui.app.purge_screen import PurgeRulesModal

    app = pilot.app
    await pilot.press("2", "P")
    await wait_for(pilot, lambda: isinstance(app.screen, PurgeRulesModal), what="the dialog")
    modal = app.screen
    await pilot.press("right", "right", "enter")  # the `all` rule
    await wait_for(pilot, lambda: len(modal.plan) == archives, what=f"the preview of {archives} archives")
    await pilot.pause()
    return modal


async def test_the_purge_dialog_keeps_its_buttons_on_screen_at_80x24(ui_world: UiWorld) -> None:
    """At 80x24 the purge-by-rule dialog previewing two archives was taller than the screen:
    `Purge (y)` was cut off below its top edge, under the total a user reads before it."""
    ui_world.seed_cache("3.13.1")
    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        modal = await _all_rule_previewed(pilot, 2)
        total = modal.query_one("#purge-total")
        for widget in (total, modal.query_one("#purge-yes", Button),
                       modal.query_one("#purge-no", Button)):
            region = widget.region
            assert region.height > 0 and region.bottom <= 23, (widget, region)
            hit, _ = modal.get_widget_at(region.x + 1, region.bottom - 1)
            assert hit is widget or widget in hit.ancestors_with_self, (widget, hit)


@pytest.mark.parametrize("size", [(40, 12), (20, 8)])
async def test_the_purge_dialog_shows_its_rules_and_buttons_on_a_narrow_screen(
        ui_world: UiWorld, size: tuple[int, int]) -> None:
    """At 40x12 the purge dialog's four rules stayed on one row, each cut (`Sup…`, `Ins…`),
    and with an archive previewed `Cancel (n)` was below its edge; at 20x8 neither button
    showed. Under 50 columns the rules are two to a row, whole at 40 columns; the dialog
    scrolls with its buttons docked at its foot."""
    from pytui.app.purge_screen import PURGE_RULES

    ui_world.seed_cache("3.13.1")
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await _all_rule_previewed(pilot, 1)
        shown = screen_text(app)
        assert "Purge (y)" in shown and "Cancel (n)" in shown, shown
        if size[0] >= 40:
            for _, label, _ in PURGE_RULES:
                assert label in shown, (label, shown)


@pytest.mark.parametrize(("size", "keys"), [((40, 12), "(←/→, Enter chooses)"),
                                             ((20, 8), ""), ((80, 24), "(←/→ move, Enter or")])
async def test_the_purge_dialog_title_is_whole_with_the_keys_that_fit(
        ui_world: UiWorld, size: tuple[int, int], keys: str) -> None:
    """At 40x12 the title was cut at the dialog's edge: `Purge by rule (←/→ move, Enter or s…`,
    the keys half said. It gives way to a shorter whole form (`←/→, Enter chooses`), and to
    `Purge by rule` alone at 20 columns, where the rules, two to a row, were cut to `A…`,
    `O…`: one a row there, each whole and chosen with the keys the title names."""
    from pytui.app.purge_screen import PURGE_RULES, PurgeRulesModal

    ui_world.seed_cache("3.13.1")
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("2", "P")
        await wait_for(pilot, lambda: isinstance(app.screen, PurgeRulesModal), what="the dialog")
        await pilot.pause()
        modal = app.screen
        row = [line for line in screen_text(app).splitlines() if "Purge by rule" in line]
        assert len(row) == 1 and "…" not in row[0], row
        assert f"Purge by rule {keys}".strip() in row[0], row
        title = modal.query_one(".dialog-title")
        assert title.region.right <= modal.query_one(".dialog").region.right - 1
        rules = list(modal.query("#purge-rule RadioButton"))
        for (_, label, _), button in zip(PURGE_RULES, rules, strict=True):
            assert label in str(button.render()), (label, str(button.render()))
        # ←/→ bring the rule they move to into view (at 20x8 `All` and `Outdated` were
        # highlighted below the dialog's edge), Enter chooses it, as the title says.
        for key, label in (("right", "Installed"), ("right", "All"), ("right", "Outdated"),
                           ("left", "All")):
            await pilot.press(key)
            await wait_for(pilot, lambda label=label: label in _highlighted(modal)
                           and _rule_shown(app, label), what=f"{label} highlighted and shown")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(modal.plan) == 1, what="the `all` rule previewed")


def _highlighted(modal) -> str:
    return "".join(str(button.render()) for button in modal.query("#purge-rule .-selected"))


def _rule_shown(app, label: str) -> bool:
    return any(f"▌ {label}" in line for line in screen_text(app).splitlines())
