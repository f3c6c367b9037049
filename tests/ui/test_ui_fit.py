"""Pilot tests of text that must fit whole at 80x24 as well as at 120x36 and 200x50: the pane
subtitles show the fullest of their forms that fits (app/view_model.py derives the forms,
widgets/pane.py picks one), again after every resize."""

from __future__ import annotations

import re

import pytest
from pytui.core.jobs import InstallJob
from pytui.widgets.pane import SUBTITLE_CHROME
from ui_helpers import UiWorld, ready, wait_for

SIZES = [(80, 24), (120, 36), (200, 50)]


def _subtitle(app, pane: str) -> str:
    return str(app.query_one(pane).border_subtitle)


def _fits(app, pane: str) -> bool:
    widget = app.query_one(pane)
    return len(_subtitle(app, pane)) <= widget.size.width - SUBTITLE_CHROME


async def test_the_cached_subtitle_keeps_the_total_whole_at_every_size(ui_world: UiWorld) -> None:
    for version in ("3.13.1", "3.11.11"):
        ui_world.seed_cache(version)
        # Installing from the cache keeps the archive's unpacked tree beside it.
        InstallJob(ui_world.build(version), settings=ui_world.settings).run()
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.state.cache_usage is not None
                       and ": 2 archives" in _subtitle(app, "#cached-pane"),
                       what="the measured cache in the Cached subtitle")
        seen = {}
        for size in [*SIZES, (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await wait_for(pilot, lambda: _fits(app, "#cached-pane"),
                           what=f"the Cached subtitle to fit at {size}")
            text = _subtitle(app, "#cached-pane")
            total = text.split(":")[0]
            assert total.endswith("iB") and "…" not in text, (size, text)
            assert _fits(app, "#installed-pane") and _fits(app, "#available-pane"), size
            seen[size] = text
        # At 80 columns the short form (the total and the counts); wider, the whole split.
        assert seen[(80, 24)].endswith(": 2 archives + 2 trees"), seen
        assert " + 2 trees " in seen[(120, 36)] and seen[(200, 50)] == seen[(120, 36)], seen


async def test_the_cached_subtitle_shows_a_measurement_that_arrives_last(
        ui_world: UiWorld) -> None:
    """The cache's measured total reaches the Cached subtitle when it is the last thing to
    arrive (it re-rendered only the header, so under load the subtitle could stay without it
    until something else redrew the panes)."""
    from pytui.widgets.format import human_size

    ui_world.seed_cache("3.13.1")
    InstallJob(ui_world.build("3.13.1"), settings=ui_world.settings).run()  # keeps a tree
    app = ui_world.make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.state.cache_usage is not None
                       and ": 1 archive" in _subtitle(app, "#cached-pane"),
                       what="the measured cache in the Cached subtitle")
        before = app.state.cache_usage
        # More bytes in the cache (a file no listing shows), measured again: nothing else
        # redraws the panes now.
        (ui_world.settings.cache_dir / "notes.bin").write_bytes(b"x" * (3 << 20))
        app.runner.measure_cache()
        await wait_for(pilot, lambda: app.state.cache_usage != before, what="the new measure")
        await pilot.pause()
        assert _subtitle(app, "#cached-pane").startswith(
            f"{human_size(app.state.cache_usage)}: 1 archive"), _subtitle(app, "#cached-pane")


async def test_filtered_subtitles_keep_the_filter_and_the_count_at_80(ui_world: UiWorld) -> None:
    ui_world.seed_cache("3.11.11")
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"3.13t")
        await wait_for(pilot, lambda: app.state.view.filter_text == "3.13t",
                       what="the filter")
        await pilot.pause()
        for pane in ("#available-pane", "#cached-pane", "#installed-pane"):
            assert _fits(app, pane), (pane, _subtitle(app, pane))
        # The same form side by side (Cached's once said `filter “3.13t” · …`).
        assert _subtitle(app, "#cached-pane") == "“3.13t”: 0 of 1 archive"
        assert _subtitle(app, "#installed-pane") == "“3.13t”: 0 of 0 interpreters"
        # A filter only a hidden build matches (the macOS one): the hint says Enter first
        # while the box has the focus, not once Enter left it.
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.state.view.filter_text, what="no filter")
        await pilot.press("slash", *"aarch64")
        await wait_for(pilot, lambda: _subtitle(app, "#available-pane").endswith(
            "in all platforms: Enter, then A"), what="the hint")
        await pilot.press("enter")
        await wait_for(pilot, lambda: _subtitle(app, "#available-pane").endswith(
            "in all platforms: press A"), what="the hint without Enter")


