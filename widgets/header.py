"""The header: mode, catalog source and age, install root, cache dir and its size.

Two lines that never wrap: a path too long for the width has its middle elided (`…`),
recomputed at every redraw, so a resize re-fits it."""

from __future__ import annotations

from pytui.widgets.cut_rules import label_forms
from pytui.widgets.format import elide_middle, human_size
from pytui.widgets.rows import HeaderInfo
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

__all__ = ["HeaderBar", "HeaderInfo", "render_header"]

# The paths shrink to this before the rest of a line is cut at the edge.
MIN_PATH = 12


class HeaderBar(Widget):
    """Every path arrives already shortened (`~`) by the app; this fits them to the width."""

    COMPONENT_CLASSES = {"header--problem"}
    DEFAULT_CSS = """
    HeaderBar > .header--problem { color: $text-error; text-style: bold; }
    HeaderBar {
        height: 2; padding: 0 1; background: $panel;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    info: HeaderInfo | None = None

    def show(self, info: HeaderInfo) -> None:
        if info != self.info:
            self.info = info
            self.refresh()

    def render(self) -> Text:
        if self.info is None:
            return Text("pytui", style="bold")
        problem = self.get_component_rich_style("header--problem")
        return render_header(self.info, self.content_region.width or 1_000, problem)


def render_header(info: HeaderInfo, width: int = 1_000,
                  problem_style: Style | str = "bold red") -> Text:
    """Both lines in `width` cells (long paths elided in the middle)."""
    return Text("\n").join([_catalog_line(info, width, problem_style),
                            _paths_line(info, width)])


def _catalog_line(info: HeaderInfo, width: int, problem_style: Style | str) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("pytui ", style="bold")
    if info.offline:
        text.append(" OFFLINE ", style="bold black on yellow")
    else:
        text.append(" ONLINE ", style="bold black on green")
    text.append("  catalog ", style="dim")
    after = Text()
    if info.builds:
        after.append(f" · {info.builds} build{'s' if info.builds != 1 else ''}", style="dim")
    if info.catalog_note:
        after.append(" · ")
        after.append(info.catalog_note, style=problem_style if info.catalog_problem else "dim")
    room = width - len(text) - len(after)
    text.append(_catalog_label(info.catalog_source, room))
    text.append_text(after)
    text.truncate(width, overflow="ellipsis")
    return text


def _catalog_label(label: str, room: int) -> str:
    """A path or URL keeps its start and its file name (its middle elided); any other label
    gives way to a shorter whole form (`embedded 2026.10.25`), never its middle."""
    if label.startswith(("~", "/", ".")) or "://" in label:
        return elide_middle(label, max(MIN_PATH, room))
    forms = label_forms(label)
    return next((form for form in forms if len(form) <= room), forms[-1])


def _paths_line(info: HeaderInfo, width: int) -> Text:
    trees = " incl. trees" if info.cache_trees else ""
    size = f" ({human_size(info.cache_size)}{trees})" if info.cache_size is not None else ""
    fixed = len("root ") + len("   cache ") + len(size)
    root, cache = info.install_root, info.cache_dir
    room = width - fixed
    if len(root) + len(cache) > room:
        # Share the room: a short path keeps its whole length, the other gets the rest.
        half = max(MIN_PATH, room // 2)
        if len(root) <= half:
            cache = elide_middle(cache, max(MIN_PATH, room - len(root)))
        elif len(cache) <= half:
            root = elide_middle(root, max(MIN_PATH, room - len(cache)))
        else:
            root = elide_middle(root, half)
            cache = elide_middle(cache, max(MIN_PATH, room - len(root)))
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("root ", style="dim")
    text.append(root)
    text.append("   cache ", style="dim")
    text.append(cache)
    if size:
        text.append(size, style="bold")
    text.truncate(width, overflow="ellipsis")
    return text
