"""Text wrapped without breaking a name: at spaces, and a URL or path longer than a line after
a `/` or `-` (cut_rules.fold_ranges), where Rich would fold it at the edge (`x86_64-unkn` /
`own-linux-gnu`). A line that starts indented keeps its indent on the lines it wraps to, so a
wrapped History message stays under its entry's title, not under the time."""

from __future__ import annotations

from pytui.widgets.cut_rules import fold_ranges
from rich.cells import cell_len, get_character_cell_size
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
        longest = max((cell_len(line) for line in self.text.plain.split("\n")), default=0)
        return Measurement(min(longest, 1), longest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        folded = Text("\n").join(fold_lines(self.text, options.max_width))
        folded.no_wrap = True
        folded.overflow = "crop"
        yield folded


def fold_lines(text: Text, width: int) -> list[Text]:
    """`text`'s lines folded to `width` cells; each keeps its leading spaces (up to half the
    width) on every line it wraps to."""
    lines: list[Text] = []
    plain = text.plain
    start = 0
    for source in plain.split("\n"):
        end = start + len(source)
        hang = len(source) - len(source.lstrip(" "))
        hang = hang if hang <= width // 2 else 0
        body = start + hang
        # In cells: a line of wide characters (a CJK folder name) counted by characters
        # was twice the width, and the crop below hid its middle.
        for first, last in fold_ranges(plain[body:end], width - hang, get_character_cell_size):
            lines.append(Text(" " * hang) + text[body + first:body + last])
        start = end + 1
    return lines
