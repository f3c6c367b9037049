"""The footer: the screen's shown keys on one line, fitted to the width at every redraw.

Textual's `Footer` lays keys out as widgets and, when narrow, glues a group's label to the
next key; this bar draws one line of text instead and, when the keys do not fit, leaves out
the least important ones (an order the app gives) and says `? All keys`. It is redrawn from
the current width on every resize, so it recovers as soon as the window grows back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from typing import Protocol

from pytui.core.record import FrozenRecord
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

__all__ = ["FooterItem", "FooterPlan", "KeyBar", "fit_items", "items_from_bindings",
           "led_by"]

# Spaces between two items, and before the first one.
GAP = 2
LEAD = 1
# Rank of an action the app did not rank: left out first.
UNRANKED = 1_000
# Keys of the focused widget itself (the filter box's Enter and Esc) are kept before all.
FOCUSED = -1


class FooterItem(FrozenRecord):
    """One label and the keys that share it (`p P Purge`)."""

    __slots__ = ("keys", "label", "enabled", "rank", "press", "action")
    keys: tuple[str, ...]  # as written for people
    label: str
    enabled: bool
    # Lower is kept longer when the line is too narrow.
    rank: int
    # The Textual key pressed when the item is clicked.
    press: str
    action: str

    def __init__(self, keys: tuple[str, ...], label: str, enabled: bool = True,
                 rank: int = UNRANKED, press: str = "", action: str = "") -> None:
        _set = object.__setattr__
        _set(self, "keys", keys)
        _set(self, "label", label)
        _set(self, "enabled", enabled)
        _set(self, "rank", rank)
        _set(self, "press", press)
        _set(self, "action", action)

    @property
    def width(self) -> int:
        return len(" ".join(self.keys)) + 1 + len(self.label)


def line_width(items: Sequence[FooterItem]) -> int:
    return LEAD + sum(item.width for item in items) + GAP * max(0, len(items) - 1)


def fit_items(items: Sequence[FooterItem], width: int, more_action: str = "help",
              more_label: str = "All keys") -> list[FooterItem]:
    """The items that fit in `width`, in their order. Too narrow for all: a key written
    several ways (`n/Esc`) is written its first way (`n`); then the highest-ranked items are
    left out first (the later one on a tie), but the `more_action` item (help), relabelled
    `more_label`, says where the rest are for as long as the first-ranked item fits beside
    it; last, an item left out that fits in the room over comes back, best-ranked first (at
    20 columns Environments showed `Esc Close` alone where `/ Filter` fitted too)."""
    if line_width(items) <= width:
        return list(items)
    short = [_first_key(item) for item in items]

    def line(indexes: list[int], dropped: bool) -> list[FooterItem]:
        return _relabel([short[i] for i in indexes], dropped, more_action, more_label)

    kept = list(range(len(short)))
    left_out: list[int] = []
    while kept and line_width(line(kept, bool(left_out))) > width:
        pointer_stays = len(kept) > 2 or all(short[i].action != more_action for i in kept)
        worst = max((i for i in kept if not (pointer_stays and short[i].action == more_action)),
                    key=lambda i: (short[i].rank, i))
        kept.remove(worst)
        left_out.append(worst)
    for index in sorted(left_out, key=lambda i: (short[i].rank, i)):
        tried = sorted([*kept, index])
        if line_width(line(tried, True)) <= width:
            kept = tried
    return line(kept, len(kept) < len(short))


def _first_key(item: FooterItem) -> FooterItem:
    """`n/Esc Cancel` as `n Cancel` (the help lists every key)."""
    keys = tuple(key.split("/", 1)[0] if "/" in key[1:] else key for key in item.keys)
    if keys == item.keys:
        return item
    return FooterItem(keys, item.label, item.enabled, item.rank, item.press, item.action)


def _relabel(items: list[FooterItem], dropped: bool, more_action: str,
             more_label: str) -> list[FooterItem]:
    if not dropped:
        return items
    return [FooterItem(i.keys, more_label, i.enabled, i.rank, i.press, i.action)
            if i.action == more_action else i for i in items]


# An action's label now, when it differs from its binding's (a toggle says where it goes).
Labels = Callable[[str], "str | None"]


class FooterPlan(Protocol):
    """What the app says about the footer now (app/keymap.py's FooterPlan)."""

    @property
    def lead(self) -> Sequence[str]: ...  # actions drawn first, in this order
    @property
    def ranks(self) -> Mapping[str, int]: ...
    @property
    def dimmed(self) -> Set[str]: ...  # drawn dimmed (their key still runs)


def led_by(items: Sequence[FooterItem], lead: Sequence[str]) -> list[FooterItem]:
    """The focused widget's own keys first, then the `lead` actions in its order, then the
    rest in their order."""
    at = {action: index for index, action in enumerate(lead)}
    return sorted(items, key=lambda item: (item.rank != FOCUSED,
                                           at.get(item.action, len(at))))


def items_from_bindings(screen: Screen, ranks: Mapping[str, int],
                        labels: Labels | None = None,
                        dimmed: Set[str] = frozenset(),
                        also: Set[str] = frozenset()) -> list[FooterItem]:
    """The screen's shown bindings as items; bindings of one `Binding.Group` share a label,
    several keys for one action are written once (the first). The focused widget's own
    shown keys rank first; `labels` may name an action otherwise than its binding; the
    `dimmed` actions are drawn as disabled ones; the `also` actions are shown though their
    binding is not (a pane's own keys, shown only while it leads)."""
    app = screen.app
    items: list[FooterItem] = []
    seen_actions: set[str] = set()
    group_at: dict[str, int] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        enabled = active.enabled and binding.action not in dimmed
        if not (binding.show or binding.action in also) or binding.action in seen_actions:
            continue
        seen_actions.add(binding.action)
        display = app.get_key_display(binding)
        rank = FOCUSED if active.node is screen.focused else ranks.get(binding.action, UNRANKED)
        group = binding.group
        if group is not None and group.description in group_at:
            at = group_at[group.description]
            old = items[at]
            items[at] = FooterItem((*old.keys, display), old.label, old.enabled or enabled,
                                   min(old.rank, rank), old.press, old.action)
            continue
        if group is not None:
            group_at[group.description] = len(items)
        label = group.description if group is not None else binding.description
        label = (labels(binding.action) if labels is not None else None) or label
        items.append(FooterItem((display,), label, enabled, rank, binding.key.split(",")[0],
                                binding.action))
    return items


class KeyBar(Widget):
    """One line of keys at the bottom of its screen; click an item to press its key."""

    COMPONENT_CLASSES = {"key-bar--key", "key-bar--label", "key-bar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    KeyBar > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
    KeyBar > .key-bar--label { color: $footer-description-foreground; }
    KeyBar > .key-bar--disabled { color: $text-muted; text-style: dim; }
    """

    def __init__(self, ranks: Mapping[str, int] | None = None, *, labels: Labels | None = None,
                 plan: Callable[[], FooterPlan] | None = None,
                 id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._ranks = dict(ranks or {})
        self._labels = labels
        # Asked at every bindings change (a focus move is one): order, ranks, dimmed keys.
        self._plan = plan
        self._items: list[FooterItem] = []
        # (first column, last column + 1, key to press) of what the last render drew.
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is not self.screen:
            return
        if self.app.screen is not screen:
            # Another screen is on top: this bar shows through only under one without a bar
            # of its own (Textual's command palette), whose keys are not this screen's (`q`
            # types into its search box): say none rather than keys that do something else.
            items: list[FooterItem] = []
        elif self._plan is None:
            items = items_from_bindings(screen, self._ranks, self._labels)
        else:
            plan = self._plan()
            items = led_by(items_from_bindings(screen, plan.ranks, self._labels, plan.dimmed,
                                               also=frozenset(plan.lead)), plan.lead)
        if items != self._items:
            self._items = items
            self.refresh()

    @property
    def items(self) -> list[FooterItem]:
        """Every item the screen shows now, before fitting."""
        return list(self._items)

    def shown(self, width: int | None = None) -> list[FooterItem]:
        """The items drawn at `width` (default: the bar's own width)."""
        return fit_items(self._items, self.size.width if width is None else width)

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        label_style = self.get_component_rich_style("key-bar--label")
        off_style = self.get_component_rich_style("key-bar--disabled")
        text = Text(" " * LEAD, no_wrap=True, overflow="crop")
        spans: list[tuple[int, int, str]] = []
        for index, item in enumerate(self.shown()):
            if index:
                text.append(" " * GAP)
            start = len(text)
            text.append(" ".join(item.keys), style=key_style if item.enabled else off_style)
            text.append(" " + item.label, style=label_style if item.enabled else off_style)
            spans.append((start, len(text), item.press))
        self._spans = spans
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end and key:
                self.app.simulate_key(key)
                return
