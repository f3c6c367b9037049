"""Text wrapped without breaking a name: at spaces, and a URL or path longer than a line after
a `/` or `-` (cut_rules.fold_ranges), where Rich would fold it at the edge (`x86_64-unkn` /
`own-linux-gnu`)."""

from __future__ import annotations

from pytui.widgets.cut_rules import fold_ranges
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text


class Folded:
    def __init__(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text(text)

    @property
    def plain(self) -> str:
        return self.text.plain

    def __str__(self) -> str:
        return self.text.plain

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((len(line) for line in self.text.plain.split("\n")), default=0)
        return Measurement(min(longest, 1), longest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = self.text
        lines = [text[start:stop] for start, stop in fold_ranges(text.plain, options.max_width)]
        folded = Text("\n").join(lines)
        folded.no_wrap = True
        folded.overflow = "crop"
        yield folded
