"""app/toast_shelf.ToastShelf._unnotify (abc9bba) overrides Textual's private
`App._unnotify(notification, refresh)` to draw the screen again once a toast has gone (at 40x12
a toast that expired over a layout changed under it left its text behind). Only the tmux drive
scenario `toast` shows that effect, and it is skipped without tmux: a Textual release that
renamed the method or stopped calling it from a toast's expiry would leave the fix unused with
no test failing. This pins both ends of the hook."""

from __future__ import annotations

import inspect

from pytui.app.toast_shelf import ToastShelf
from textual.app import App
from textual.widgets._toast import Toast


def test_a_toasts_expiry_still_calls_the_method_pytui_overrides() -> None:
    assert list(inspect.signature(App._unnotify).parameters) == ["self", "notification", "refresh"]
    assert "self.app._unnotify(" in inspect.getsource(Toast._expire)
    assert "_unnotify" in vars(ToastShelf)
    assert inspect.signature(ToastShelf._unnotify) == inspect.signature(App._unnotify)
