"""The header: mode, catalog source and age, install root, cache dir and its size.

Two lines that never wrap: a path too long for the width has its middle elided (`…`),
recomputed at every redraw, so a resize re-fits it."""

from __future__ import annotations

from pytui.core.elide import ELLIPSIS, elide_middle
from pytui.widgets.cut_rules import label_forms
from pytui.widgets.format import human_size
from pytui.widgets.rows import HeaderInfo
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

__all__ = ["HeaderBar", "HeaderInfo", "render_header"]

# The paths shrink to this before the rest of a line is cut at the edge.
MIN_PATH = 12


class HeaderBar(Widget):
    """Every path arrives already shortened (`~`) by the app; this fits them to the width."""

    # The mode's badges: the app's CSS gives them the theme's status colours (app.tcss).
    COMPONENT_CLASSES = {"header--problem", "header--online", "header--offline"}
    DEFAULT_CSS = """
    HeaderBar > .header--problem { color: $text-error; text-style: bold; }
    HeaderBar > .header--online { color: black; background: green; text-style: bold; }
    HeaderBar > .header--offline { color: black; background: yellow; text-style: bold; }
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
        badge = self.get_component_rich_style("header--offline" if self.info.offline else "header--online")
        return render_header(self.info, self.content_region.width or 1_000, problem, badge)


def render_header(info: HeaderInfo, width: int = 1_000,
                  problem_style: Style | str = "bold red", badge_style: Style | str = "") -> Text:
    """Both lines in `width` cells (long paths elided in the middle). `badge_style` is the
    ONLINE / OFFLINE badge's (HeaderBar passes the theme's: app.tcss)."""
    return Text("\n").join([_catalog_line(info, width, problem_style, badge_style),
                            _paths_line(info, width)])


def _catalog_line(info: HeaderInfo, width: int, problem_style: Style | str,
                  badge_style: Style | str = "") -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("pytui ", style="bold")
    if info.offline:
        text.append(" OFFLINE ", style=badge_style or "bold black on yellow")
    else:
        text.append(" ONLINE ", style=badge_style or "bold black on green")
    shortest = _shortest_label(info.catalog_source)
    if info.refresh_failed:
        # What failed, right after the mode, then which catalog is shown and the key that
        # retries (`ONLINE … · refresh failed` at the line's end read as a contradiction).
        # Narrower, the build count gives way first (which catalog is shown matters more),
        # then `showing`, then the key.
        text.append("  refresh failed", style=problem_style)
        forms = ((" · showing ", True, True), (" · showing ", False, True), (" · ", False, True),
                 (" · showing ", False, False), (" · ", False, False))
        for index, (lead, count, hint) in enumerate(forms):
            after = _after_catalog(info, problem_style, count=count, hint=hint)
            room = width - len(text) - len(lead) - len(after)
            if room >= (len(info.catalog_source) if count else shortest) or index == len(forms) - 1:
                break
        text.append(lead, style="dim")
    else:
        text.append("  catalog ", style="dim")
        after = _after_catalog(info, problem_style, count=True)
        room = width - len(text) - len(after)
        if room < shortest:
            # Narrower than about 50 columns: the build count gives way before the catalog's
            # name is cut at the line's end (`~/c…log.jso…` at 40 columns).
            after = _after_catalog(info, problem_style, count=False)
            room = width - len(text) - len(after)
    text.append(_catalog_label(info.catalog_source, room))
    text.append_text(after)
    text.truncate(width, overflow="ellipsis")
    return text


def _after_catalog(info: HeaderInfo, problem_style: Style | str, *, count: bool,
                   hint: bool = True) -> Text:
    """What follows the catalog's label: its build count (when `count`), its note, and after
    a failed refresh the key that retries (when `hint`)."""
    after = Text()
    if info.builds and count:
        after.append(f" · {info.builds} build{'s' if info.builds != 1 else ''}", style="dim")
    if info.catalog_note:
        after.append(" · ")
        after.append(info.catalog_note, style=problem_style if info.catalog_problem else "dim")
    if info.refresh_failed and hint and not info.offline:  # (offline, `r` fetches nothing)
        after.append(" · r retries", style="dim")
    return after


def _is_path(label: str) -> bool:
    return label.startswith(("~", "/", ".")) or "://" in label


def _shortest_label(label: str) -> int:
    """The fewest cells the catalog's label is drawn in (`_catalog_label`)."""
    return min(len(label), MIN_PATH) if _is_path(label) else len(label_forms(label)[-1])


def _catalog_label(label: str, room: int) -> str:
    """A path or URL keeps its start and its file name (its middle elided), a URL that does
    not fit its host first (`127.0.0.1:8732/…`, not `http:/…`); any other label gives way to a
    shorter whole form (`embedded 2026.10.25`), never its middle."""
    if "://" in label:
        return elide_middle(label if len(label) <= room else _host_first(label), max(MIN_PATH, room))
    if _is_path(label):
        return elide_middle(label, max(MIN_PATH, room))
    forms = label_forms(label)
    return next((form for form in forms if len(form) <= room), forms[-1])


def _host_first(url: str) -> str:
    """`url` less its scheme and user info: what tells one catalog server from another."""
    rest = url.split("://", 1)[1]
    authority, slash, path = rest.partition("/")
    return authority.rpartition("@")[2] + slash + path


def _paths_line(info: HeaderInfo, width: int) -> Text:
    trees = " incl. trees" if info.cache_trees else ""
    size = f" ({human_size(info.cache_size)}{trees})" if info.cache_size is not None else ""
    gap = "   cache "
    fixed = len("root ") + len(gap) + len(size)
    root, cache = info.install_root, info.cache_dir
    if trees and len(root) + len(cache) > width - fixed:
        # `incl. trees` gives way before a path is elided (the Cached pane's subtitle says it).
        size = size.replace(trees, "")
        fixed -= len(trees)
    if len(root) + len(cache) > width - fixed:
        gap = "  cache "  # then a space of the gap (40 columns: the size stays whole)
        fixed -= 1
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
        if size and len(root) + len(cache) > room:
            # Both at their floor and still no room for the size (40 columns, uv's default
            # dirs): the cache dir's path gives way to `…` (a few cells of it name nothing)
            # before the size is cut at the edge; the size is what only the header says
            # (`pytui cache dir` prints the path). The root takes the cells left.
            cache = ELLIPSIS
            root = elide_middle(info.install_root, max(MIN_PATH, room - len(cache)))
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("root ", style="dim")
    text.append(root)
    text.append(gap, style="dim")
    text.append(cache)
    if size:
        text.append(size, style="bold")
    text.truncate(width, overflow="ellipsis")
    return text
