"""When a toast may show (no Textual): never over a dialog (app/toast_gate.py)."""

from __future__ import annotations

from pytui.app.toast_gate import ToastGate


def test_toasts_raised_while_a_dialog_asks_wait_until_it_closes() -> None:
    gate: ToastGate[str] = ToastGate()
    assert gate.offer("installed") and not gate.dialog_open
    assert gate.dialog_opened()  # the toasts on screen go
    assert not gate.offer("job failed") and not gate.offer("catalog refreshed")
    assert gate.dialog_closed() == ["job failed", "catalog refreshed"]  # in the order raised
    assert gate.dialog_closed() == [] and not gate.dialog_open  # a second close is harmless
    assert gate.offer("after")


def test_a_dialog_opened_from_a_dialog_keeps_them_waiting_until_the_last_closes() -> None:
    gate: ToastGate[str] = ToastGate()
    assert gate.dialog_opened()
    assert not gate.dialog_opened()  # nothing on screen to dismiss the second time
    assert not gate.offer("news")
    assert gate.dialog_closed() == []
    assert gate.dialog_closed() == ["news"]