def table_app(table_class, rows, css: str):
    """An app showing only a `table_class` table of `rows`, styled by `css`."""
    from textual.app import App

    class Host(App[None]):
        CSS = f"{table_class.__name__} {{ {css} }}"

        def compose(self):
            yield table_class(id="table")

        def on_mount(self) -> None:
            self.query_one(table_class).show(rows)

    return Host()


def _drawn_cells(table) -> list[dict[str, str]]:
    """Each row's cells as drawn, by column key (a hidden column is absent)."""
    rows = []
    for y in range(1, min(table.row_count, table.size.height - 1) + 1):
        line = table.render_line(y).text
        start, cells = 0, {}
        for column in table.ordered_columns:
            width = column.get_render_width(table)
            if width:
                cells[column.key.value] = line[start:start + width].strip()
            start += width
        rows.append(cells)
    return rows


async def test_a_pre_release_key_its_state_and_support_are_never_cut_inside(
        ui_world: UiWorld, tmp_path) -> None:
    """A pre-release install keeps its whole version in Installed and Cached (`cpython-3.14.0rc1…`,
    never `cpython-3.14.0r…`); a cached archive's state is `ok +tree` or `ok`, never `ok…`; a
    support status is whole or its phase (`security…`), never `securi…`; at every size."""
    from fixtures_archives import make_pbs_archive, write_uv_catalog
    from pytui.core.settings import Settings

    rc = make_pbs_archive(tmp_path / "rc", version="3.14.0rc1").serve(ui_world.server)
    builds = [ui_world.build(v) for v in ("3.13.1", "3.11.11")] + [rc.build]
    write_uv_catalog(ui_world.catalog_path, builds)
    ui_world.settings = Settings.resolve(downloads_json=str(ui_world.catalog_path))
    for build in builds:
        InstallJob(build, settings=ui_world.settings).run()  # keeps each archive's tree
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: len(app.state.installations) == 3
                       and any(a.tree for a in app.state.archives), what="3 installs")
        for size in [*SIZES, (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            for table_id, column in (("#installed", "key"), ("#cached", "build")):
                cells = _drawn_cells(app.query_one(table_id))
                keys = [row[column] for row in cells]
                # (A key that does not fit gives way to its label, whole: `3.14.0rc1` in
                # Installed, `3.14.0rc1 20250818` in Cached.)
                assert any(key.startswith("cpython-3.14.0rc1") or key.split(" ")[0] == "3.14.0rc1"
                           for key in keys), (size, keys)
                assert not any(key.startswith("cpython-3.14.0r") and not
                               key.startswith("cpython-3.14.0rc1") for key in keys), (size, keys)
            for row in _drawn_cells(app.query_one("#cached")):
                assert row.get("state", "ok") in ("ok", "ok +tree"), (size, row)
            for table_id in ("#installed", "#available"):
                for row in _drawn_cells(app.query_one(table_id)):
                    support = row.get("support", "")
                    assert not support.endswith("…") or support[:-1] in (
                        "bugfix", "security", "pre-release") or support.startswith("EOL 20"), \
                        (size, support)
            if size[0] >= 200:
                installed = _drawn_cells(app.query_one("#installed"))
                assert rc.build.key in [row["key"] for row in installed]


async def test_the_install_question_wraps_the_url_after_a_separator_at_80(
        ui_world: UiWorld) -> None:
    """At 80x24 the question's Downloads URL wraps after a `/` or `-`, never inside a name
    (`x86_64-unkn` / `own-linux-gnu`)."""
    from pytui.app.screens import ConfirmModal

    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.query_one("#available").select_key(ui_world.build("3.13.1").key)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.pause()
        url = next(line.split(" ", 1)[1] for line in app.screen.question[1]
                   if line.startswith("Downloads "))
        drawn = []
        for widget in app.screen.query(".dialog-line"):
            for y in range(widget.size.height):
                line = widget.render_line(y).text.strip()
                if line:
                    drawn.append(line)
        # The URL starts beside `Downloads`, not alone on the line below it.
        assert any(line.startswith("Downloads http") for line in drawn), drawn
        parts = [line.removeprefix("Downloads ") for line in drawn
                 if line.removeprefix("Downloads ") in url]
        assert len(parts) >= 2 and "".join(parts) == url, drawn
        assert all(part[-1] in "/-_.,;&?=+" for part in parts[:-1]), parts


async def test_a_job_rows_note_is_cut_after_a_whole_word_at_80(ui_world: UiWorld) -> None:
    """A waiting job's note (`waiting for the lock on <root> (another process…)`) at 80x24 is
    cut after a whole word, never inside one (`(an…`); one naming the lock's holder keeps its
    pid (and its command's start), cut after a word too."""
    from pytui.widgets.job_list import JobRow
    from ui_helpers import root_lock_held

    ui_world.seed_cache("3.13.1")
    key = ui_world.build("3.13.1").key
    with root_lock_held(ui_world.settings.install_root):
        app = ui_world.make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            table = app.query_one("#available")
            table.focus()
            assert table.select_key(key)
            await pilot.press("i")
            await wait_for(pilot, lambda: any(j.phase == "waiting" for j in app.state.jobs.values()),
                           what="the job waiting for the lock")
            job = next(iter(app.state.jobs.values()))
            await pilot.pause()
            line = app.query_one(f"#job-{job.job_id}", JobRow).query_one(".job-error")
            drawn = line.render_line(0).text.strip()
            from pytui.app.job_view import home_shortened

            # The note as the row writes it: its paths from ~ (f480ae1).
            note = home_shortened(job.note, app.state.home)
            assert len(note) > line.content_region.width, "the note fits: nothing to check"
            # Its way out kept whole after the cut (aa9916f: cut_rules.cut_keeping_hint).
            from pytui.widgets.cut_rules import _DANGLING, KEY_HINT

            if note.endswith(KEY_HINT):
                assert drawn.endswith("…" + KEY_HINT), drawn
                drawn, note = drawn[:-len(KEY_HINT)], note[:-len(KEY_HINT)]
            import re

            from pytui.core.lock_holders import HOLDER_PHRASE, HOLDER_PID

            holder = re.search(HOLDER_PHRASE, note)
            if holder is not None:  # the holder kept, cut after a word (cut_rules._keeping_holder)
                pid = re.match(HOLDER_PID, holder.group())
                assert pid is not None and pid.group() in drawn, (drawn, note)
                shown_holder = drawn[drawn.index(pid.group()):].removesuffix("…")
                assert holder.group().startswith(shown_holder), (drawn, note)
                rest = holder.group()[len(shown_holder):] + note[holder.end():]
                assert not rest or rest[0] in " ,:;)", (drawn, note)
                app.runner.cancel(job.job_id)
                await wait_for(pilot, lambda: app.runner.stopped(job.job_id), what="the cancel")
                return
            assert drawn.endswith("…"), drawn
            kept = drawn[:-1]
            # After a whole word (a separator it ended with, `pid 123:`, is dropped: cut_rules).
            assert note.startswith(kept) and note[len(kept):].lstrip(_DANGLING.strip()).startswith(" "), \
                (drawn, note)
            app.runner.cancel(job.job_id)
            await wait_for(pilot, lambda: app.runner.stopped(job.job_id), what="the cancel")


async def test_the_header_label_and_the_details_parts_stay_whole_at_every_size(
        ui_world: UiWorld) -> None:
    """The embedded catalog's label gives way to whole forms (`embedded 2026.10.25`), never its
    middle; the Details title keeps whole parts (never a size cut: `295.4 …`)."""
    from pytui.core.catalog import Catalog
    from pytui.core.settings import Settings
    from pytui.widgets.cut_rules import label_forms
    from pytui.widgets.header import HeaderBar

    label = "embedded (pbs-installer 2026.10.25)"
    catalog = Catalog([ui_world.build(v) for v in ("3.13.1", "3.11.11")], source=label)
    from pytui.app.tui import make_app
    from ui_helpers import HOST

    ui_world.seed_cache("3.13.1")
    app = make_app(Settings.resolve(), catalog=catalog, host=HOST, refresh=False,
                   show_eta=False, home=ui_world.home)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        for size in [*SIZES, (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            header = app.query_one(HeaderBar)
            first = header.render_line(0).text.strip()
            shown = first.split("catalog ", 1)[1].split(" · ")[0].strip()
            assert shown in label_forms(label), (size, first)
            if size[0] >= 120:
                assert shown == label, (size, first)
            details = app.query_one("#details-body").render_line(0).text.strip()
            assert details.startswith("cpython-3.13.1"), details
            # A size is whole or left out (`1.2 …` would read as another size).
            assert re.search(r"\d+\.\d+ …", details) is None, (size, details)
            if size[0] >= 200:
                assert "…" not in details, details


async def test_the_environments_view_never_cuts_a_kind_a_version_or_a_how() -> None:
    """At 80, 120 and 200 columns: Kind is whole or its short form (`wrapper`), never `virt…`;
    a key keeps its whole version (`cpython-3.14.0rc1…`); How is one of its whole forms."""
    import os
    from pathlib import Path

    from pytui.app.envs_screen import EnvironmentsScreen
    from pytui.app.envs_view import short_how
    from pytui.app.state import AppState
    from pytui.core.environment import Environment
    from pytui.core.settings import Settings
    from pytui.widgets.env_table import KIND_SHORT, how_forms
    from textual.app import App
    from ui_helpers import HOST

    home = Path(os.environ["HOME"])
    rc = "cpython-3.14.0rc1-linux-x86_64-gnu"
    envs = [
        Environment(home / ".virtualenvs" / "old-notebooks", "virtualenvwrapper", None, "patch",
                    "broken", wanted="cpython-3.10.16-linux-x86_64-gnu", error="gone"),
        Environment(home / ".local" / "share" / "uv" / "tools" / "ruff", "uv-tool", rc, "patch",
                    "ok"),
        Environment(home / "code" / "some-long-project-name" / "sub" / ".venv", "venv",
                    "cpython-3.11.13-linux-x86_64-gnu", "minor", "ok"),
        Environment(home / "code" / "api" / ".python-version", "pin", None, None, "ok",
                    request="3.12"),
    ]
    state = AppState(Settings.resolve(), HOST, home, environments=envs)

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(EnvironmentsScreen(state, rescan=lambda: None, cancel=lambda: False))

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        for size in [*SIZES, (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, EnvironmentsScreen)
            rows = _drawn_cells(screen.table)
            assert len(rows) == len(envs), rows
            for row, env in zip(rows, sorted(envs, key=lambda e: (e.status != "broken",
                                                                    str(e.path))), strict=True):
                assert row["kind"] in (env.kind, KIND_SHORT.get(env.kind)), (size, row)
                assert row["how"] in how_forms(short_how(env)), (size, row)
                if env.key == rc:
                    assert row["key"].startswith("cpython-3.14.0rc1"), (size, row)
            if size[0] >= 120:
                assert {row["kind"] for row in rows} >= {"virtualenvwrapper", "uv-tool"}, rows


@pytest.mark.parametrize("size", SIZES)
async def test_two_archives_of_one_build_never_read_alike(ui_world: UiWorld, size) -> None:
    """At 80 columns the File column that tells them apart gives way, and the key is cut
    after its version: `ok  1.0 KiB  cpython-3.11.11-…` twice. Each row says what tells it
    from the other (its build date), at every size."""
    from pytui.widgets.cache_table import CacheTable
    from test_column_fit import _cell

    path = ui_world.seed_cache("3.11.11")
    date = ui_world.build("3.11.11").build or ""
    older = path.with_name("0123abcde-" + path.name.split("-", 1)[1].replace(date, "20241219"))
    older.write_bytes(path.read_bytes())
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        await wait_for(pilot, lambda: cached.row_count == 2, what="both archives listed")
        await pilot.pause()
        shown = [" ".join(_cell(cached, row, column) for column in ("state", "size", "build",
                                                                     "archive"))
                 for row in range(2)]
        assert shown[0] != shown[1], shown
        if size[0] < 200:
            keys = sorted(_cell(cached, row, "build") for row in range(2))
            assert keys == [f"3.11.11 {d}" for d in sorted(["20241219", date])], keys


async def test_the_cached_state_stays_at_80_when_the_rows_need_a_scrollbar(
        ui_world: UiWorld) -> None:
    """With more archives than rows the scrollbar takes a cell, and the State column gave way
    whole: an archive and a stopped download read alike but for their sizes. The size takes
    its short form (`683.6K`, as a narrow job row's bytes) instead; the labels stay whole."""
    from pytui.widgets.cache_table import CacheTable
    from test_column_fit import _cell

    path = ui_world.seed_cache("3.11.11")
    date = ui_world.build("3.11.11").build or ""
    tail = path.name.split("-", 1)[1]
    for index, other in enumerate(("20240101", "20240202", "20240303")):
        path.with_name(f"0123abcd{index}-" + tail.replace(date, other)).write_bytes(
            b"x" * 700_000)  # `683.6 KiB`: the widest a size is
    part = path.with_name("0123abcdf-" + tail.replace(date, "20240404") + ".part")
    part.write_bytes(b"x" * 500_000)
    # A pre-release's key keeps 18 cells (`cpython-3.14.0rc1…`), two more than the others'.
    path.with_name("0123abcde-" + tail.replace("3.11.11", "3.14.0rc1")).write_bytes(b"x" * 700_000)
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        await wait_for(pilot, lambda: cached.row_count == 6, what="six rows")
        await pilot.pause()
        visible = cached.size.height - 1
        assert visible < 6  # the rows overflow: a scrollbar
        states = [_cell(cached, row, "state") for row in range(visible)]
        keys = [_cell(cached, row, "build") for row in range(visible)]
        sizes = [_cell(cached, row, "size") for row in range(visible)]
        # (`partial` whole where its total is unknown: a `.part` with no resume note, in view
        # now that the newest build of a key comes first.)
        assert all(state in ("ok", "ok +tree", "partial") or state.startswith("◐")
                   for state in states), states
        # (uv's order, newest first: the pre-release's row leads.)
        assert keys[0] == "3.14.0rc1 20250115", keys
        assert all(key.startswith("3.11.11 ") and "…" not in key for key in keys[1:]), keys
        assert all(size and "…" not in size for size in sizes), sizes


async def test_archives_only_their_file_names_tell_apart_keep_the_state_and_size_at_80(
        ui_world: UiWorld) -> None:
    """Two archives of one build whose names differ only past what labels say (`.tar.gz` and
    `.tar.zst`, or a hostile name read as the same version) were labelled by their whole file
    names, which became the Key column's floor: at 80 columns State and Size gave way whole for
    every row, and the key was left whole, three rows alike. The extension now tells such
    archives apart, and a label no shorter than the key is no short form of it."""
    from pytui.widgets.cache_table import CacheTable
    from test_column_fit import _cell

    path = ui_world.seed_cache("3.11.11")
    tail = path.name.split("-", 1)[1]
    for name in ("0123abcde-" + tail, "0123abcde-" + tail.replace(".tar.gz", ".tar.zst"),
                 "0123abcdf-" + tail.replace("3.11.11", "3.１1.11"),  # FULLWIDTH DIGIT ONE
                 "0123abcdf-" + tail):
        path.with_name(name).write_bytes(b"x" * 1000)
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", CacheTable)
        await wait_for(pilot, lambda: cached.row_count == 5, what="five rows")
        await pilot.pause()
        rows = [[_cell(cached, row, column) for column in ("state", "size", "build")]
                for row in range(min(5, cached.size.height - 1))]
        assert all(state == "ok" and size for state, size, _ in rows), rows
        # Only its extension tells the `.tar.zst` from the others; the rest are cut as keys.
        labels = [row.label for row in app.vm.cache_rows(app.state)]
        assert "3.11.11 tar.zst" in labels, labels
        assert all(key.startswith("cpython-3.11.11") or key in labels for _, _, key in rows), rows


async def test_a_size_column_with_no_size_gives_way_to_whole_keys_at_80(ui_world: UiWorld) -> None:
    """uv's catalog gives no sizes: until something is cached every Available Size cell is blank,
    and that blank column gives its cells to the keys (at 80 columns the keys were cut,
    `cpython-3.13.1-linux-x86…`). A size that becomes known brings the column back."""
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        table = app.query_one("#available")
        drawn = _drawn_cells(table)
        assert drawn and all("size" not in row for row in drawn), drawn
        keys = {made.build.key for made in ui_world.archives.values()}
        assert all(row["key"] in keys for row in drawn), drawn  # whole, not cut
        ui_world.seed_cache("3.13.1")
        await pilot.press("r")
        await wait_for(pilot, lambda: len(app.state.archives) == 1,
                       what="the seeded archive listed")
        await pilot.pause()
        drawn = _drawn_cells(table)
        assert any(row.get("size") for row in drawn), drawn
