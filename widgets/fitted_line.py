"""One line of text that gives way to a shorter whole form when it does not fit (a status
line): the first of its forms that fits its width, else the last one cut after a word."""

from __future__ import annotations

from collections.abc import Sequence

from pytui.widgets.cut_rules import cut_keeping_hint, pick_form
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static


class FittedLine(Widget):
    DEFAULT_CSS = "FittedLine { height: 1; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._forms: tuple[str, ...] = ("",)

    @property
    def forms(self) -> tuple[str, ...]:
        return self._forms

    def show(self, forms: Sequence[str]) -> None:
        forms = tuple(forms) or ("",)
        if forms != self._forms:
            self._forms = forms
            self.refresh()

    def shown(self) -> str:
        """The form drawn at the present width."""
        return pick_form(self._forms, self.content_region.width or 1_000)

    def render(self) -> Text:
        return Text(self.shown(), no_wrap=True)


class WordCutLine(Static):
    """A one-line Static whose text, when wider than the line, is cut after a whole word
    (`waiting for the lock on ~/.local/share/uv/python…`, never `(an…`); `content` stays
    the whole text."""

    def render(self) -> Text:
        text = str(self.content)
        width = self.content_region.width
        return Text(cut_keeping_hint(text, width) if width and len(text) > width else text,
                    no_wrap=True)
