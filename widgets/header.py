"""The header line: mode, catalog source and age, install root, cache dir and its size."""

from __future__ import annotations

from pytui.widgets.format import human_size
from pytui.widgets.rows import HeaderInfo
from rich.text import Text
from textual.widgets import Static

__all__ = ["HeaderBar", "HeaderInfo", "render_header"]


class HeaderBar(Static):
    """Two short lines; every path arrives already shortened (`~`) by the app."""

    DEFAULT_CSS = """
    HeaderBar { height: 2; padding: 0 1; background: $panel; }
    """

    def show(self, info: HeaderInfo) -> None:
        self.update(render_header(info))


def render_header(info: HeaderInfo) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("pytui ", style="bold")
    if info.offline:
        text.append(" OFFLINE ", style="bold black on yellow")
    else:
        text.append(" ONLINE ", style="bold black on green")
    text.append("  catalog ", style="dim")
    text.append(info.catalog_source)
    if info.builds:
        text.append(f" · {info.builds} builds", style="dim")
    if info.catalog_note:
        text.append(" · ")
        style = "bold red" if info.catalog_problem else "dim"
        text.append(info.catalog_note, style=style)
    text.append("\n")
    text.append("root ", style="dim")
    text.append(info.install_root)
    text.append("   cache ", style="dim")
    text.append(info.cache_dir)
    if info.cache_size is not None:
        text.append(f" ({human_size(info.cache_size)})", style="bold")
    return text
