"""The cut rules without an app (widgets/cut_rules.py, the Environments view's widths, the
header's catalog label, the Support cell's short form), at the widths the panes have at 80, 120
and 200 columns: a key is never cut inside its version, a word never inside, a label gives
way to a shorter whole form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytui.widgets.cut_rules import (
    cut_parts,
    cut_words,
    key_floor,
    label_forms,
    line_forms,
    pick_form,
    version_end,
)
from pytui.widgets.env_table import GIVE_WAY, KIND, KIND_SHORT, PADDING, fit_widths, how_forms
from pytui.widgets.header import render_header
from pytui.widgets.rows import HeaderInfo, SupportView
from pytui.widgets.support_cell import short_support, support_cell, year_support
from pytui.widgets.table_cells import fitting_form

TERMINALS = (80, 120, 200)
EMBEDDED = "embedded (pbs-installer 2026.10.25)"


@pytest.mark.parametrize(("key", "end"), [
    ("cpython-3.12.11-linux-x86_64-gnu", len("cpython-3.12.11")),
    ("cpython-3.14.0rc1-linux-x86_64-gnu", len("cpython-3.14.0rc1")),
    ("cpython-3.15.0a2-macos-aarch64-none", len("cpython-3.15.0a2")),
    ("cpython-3.13.7+freethreaded-linux-x86_64-gnu", len("cpython-3.13.7")),
    ("pypy-3.10.14-linux-x86_64-gnu", len("pypy-3.10.14")),
    ("missing", len("missing")),
])
def test_a_key_keeps_its_whole_version(key: str, end: int) -> None:
    assert version_end(key) == end
    floor = key_floor([key])
    assert floor == (end if end == len(key) else end + 1)
    # What a column of that width shows: the version whole, then "…".
    shown = key[:floor - 1] + "…" if floor < len(key) else key
    assert shown.startswith(key[:end])


def test_the_floor_of_a_column_is_its_longest_version() -> None:
    keys = ["cpython-3.12.11-linux-x86_64-gnu", "cpython-3.14.0rc1-linux-x86_64-gnu"]
    assert key_floor(keys) == len("cpython-3.14.0rc1…")
    assert key_floor(keys, minimum=20) == 20


@pytest.mark.parametrize(("text", "width", "shown"), [
    ("pinned to 3.14.0rc1", 30, "pinned to 3.14.0rc1"),
    ("pinned to 3.14.0rc1", 16, "pinned…"),  # never `pinned to…` nor `pinned to 3.14.…`
    ("bugfix → 2027-10: bug and security fixes", 20, "bugfix → 2027-10…"),
    ("security → 2028-10", 12, "security…"),
    ("security", 5, "secu…"),
    ("wants 3.10.16", 4, ""),
])
def test_cut_words_keeps_whole_words(text: str, width: int, shown: str) -> None:
    assert cut_words(text, width) == shown
    assert len(cut_words(text, width)) <= width


def test_cut_parts_never_cuts_a_size() -> None:
    parts = ["build 20250818", "install_only", "295.4 KiB", "in Available, Cached"]
    for width in range(10, 80):
        shown = cut_parts(parts, width)
        assert len(shown) <= width
        assert "295.4 …" not in shown and ("295.4" not in shown or "295.4 KiB" in shown)
    assert cut_parts(parts, 200) == " · ".join(parts)


def test_a_label_gives_way_to_whole_forms() -> None:
    assert label_forms(EMBEDDED) == (EMBEDDED, "embedded 2026.10.25", "embedded")
    assert label_forms("versions.json (fetched) + " + EMBEDDED) == (
        "versions.json (fetched) + " + EMBEDDED, "versions.json (fetched)", "versions.json")
    assert pick_form(label_forms(EMBEDDED), 20) == "embedded 2026.10.25"


@pytest.mark.parametrize("columns", TERMINALS)
def test_the_header_never_cuts_the_catalog_label_in_its_middle(columns: int) -> None:
    info = HeaderInfo(offline=False, catalog_source=EMBEDDED, catalog_note="refresh failed",
                      install_root="~/.local/share/uv/python", cache_dir="~/.cache/pytui/python",
                      cache_size=3_500_000, builds=1051, catalog_problem=True, cache_trees=True)
    first = render_header(info, columns - 2).plain.split("\n")[0]
    assert len(first) <= columns - 2
    shown = first.split("catalog ", 1)[1].split(" · ")[0]
    assert shown in label_forms(EMBEDDED), first
    assert "1051 builds" in first and first.endswith("refresh failed"), first
    if columns >= 120:
        assert shown == EMBEDDED
    else:
        assert shown == "embedded 2026.10.25"


FETCHED = "download-metadata.json (fetched) + " + EMBEDDED


@pytest.mark.parametrize(("label", "age", "columns", "says"), [
    (EMBEDDED, "", 120, f"refresh failed · showing {EMBEDDED} · 1051 builds · r retries"),
    # The count gives way before the catalog's name is shortened, then `showing`, then the key.
    (EMBEDDED, "", 80, "refresh failed · showing embedded 2026.10.25 · r retries"),
    (EMBEDDED, "", 60, "refresh failed · embedded · r retries"),
    (FETCHED, "3 h old", 120, "refresh failed · showing download-metadata.json (fetched) · 3 h old · r retries"),
    (FETCHED, "3 h old", 80, "refresh failed · download-metadata.json · 3 h old · r retries"),
])
def test_a_failed_refresh_says_which_catalog_is_shown_and_the_key(
        label: str, age: str, columns: int, says: str) -> None:
    info = HeaderInfo(offline=False, catalog_source=label, catalog_note=age,
                      install_root="~/.local/share/uv/python", cache_dir="~/.cache/pytui/python",
                      cache_size=3_500_000, builds=1051, refresh_failed=True)
    first = render_header(info, columns - 2).plain.split("\n")[0]
    assert first == "pytui  ONLINE   " + says and len(first) <= columns - 2, first
    # Offline (`o` after the failure), `r` fetches nothing: no key is offered.
    offline = render_header(info.replace(offline=True), columns - 2).plain.split("\n")[0]
    assert offline.startswith("pytui  OFFLINE   refresh failed · ") and "r retries" not in offline


def test_the_header_derives_a_failed_refresh_from_the_state(tmp_path) -> None:
    """header_info (no Textual): the catalog read before, its age, the failure as a field, not
    as the note that replaced the age."""
    from pytui.app.header_view import header_info
    from pytui.app.state import REFRESH_FAILED
    from view_state import a_state

    state = a_state(tmp_path)
    state.catalog.fetched_at = state.clock() - 3 * 3600
    state.catalog_note, state.catalog_problem = REFRESH_FAILED, True
    info = header_info(state)
    assert info.refresh_failed and not info.catalog_problem and info.catalog_note == "3 h old", info
    state.catalog_note, state.catalog_problem = "", False
    assert not header_info(state).refresh_failed


def test_line_forms_drop_details_then_parts_and_keep_the_filter() -> None:
    line = "“venv”: 5 environments, 1 broken · scanned in 0.02 s (12 directories, none changed since the last scan)"
    forms = line_forms(line, keep="“venv”: ")
    assert forms == (line, "“venv”: 5 environments, 1 broken · scanned in 0.02 s",
                     "“venv”: 5 environments, 1 broken")
    # What the line gives way at, inside the kept piece, stays.
    hostile = "“a (b) · c”: "
    line = f"quick check (fresh; r checks it): {hostile}0 of 5 environments · scanned (3 dirs)"
    assert line_forms(line, keep=hostile) == (
        line, f"quick check (fresh; r checks it): {hostile}0 of 5 environments · scanned",
        f"quick check: {hostile}0 of 5 environments · scanned", f"quick check: {hostile}0 of 5 environments")


@pytest.mark.parametrize(("text", "short"), [
    ("security → 2028-10", "security…"), ("bugfix → 2027-10", "bugfix…"),
    ("pre-release → 2025-10", "pre-release…"), ("EOL 2024-10", "EOL 2024…"),
])
def test_a_support_status_gives_way_to_its_phase(text: str, short: str) -> None:
    assert short_support(text) == short


@pytest.mark.parametrize(("text", "year"), [
    ("security → 2028-10", "security → 2028"), ("bugfix → 2027-10", "bugfix → 2027"),
    ("pre-release → 2026-10", "pre-release → 2026"), ("EOL 2024-10", None),
])
def test_a_support_status_gives_way_to_its_year_first(text: str, year: str | None) -> None:
    assert year_support(text) == year


@given(st.text(max_size=40))
def test_a_year_form_is_the_status_less_its_month_or_none(text: str) -> None:
    year = year_support(text)
    assert year is None or (text.startswith(year) and len(text) == len(year) + 3)


@pytest.mark.parametrize(("inner", "drawn"), [
    (18, "security → 2028-10"), (17, "security → 2028"), (15, "security → 2028"),
    (14, "security…"), (9, "security…"), (3, "security…"),
])
def test_a_cell_draws_the_first_of_its_forms_that_fits(inner: int, drawn: str) -> None:
    cell = support_cell(SupportView("security", "security → 2028-10", "2028-10"))
    assert str(fitting_form(cell, inner)) == drawn


ENV_TEXTS = [
    ("~/.virtualenvs/old-notebooks", "virtualenvwrapper", "missing", "wants 3.10.16", "✗ broken"),
    ("~/.local/share/uv/tools/ruff", "uv-tool", "cpython-3.14.0rc1-linux-x86_64-gnu",
     "pinned to 3.14.0rc1", "ok"),
    ("~/code/api/.python-version", "pin", "missing", "pin 3.12 (no install satisfies it)", "ok"),
    ("~/code/some-long-project-name/subdir/.venv", "venv", "cpython-3.11.13-linux-x86_64-gnu",
     "follows 3.11", "ok"),
]
LABELS = ("Path", "Kind", "Key", "How", "Status")


@pytest.mark.parametrize("columns", TERMINALS)
def test_environment_columns_give_way_to_whole_forms(columns: int) -> None:
    # The table is the screen less the pane's border and the scrollbar's cell.
    room = columns - 2 - 1
    widths = fit_widths(ENV_TEXTS, LABELS, room)
    assert sum(widths) + PADDING * len(widths) <= room, widths
    path, kind, key, how, status = widths
    # Kind is never cut: whole, or every kind in its short form.
    assert kind >= max(len(KIND_SHORT.get(row[1], row[1])) for row in ENV_TEXTS)
    assert key >= len("cpython-3.14.0rc1…") and status >= len("✗ broken")
    assert how >= max(len(how_forms(row[3])[-1]) for row in ENV_TEXTS)
    if columns >= 120:
        assert kind == len("virtualenvwrapper")
    if columns >= 200:
        assert widths == [max(len(row[i]) for row in ENV_TEXTS) for i in range(5)]
    assert any(step[0] == KIND for step in GIVE_WAY)


URL = ("https://github.com/astral-sh/python-build-standalone/releases/download/20250818/"
       "cpython-3.10.18%2B20250818-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz")


@pytest.mark.parametrize("columns", TERMINALS)
def test_a_url_wraps_after_a_separator_never_inside_a_name(columns: int) -> None:
    from pytui.widgets.cut_rules import fold_ranges

    text = f"Downloads {URL} from the mirror"
    # A dialog's text is about 10 cells narrower than the screen.
    width = columns - 10
    ranges = fold_ranges(text, width)
    lines = [text[start:stop] for start, stop in ranges]
    assert all(len(line) <= width for line in lines), lines
    # Put back together (a space where a line broke at one), it is the text.
    rebuilt = ""
    for (start, _stop), line in zip(ranges, lines, strict=True):
        rebuilt += (" " if rebuilt and text[start - 1:start] == " " else "") + line
    assert rebuilt == text
    for line in lines[:-1]:
        assert line[-1] in "/-_.,;&?=+" or text[text.index(line) + len(line)] == " ", lines
    assert fold_ranges("a\nb", 10) == [(0, 1), (2, 3)]


def test_cut_parts_cuts_a_part_of_words_after_a_word() -> None:
    parts = ["build 20250818", "install_only_stripped", "29.6 MiB", "in Available, Cached, Installed"]
    assert cut_parts(parts, 75) == "build 20250818 · install_only_stripped · 29.6 MiB · in Available, Cached…"
    assert cut_parts(parts, 40) == "build 20250818 · install_only_stripped …"
    assert cut_parts(parts, 20) == "build 20250818 …"


@pytest.mark.parametrize("columns", TERMINALS)
def test_details_show_a_url_and_a_path_whole_wrapped_after_a_slash(columns: int) -> None:
    # The url line read `…/cpython-3.12.11%2B2025081…` at 120 columns: it is shown whole now,
    # its lines ending at a `/` where one fits (the rule the toasts break a name by).
    from pytui.widgets.details import render_details
    from pytui.widgets.rows import Details
    from rich.console import Console

    archive = ("~/.cache/pytui/python/c2fce3492-cpython-3.10.18-20250818-x86_64-unknown-linux-"
               "gnu-install_only_stripped.tar.gz")
    details = Details(title="cpython-3.10.18-linux-x86_64-gnu", note="build 20250818",
                      fields=(("support", "security → 2026-10: security fixes only, then end "
                                          "of life"), ("archive", archive), ("url", URL)),
                      message="")
    # The panel's text is four cells narrower than the screen (its border and padding).
    console = Console(width=columns - 4, record=True, color_system=None)
    console.print(render_details(details))
    lines = console.export_text().splitlines()
    values: dict[str, str] = {}
    label = ""
    for line in lines[1:]:
        label = line[:9].strip() or label  # a wrapped value's next lines have no label
        values[label] = values.get(label, "") + line[9:].rstrip()
    assert values["url"] == URL and values["archive"] == archive, lines
    at = next(i for i, line in enumerate(lines) if line.startswith("url"))
    url_lines = [line[9:].rstrip() for line in lines[at:]]
    # Every line of the URL's folders ends at a `/`; only its file name may break inside.
    name_at = URL.rindex("/") + 1
    ends = [URL.index(part) + len(part) for part in url_lines[:-1]]
    assert all(URL[end - 1] == "/" for end in ends if end <= name_at), url_lines
    assert all(URL[end - 1] in "-_+." for end in ends if end > name_at), url_lines


def test_a_wrapped_indented_line_keeps_its_indent() -> None:
    # History's message (indented under its entry's time) wrapped back to the left edge, so
    # its next lines read as entries of their own.
    from pytui.widgets.folded import fold_lines
    from rich.text import Text

    text = Text("08:43:57  install x  cancelled\n    kept in /home/someone/.cache/pytui/python/"
                "5e028dc33-cpython-3.13.7-20250818-x86_64.tar.gz.part for the next attempt")
    lines = [line.plain for line in fold_lines(text, 40)]
    assert lines[0] == "08:43:57  install x  cancelled"
    assert all(line.startswith("    ") and len(line) <= 40 for line in lines[1:]), lines
    assert " ".join(line.strip() for line in lines[1:]).replace("/ ", "/").replace("- ", "-") \
        == text.plain.split("\n")[1].strip()


@pytest.mark.parametrize("columns", TERMINALS)
def test_a_url_longer_than_a_line_starts_beside_the_word_before_it(columns: int) -> None:
    # `Downloads` stood alone on its line and the URL began below it, even at 200 columns.
    from pytui.widgets.cut_rules import fold_ranges

    text = f"Downloads {URL}"
    width = min(columns - 10, len(URL) - 1)
    first_start, first_stop = fold_ranges(text, width)[0]
    first = text[first_start:first_stop]
    assert first.startswith("Downloads https://") and first.endswith("/"), first


@pytest.mark.parametrize("text", ["/home/用户/项目/很长的目录名字/虚拟环境/bin/python3.12",
                                  "kept in /srv/ｐｙｔｈｏｎ/ｃａｃｈｅ/e\u0301e\u0301/x.tar.gz.part"])
def test_wide_characters_wrap_by_their_cells_and_none_is_hidden(text: str) -> None:
    # Folded counted characters: a line of CJK folder names was twice its width in cells, and
    # its crop hid the middle of the path (`/home/用户/项目/很长的目录名字` then `python3.12`).
    from pytui.widgets.folded import Folded
    from rich.cells import cell_len
    from rich.console import Console
    from rich.text import Text

    console = Console(width=30, record=True, color_system=None)
    console.print(Folded(Text(text)))
    lines = [line.rstrip() for line in console.export_text().splitlines()]
    assert all(cell_len(line) <= 30 for line in lines), lines
    assert " ".join(lines).replace("/ ", "/") == text, lines


@given(st.text(alphabet=" /-._a\n界\u200b\u0301é", max_size=60), st.integers(-2, 12))
def test_folded_lines_fit_their_cells_and_keep_every_character(text: str, width: int) -> None:
    from pytui.widgets.cut_rules import fold_ranges
    from rich.cells import cell_len, get_character_cell_size

    ranges = fold_ranges(text, width, get_character_cell_size)
    for start, stop in ranges:
        line = text[start:stop]
        assert "\n" not in line and (cell_len(line) <= max(width, 1) or len(line) == 1), ranges
    kept = "".join(text[start:stop] for start, stop in ranges)
    assert kept.replace(" ", "") == text.replace(" ", "").replace("\n", ""), ranges


@pytest.mark.parametrize("columns", TERMINALS)
def test_details_show_a_path_with_a_space_whole(columns: int) -> None:
    # `~/My Cache/…` was a value of several words, so it was cut on one line with `…` like the
    # support text; a path is shown whole, wrapped, whatever it holds.
    from pytui.widgets.details import render_details
    from pytui.widgets.rows import Details
    from rich.console import Console

    archive = ("~/My Cache Files/pytui python/c2fce3492-cpython-3.10.18-20250818-x86_64-unknown-"
               "linux-gnu-install_only_stripped.tar.gz")
    install = "~/My Pythons/cpython-3.10.18-linux-x86_64-gnu  (not installed)"
    details = Details(title="cpython-3.10.18-linux-x86_64-gnu", note="build 20250818",
                      fields=(("archive", archive), ("install", install)), message="")
    console = Console(width=columns - 4, record=True, color_system=None)
    console.print(render_details(details))
    lines = console.export_text().splitlines()
    text = " ".join(line[9:].strip() for line in lines[1:])
    assert "…" not in text, lines
    for value in (archive, install):
        assert value.replace(" ", "") in text.replace(" ", ""), (value, lines)


def test_a_job_note_cut_keeps_its_key_hint() -> None:
    """At 80x24 a waiting job's second line was cut after a word before its way out:
    `waiting for the lock on ~/.local/share/uv/python (held by pid 8567: flock…`, the
    `; c cancels` that ends it gone. The hint stays; the words before it give way."""
    from pytui.widgets.cut_rules import cut_keeping_hint

    note = ("waiting for the lock on ~/.local/share/uv/python (held by pid 8567: flock "
            "/tmp/r/.lock sleep 12, which is changing the install root; up to 300s, "
            "UV_LOCK_TIMEOUT); c cancels")
    for width in (76, 60, 40, 30):
        shown = cut_keeping_hint(note, width)
        assert len(shown) <= width and shown.endswith("…; c cancels"), (width, shown)
        # Who holds the lock stays too (at 40 the row read `waiting for the lock on…; c
        # cancels`): the words before it give way first, then its command's end.
        assert "held by pid 8567" in shown, (width, shown)
    assert cut_keeping_hint(note, 76) == "waiting… held by pid 8567: flock /tmp/r/.lock sleep 12…; c cancels"
    assert cut_keeping_hint(note, 40) == "held by pid 8567: flock…; c cancels"
    # With no holder named, cut after a word as before.
    anonymous = ("waiting for the lock on ~/.local/share/uv/python (another uv or pytui process is "
                 "changing the install root; up to 300s, UV_LOCK_TIMEOUT); c cancels")
    assert cut_keeping_hint(anonymous, 40) == "waiting for the lock on…; c cancels"
    assert cut_keeping_hint(note, 1000) == note
    # Too narrow for the hint and a word: as any line, cut after a word.
    assert cut_keeping_hint(note, 16) == cut_words(note, 16)
    # A line with no hint is cut as ever.
    assert cut_keeping_hint("could not download (HTTP 404 Not Found); nothing was installed", 30) \
        == cut_words("could not download (HTTP 404 Not Found); nothing was installed", 30)
