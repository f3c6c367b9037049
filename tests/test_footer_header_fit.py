"""The footer and the header fit any width without wrapping or gluing (no Textual app run):
footer items left out by rank with `? All keys` said instead, long paths elided in the middle."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pytui.app.keymap import FOOTER_PRIORITY, KEYMAP, footer_ranks
from pytui.core.elide import elide_middle
from pytui.widgets.header import render_header
from pytui.widgets.key_bar import FooterItem, fit_items, line_width
from pytui.widgets.rows import HeaderInfo


def _footer_items() -> list[FooterItem]:
    """The main screen's shown keys, grouped as the app groups them."""
    ranks = footer_ranks()
    items: list[FooterItem] = []
    groups: dict[str, int] = {}
    for key in KEYMAP:
        if not (key.keys and key.action and key.show):
            continue
        display = key.display.split(" / ")[0]
        if key.group and key.group in groups:
            old = items[groups[key.group]]
            items[groups[key.group]] = FooterItem((*old.keys, display), old.label, True,
                                                  min(old.rank, ranks[key.action]),
                                                  action=old.action)
            continue
        if key.group:
            groups[key.group] = len(items)
        items.append(FooterItem((display,), key.group or key.label, True,
                                ranks.get(key.action, 1_000), action=key.action))
    return items


def _text(items: list[FooterItem]) -> str:
    return " " + "  ".join(" ".join(i.keys) + " " + i.label for i in items)


def test_every_shown_key_has_a_footer_rank() -> None:
    shown = {k.action for k in KEYMAP if k.keys and k.action and k.show}
    assert shown <= set(FOOTER_PRIORITY), shown - set(FOOTER_PRIORITY)


def test_footer_at_200_columns_shows_every_key() -> None:
    items = _footer_items()
    shown = fit_items(items, 200)
    assert shown == items
    assert "Purge  v Verify" in _text(shown)  # a group's label never glued to the next key


def test_footer_at_80_columns_keeps_the_important_keys_and_points_to_the_rest() -> None:
    shown = fit_items(_footer_items(), 80)
    text = _text(shown)
    assert line_width(shown) <= 80 and len(text) <= 80
    labels = [item.label for item in shown]
    assert labels[0] == "All keys"  # `?` lists what was left out
    for label in ("Install", "Uninstall", "Cancel", "Quit", "Filter"):
        assert label in labels, text
    assert "PurgevVerify" not in text.replace(" ", "") or "Purge  v" in text


@given(st.integers(min_value=0, max_value=300))
def test_footer_fits_any_width(width: int) -> None:
    items = _footer_items()
    shown = fit_items(items, width)
    assert not shown or line_width(shown) <= width
    # Kept in keymap order; a key left out does not fit in the room over, and one left out for
    # a less important one did not fit instead of it either.
    order = [i.action for i in items]
    at = [order.index(i.action) for i in shown]
    assert at == sorted(at)
    for index, item in enumerate(items):
        if index in at:
            continue
        if item.action == "help":  # shown as `? All keys` once a key is left out
            item = FooterItem(item.keys, "All keys", rank=item.rank, action=item.action)
        assert line_width([*shown, item]) > width, (width, item)
        for worse in (s for s in shown if s.rank > item.rank and s.action != "help"):
            swapped = [s if s is not worse else item for s in shown]
            assert line_width(swapped) > width, (width, item, worse)


def _screen_items(*parts: tuple[str, str, str]) -> list[FooterItem]:
    """A screen's footer items, unranked (keymap order), as (key, label, action)."""
    return [FooterItem((key,), label, action=action) for key, label, action in parts]


ENVIRONMENTS = (("Esc", "Close", "close"), ("/", "Filter", "filter"), ("r", "Rescan", "rescan"),
                ("c", "Stop scan", "cancel_scan"), ("?", "Help", "help"), ("q", "Quit", "quit"))


def test_a_narrow_footer_fills_the_room_a_left_out_key_leaves() -> None:
    """At 20 columns Environments showed `Esc Close` alone (`? All keys` beside it does not
    fit, and was left out after `/ Filter`, which did fit): the room is filled."""
    assert _text(fit_items(_screen_items(*ENVIRONMENTS), 20)) == " Esc Close  / Filter"
    # Wider, `?` says where the rest are, and what fits after it comes back.
    assert _text(fit_items(_screen_items(*ENVIRONMENTS), 40)) == \
        " Esc Close  / Filter  ? All keys  q Quit"


def test_a_key_written_two_ways_is_written_one_way_before_a_key_goes() -> None:
    """Purge by rule at 20 columns showed `y Purge` alone: `n/Esc Cancel` did not fit."""
    purge = [FooterItem(("y",), "Purge", action="confirm"),
             FooterItem(("n/Esc",), "Cancel", action="cancel")]
    assert _text(fit_items(purge, 20)) == " y Purge  n Cancel"
    assert _text(fit_items(purge, 40)) == " y Purge  n/Esc Cancel"
    # `/` alone is a key, not two.
    assert _text(fit_items([FooterItem(("/",), "Filter"), FooterItem(("q",), "Quit")], 10)) == \
        " / Filter"


