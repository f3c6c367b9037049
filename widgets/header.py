"""The header line: mode, catalog source and age, install root, cache dir and its size."""

from __future__ import annotations

from dataclasses import dataclass

from pytui.widgets.format import human_size
from rich.text import Text
from textual.widgets import Static


@dataclass(frozen=True, slots=True)
class HeaderInfo:
    offline: bool
    catalog_source: str
    # "3 h old", "shipped with pytui", "refreshing…", "refresh failed: …"
    catalog_note: str
    install_root: str
    cache_dir: str
    cache_size: int | None
    builds: int = 0


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
        style = "red" if info.catalog_note.startswith("refresh failed") else "dim"
        text.append(info.catalog_note, style=style)
    text.append("\n")
    text.append("root ", style="dim")
    text.append(info.install_root)
    text.append("   cache ", style="dim")
    text.append(info.cache_dir)
    if info.cache_size is not None:
        text.append(f" ({human_size(info.cache_size)})", style="bold")
    return text
