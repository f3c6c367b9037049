"""When a toast may show (no Textual): never over a dialog (app/toast_gate.py)."""

from __future__ import annotations

from pytui.app.toast_gate import NOTE_OUTCOME, URGENCY, ToastGate, history_title, left_line


def test_toasts_raised_while_a_dialog_asks_wait_until_it_closes() -> None:
    gate: ToastGate[str] = ToastGate()
    assert gate.offer("installed") and not gate.dialog_open
    assert gate.dialog_opened()  # the toasts on screen go
    assert not gate.offer("job failed") and not gate.offer("catalog refreshed")
    assert gate.dialog_closed() == (["job failed", "catalog refreshed"], 0)  # in the order raised
    assert gate.dialog_closed() == ([], 0) and not gate.dialog_open  # a second close is harmless
    assert gate.offer("after")


def test_a_dialog_opened_from_a_dialog_keeps_them_waiting_until_the_last_closes() -> None:
    gate: ToastGate[str] = ToastGate()
    assert gate.dialog_opened()
    assert not gate.dialog_opened()  # nothing on screen to dismiss the second time
    assert not gate.offer("news")
    assert gate.dialog_closed() == ([], 0)
    assert gate.dialog_closed() == (["news"], 0)


def test_after_a_dialog_only_the_most_urgent_held_toasts_show_the_rest_are_counted() -> None:
    # A dialog left open while jobs end held every toast, and all of them showed at once for
    # their whole time when it closed: a pile over the panes. Now the few most urgent show
    # (the newest among equals), in the order raised; History has them all.
    urgency = {"info": 0, "warning": 1, "error": 2}
    gate: ToastGate[tuple[str, str]] = ToastGate(lambda toast: urgency[toast[0]], most=2)
    gate.dialog_opened()
    held = [("info", "a"), ("error", "b"), ("info", "c"), ("info", "d"), ("warning", "e")]
    for toast in held:
        assert not gate.offer(toast)
    assert gate.dialog_closed() == ([("error", "b"), ("warning", "e")], 3)
    gate.dialog_opened()
    for toast in [("info", "a"), ("info", "b"), ("info", "c")]:
        gate.offer(toast)
    assert gate.dialog_closed() == ([("info", "b"), ("info", "c")], 1)  # the newest
    gate.dialog_opened()
    gate.offer(("info", "alone"))
    assert gate.dialog_closed() == ([("info", "alone")], 0)


def test_the_line_for_the_held_toasts_not_shown_points_to_history() -> None:
    assert left_line(1) == "1 more message came while the dialog was open: H lists them."
    assert left_line(3) == "3 more messages came while the dialog was open: H lists them."
    # H draws its newest MAX_SHOWN entries: 4998 held toasts are not all there.
    assert left_line(4998) == ("4998 more messages came while the dialog was open: H lists the "
                               "newest 200, tui-history.log the rest.")
    assert history_title("") == "pytui" and history_title("Mode") == "Mode"
    assert set(NOTE_OUTCOME) == set(URGENCY) == {"information", "warning", "error"}


def test_toasts_past_the_cap_are_counted_in_one_line() -> None:
    from pytui.app.history import LOG_NAME, MAX_SHOWN
    from pytui.app.toast_gate import more_line

    assert more_line(1) == "1 more message in History (H)."
    assert more_line(7) == "7 more messages in History (H)."
    assert more_line(MAX_SHOWN + 1).endswith(f"(H lists the newest {MAX_SHOWN}, {LOG_NAME} the rest).")


def test_as_many_toasts_show_as_fit_the_rows_they_have() -> None:
    """At 20x8 a second toast ran above the top edge: how many show depends on the rows."""
    from pytui.app.toast_gate import MAX_TOASTS_ON_SCREEN, toasts_that_fit

    # Room for all: every one of the newest, up to the cap (the counting line its last place).
    assert toasts_that_fit([5], 20, 5) == (1, True)
    assert toasts_that_fit([5, 5], 20, 5) == (2, True)
    assert toasts_that_fit([5] * 10, 20, 5) == (MAX_TOASTS_ON_SCREEN - 1, True)
    # 20x8 (six rows above the folded Jobs row): the newest alone, no room for the line.
    assert toasts_that_fit([5, 5], 6, 4) == (1, False)
    # The newest shows even when taller than the room (its text is cut to it).
    assert toasts_that_fit([9, 3], 6, 3) == (1, False)
    # The counting line takes the oldest's place rather than run above the edge.
    assert toasts_that_fit([3, 3, 3], 8, 3) == (1, True)
    assert toasts_that_fit([3, 3], 9, 3) == (2, True)
    assert toasts_that_fit([3, 3, 3], 9, 3) == (2, True)
    assert toasts_that_fit([], 9, 3) == (0, True)


def test_a_toasts_rows_follow_its_wording() -> None:
    from pytui.app.toast_text import toast_rows

    # 80 columns: margin and padding rows; under 60 (slim) the margin only.
    assert toast_rows("one line", "Title", 80) == 5
    assert toast_rows("one\ntwo", "", 80) == 5
    assert toast_rows("one\ntwo\nthree", "Title", 20) == 5
    assert toast_rows("one", "a title long enough to wrap twice", 20) == 1 + 3 + 1


def test_the_count_of_those_that_gave_way_folds_into_the_newest_where_its_own_toast_does_not_fit() -> None:
    """At 20x8 only the newest toast showed and nothing said others were in History."""
    from pytui.app.keymap import key_display
    from pytui.app.toast_gate import folded_more_line, more_placement

    key = key_display("history")
    assert key == "H"
    assert folded_more_line(2, 35) == f"2 more in History: {key}"
    assert folded_more_line(2, 15) == f"+2 more: {key}"  # 20x8's text width
    assert folded_more_line(2000, 5) == ""
    # Its own toast where it fits; else a line under the newest's text; else nothing.
    assert more_placement(3, 9, 4, "+2 more: H") == "toast"
    assert more_placement(3, 6, 4, "+2 more: H") == "folded"
    assert more_placement(6, 6, 4, "+2 more: H") == ""
    assert more_placement(3, 6, 4, "") == ""