def test_the_main_footer_at_20_columns_keeps_help_and_quit() -> None:
    assert _text(fit_items(_footer_items(), 20)) == " ? All keys  q Quit"


@given(st.text(alphabet="abc/._-", min_size=0, max_size=200), st.integers(0, 120))
def test_elide_middle_fits_and_keeps_both_ends(text: str, width: int) -> None:
    out = elide_middle(text, width)
    assert len(out) <= max(width, 0) or len(text) <= width
    if len(text) <= width:
        assert out == text
    elif width >= 8:
        assert "…" in out
        head, tail = out.split("…", 1)
        assert text.startswith(head) and text.endswith(tail)


def test_a_long_path_keeps_its_file_name() -> None:
    path = "~/some/very/long/directory/name/for/catalogs/mirror/download-metadata.json"
    assert elide_middle(path, 40).endswith("/download-metadata.json")


def _info(**changes: object) -> HeaderInfo:
    base = dict(offline=False, catalog_source="~/" + "deep/" * 30 + "download-metadata.json",
                catalog_note="3 h old", install_root="~/.local/share/uv/python",
                cache_dir="~/" + "cache/" * 20 + "python", cache_size=5_000_000, builds=512)
    base.update(changes)
    return HeaderInfo(**base)  # type: ignore[arg-type]


def test_header_is_two_lines_that_fit_at_80_columns() -> None:
    lines = render_header(_info(), 78).plain.split("\n")
    assert len(lines) == 2
    assert all(len(line) <= 78 for line in lines), lines
    assert lines[0].startswith("pytui ") and "download-metadata.json" in lines[0]
    assert "512 builds" in lines[0] and "3 h old" in lines[0]
    assert lines[1].startswith("root ~/.local/share/uv/python") and "cache ~/" in lines[1]
    assert lines[1].endswith("python (4.8 MiB)"), lines[1]


def test_header_shows_paths_whole_when_they_fit() -> None:
    info = _info(catalog_source="~/catalog.json", cache_dir="~/.cache/pytui/python")
    lines = render_header(info, 118).plain.split("\n")
    assert "~/catalog.json" in lines[0] and "…" not in "".join(lines)
    assert lines[1] == "root ~/.local/share/uv/python   cache ~/.cache/pytui/python (4.8 MiB)"


def test_a_catalog_of_one_build_says_build() -> None:
    assert " · 1 build · " in render_header(_info(builds=1), 118).plain
    assert " · 2 builds · " in render_header(_info(builds=2), 118).plain


def test_at_40_columns_the_count_and_trees_give_way_before_a_name_or_size_is_cut() -> None:
    # At 40 columns the header read `catalog ~/c…log.jso…` (elided, then cut at the edge) and
    # `cache ~/cache (261.5 …`: the build count and `incl. trees` now give way first.
    info = _info(catalog_source="~/catalog.json", install_root="~/root", cache_dir="~/cache",
                 cache_size=267_000, builds=8, catalog_note="", cache_trees=True)
    lines = render_header(info, 38).plain.split("\n")
    assert lines == ["pytui  ONLINE   catalog ~/catalog.json",
                     "root ~/root  cache ~/cache (260.7 KiB)"], lines
    # Where they fit, both stay.
    wide = render_header(info, 78).plain.split("\n")
    assert wide == ["pytui  ONLINE   catalog ~/catalog.json · 8 builds",
                    "root ~/root   cache ~/cache (260.7 KiB incl. trees)"], wide
    # The catalog's note (its age or a failed refresh) stays: only the count went.
    noted = render_header(_info(catalog_source="~/catalog.json", builds=8,
                                catalog_note="refresh failed"), 48).plain.split("\n")[0]
    assert "builds" not in noted and " · refresh" in noted and len(noted) <= 48, noted


def test_at_40_columns_with_uvs_default_dirs_the_cache_size_stays_whole() -> None:
    # uv's default dirs at 40 columns: both paths at their 12-cell floor left no room for the
    # size, cut at the edge (`cache ~/.c…/python…`). The cache dir's path gives way first: the
    # size is what only the header says (`pytui cache dir` prints the path).
    info = _info(catalog_source="~/catalog.json", install_root="~/.local/share/uv/python",
                 cache_dir="~/.cache/pytui/python", cache_size=208_300_000, builds=7,
                 catalog_note="", cache_trees=True)
    line = render_header(info, 38).plain.split("\n")[1]
    assert line.endswith(" (198.7 MiB)") and len(line) <= 38, line
    assert line.startswith("root ~/.l") and "cache " in line, line
    # Where both fit at their floor, both stay (60 columns).
    wide = render_header(info, 58).plain.split("\n")[1]
    assert wide.endswith(" (198.7 MiB)") and "cache ~/.ca" in wide and len(wide) <= 58, wide
