"""Every notification is in History (`H`), and a dialog does not leave a pile of them behind.

The echoes of a key (the offline toggle's Mode line, a refusal) had no History
entry, so a dialog that dismissed them (app/toast_gate.py) lost them; and the toasts held while
a dialog was open all showed when it closed, each for its whole time."""

from __future__ import annotations

from pytui.app.toast_gate import MAX_SHOWN_AFTER_DIALOG, left_line
from ui_helpers import UiWorld, ready, toast_texts, wait_for


def _said(app) -> list[tuple[str, str]]:
    """Each toast's title and text, its lines joined (pytui wraps a toast at its spaces; these
    have no word long enough to be cut)."""
    return [(n.title, " ".join(n.message.split())) for n in app._notifications]


async def test_the_echo_of_a_key_dismissed_by_a_dialog_is_in_history(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("o", "o")  # offline, then online again
        # The second toggle's toast took the first's place (app/toast_shelf.withdraw_toasts).
        await wait_for(pilot, lambda: toast_texts(app)
                       == ["Online: downloads and catalog refresh allowed."],
                       what="the second toggle's toast alone")
        await pilot.press("H")
        await wait_for(pilot, lambda: app.screen.id == "history", what="History")
        assert not app._notifications  # dismissed: the dialog is not covered
        notes = [(e.kind, e.title, e.outcome, e.message) for e in app.history.entries
                 if e.kind == "note"]
        assert notes == [
            ("note", "Mode", "info", "Offline: no network; only cached builds install."),
            ("note", "Mode", "info", "Online: downloads and catalog refresh allowed."),
        ], notes
        assert len(app.screen.query(".history-entry")) == 2


async def test_after_a_dialog_the_most_urgent_held_toasts_show_and_one_line_counts_the_rest(
        ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("H")
        await wait_for(pilot, lambda: app.screen.id == "history", what="History")
        app.notify("first done", title="one")
        app.notify("it failed", title="two", severity="error")
        for n in range(3, 6):
            app.notify(f"done {n}", title=f"t{n}")
        await pilot.pause()
        assert not app._notifications  # held while the dialog is open
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.id == "_default", what="the main screen")
        await wait_for(pilot, lambda: len(app._notifications) == MAX_SHOWN_AFTER_DIALOG + 1,
                       what="the toasts let through")
        assert _said(app) == [("two", "it failed"), ("t5", "done 5"), ("History", left_line(3))]
        # Every one of them is in History; the count's line is not (it points there).
        assert [e.message for e in app.history.entries if e.kind == "note"] == \
            ["first done", "it failed", "done 3", "done 4", "done 5"]


async def test_history_draws_its_newest_entries_and_says_how_many_the_log_has_before(
        ui_world: UiWorld) -> None:
    # Every entry was a widget: with the 2000 History keeps (every toast is one), H took
    # seconds to open, the UI frozen meanwhile.
    from pytui.app.history import MAX_SHOWN

    app = ui_world.make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        for n in range(MAX_SHOWN + 50):
            app.history.add("install", f"job {n}", "done", f"installed {n}")
        await pilot.press("H")
        await wait_for(pilot, lambda: app.screen.id == "history", what="History")
        entries = app.screen.query(".history-entry")
        assert len(entries) == MAX_SHOWN and "job 50 " in str(entries.first().content)
        hints = [str(hint.content) for hint in app.screen.query(".dialog-hint")]
        assert f"50 earlier entries in the log; the newest {MAX_SHOWN} below" in hints, hints


async def test_a_burst_of_toasts_shows_a_few_and_one_line_counting_the_rest(ui_world: UiWorld) -> None:
    # Textual stacks every toast: 3000 notifications with no dialog open (a hostile root's
    # warnings, a burst of job ends) were 3000 widgets, some 17 s to mount, the UI frozen.
    from pytui.app.toast_gate import MAX_TOASTS_ON_SCREEN, more_line
    from textual.widgets._toast import Toast

    app = ui_world.make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        for n in range(3000):
            app.notify(f"warning {n}", title="Burst", timeout=600, markup=False)
        line = " ".join(more_line(3000 - (MAX_TOASTS_ON_SCREEN - 1)).split())
        await wait_for(pilot, lambda: ("History", line) in _said(app), what="the count's line")
        await pilot.pause()
        toasts = list(app.screen.query(Toast))
        assert len(toasts) == MAX_TOASTS_ON_SCREEN, len(toasts)
        # The newest stay; the others gave way to them and are counted.
        assert _said(app) == [("Burst", "warning 2998"), ("Burst", "warning 2999"), ("History", line)]
        holders = list(app.screen.query("ToastHolder"))
        assert len(holders) == MAX_TOASTS_ON_SCREEN, len(holders)
        assert line in " ".join(str(toasts[-1].render()).split())
        # History has them (the newest 2000 in memory, as ever; its log all of them).
        assert app.history.entries[-1].message == "warning 2999"
        assert "warning 0" in app.history.log_path.read_text()
