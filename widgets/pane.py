"""A bordered pane whose subtitle is the fullest of its forms that fits the border."""

from __future__ import annotations

from collections.abc import Sequence

from pytui.widgets.format import first_fitting
from textual.containers import Vertical
from textual.content import Content

__all__ = ["SUBTITLE_CHROME", "Pane"]

# Cells of a border's bottom edge that a subtitle cannot use: the two corners, the rule
# beside the text on each side and a space on each side of it (`╰─ text ─╯`).
SUBTITLE_CHROME = 6


class Pane(Vertical):
    """The view model gives the subtitle's forms, fullest first; the pane shows the first that
    fits its width, again on every resize, so a narrow pane shows a shorter whole text
    instead of a cut one."""

    _forms: tuple[str, ...] = ()
    _shown: str | None = None

    def show_subtitle(self, forms: Sequence[str]) -> None:
        self._forms = tuple(forms)
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        text = first_fitting(self._forms, self.size.width - SUBTITLE_CHROME)
        # Setting a border subtitle repaints the pane even when it is the same text; a filter
        # keystroke would repaint the Cached and Installed panes for nothing. Plain text, never
        # markup: a subtitle holds the filter as typed (`[/]` was a MarkupError and a traceback).
        if self._shown != text:
            self._shown = text
            self.border_subtitle = Content(text)
