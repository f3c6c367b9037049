"""Textual bindings made from the one keymap (app/keymap.py, which imports no Textual): the
app's and those of each screen shown over it."""

from __future__ import annotations

from collections.abc import Iterable

from pytui.app.keymap import SCREEN_KEYS, Key, bound_keys
from textual.binding import Binding, BindingType


def bindings(keys: Iterable[Key]) -> list[BindingType]:
    groups: dict[str, Binding.Group] = {}
    result: list[BindingType] = []
    for key in keys:
        group = groups.setdefault(key.group, Binding.Group(key.group)) if key.group else None
        display = key.footer or (key.display if key.display and " / " not in key.display
                                 else None)
        result.append(Binding(key.keys, key.action, key.label, show=key.show,
                              key_display=display, priority=key.priority, group=group))
    return result


def app_bindings() -> list[BindingType]:
    """The main screen's keys (the app's bindings)."""
    return bindings(bound_keys())


def screen_bindings(screen: str) -> list[BindingType]:
    """The keys of a screen shown over the main one (keymap.SCREEN_KEYS)."""
    return bindings(SCREEN_KEYS[screen])
