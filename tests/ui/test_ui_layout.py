"""Pilot tests of the layout at 80x24, 120x36 and 200x50: the focused pane stands out in dark
and light themes with readable colours, the footer fits and recovers after a resize, the
header never wraps, the help scrolls with the keyboard, and running jobs stay in view."""

from __future__ import annotations

import io
import shutil

import pytest
from pytui.app.contrast import BORDER_MIN, TEXT_MIN, contrast
from pytui.app.screens import HelpScreen
from pytui.app.scroll_hint import MORE_ABOVE, MORE_BELOW, MORE_BOTH
from pytui.widgets.header import HeaderBar
from pytui.widgets.job_list import MAX_ENDED_ROWS, JobList, JobRow
from pytui.widgets.key_bar import KeyBar, line_width
from rich.console import Console
from textual.color import Color
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import ProgressBar, Static
from ui_helpers import UiWorld, press_install, ready, wait_for

PANES = {"#available": "#available-pane", "#cached": "#cached-pane",
         "#installed": "#installed-pane"}
SIZES = [(80, 24), (120, 36), (200, 50)]


def _rgb(color: Color) -> tuple[int, int, int]:
    return color.r, color.g, color.b


def _variable(app, name: str) -> Color:
    return Color.parse(app.get_css_variables()[name])


def _border(widget: Widget) -> tuple[str, Color]:
    kind, color = widget.styles.border_top
    return kind, color


def _ground(widget: Widget) -> Color:
    """The colour a widget's border and text are drawn on (its own background over its
    parents')."""
    return widget.background_colors[1]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_focused_pane_is_unmistakable_and_readable(ui_world: UiWorld,
                                                             theme: str) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.theme = theme
        await pilot.pause()
        focus, plain = _variable(app, "pane-focus"), _variable(app, "pane-border")
        title_text = _variable(app, "pane-focus-text")
        for table_id, pane_id in PANES.items():
            app.query_one(table_id).focus()
            await pilot.pause()
            for other_id in [*PANES.values(), "#details", "#jobs"]:
                container = app.query_one(other_id)
                kind, color = _border(container)
                ground = _ground(container)
                if other_id == pane_id:
                    assert (kind, color) == ("heavy", focus), (theme, other_id)
                    assert container.styles.border_title_background == focus
                    assert container.styles.border_title_color == title_text
                    assert contrast(_rgb(title_text), _rgb(focus)) >= TEXT_MIN
                    assert contrast(_rgb(color), _rgb(ground)) >= BORDER_MIN
                else:
                    assert (kind, color) == ("round", plain), (theme, table_id, other_id)
                    assert contrast(_rgb(color), _rgb(ground)) >= BORDER_MIN, (theme, other_id)
                # Against the screen around the panes too.
                screen_ground = _ground(app.screen)
                assert contrast(_rgb(color), _rgb(screen_ground)) >= BORDER_MIN


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_job_errors_and_phases_are_readable(ui_world: UiWorld, theme: str) -> None:
    """A failed job's cause and its phase, in the colours the row really uses."""
    failing = ui_world.build("3.13.1")
    ui_world.server.set_faults(failing.url.split(ui_world.server.base_url, 1)[1], status=404)
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.theme = theme
        table = app.query_one("#available")
        table.focus()
        assert table.select_key(failing.key)
        await pilot.press("i")
        job = next(iter(app.state.jobs.values()))
        await wait_for(pilot, lambda: job.ended, what="the 404 job ends")
        await pilot.pause()
        row = app.query_one(f"#job-{job.job_id}", JobRow)
        error = row.query_one(".job-error", Static)
        _, _, background, color = error.colors
        assert contrast(_rgb(color), _rgb(background)) >= TEXT_MIN, (theme, color, background)
        phase = row.get_component_rich_style("job-row--bad").color
        assert phase is not None and phase.triplet is not None
        rgb = (phase.triplet.red, phase.triplet.green, phase.triplet.blue)
        assert contrast(rgb, _rgb(_ground(row))) >= TEXT_MIN
        # Tab onto the row: the Jobs panel is the focused one now, the table's pane is not.
        row.focus()
        await pilot.pause()
        jobs = app.query_one("#jobs")
        assert _border(jobs) == ("heavy", _variable(app, "pane-focus"))
        assert jobs.styles.border_title_background == _variable(app, "pane-focus")
        assert _border(app.query_one("#available-pane"))[0] == "round"


def _bar_text(app) -> str:
    bar = app.query_one(KeyBar)
    return bar.render().plain


@pytest.mark.parametrize("start", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_footer_fits_every_size_and_recovers_after_a_resize(
        ui_world: UiWorld, start: tuple[int, int]) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=start) as pilot:
        await ready(pilot)
        bar = app.query_one(KeyBar)
        every = " ".join(f"{' '.join(i.keys)} {i.label}" for i in bar.items)
        seen: dict[int, str] = {}
        for width, height in [*SIZES, start, (80, 24), (200, 50)]:
            await pilot.resize_terminal(width, height)
            # The footer is laid out again once the screen has the new size: wait for that.
            await wait_for(pilot, lambda w=width: app.screen.size.width == w and bar.size.width == w,
                           what=f"footer at {width} columns")
            await pilot.pause()
            text = _bar_text(app)
            assert len(text) <= width and line_width(bar.shown()) <= width, (width, text)
            assert "? " in text and "q Quit" in text and "i Install" in text, text
            # Labels are never glued to the next key.
            assert "Purgev" not in text and "Viewo" not in text, text
            if width >= 200:
                assert "All keys" not in text
                assert " ".join(text.split()) == every, text
            else:
                assert ("All keys" in text) == (len(bar.shown()) < len(bar.items))
            # The same width draws the same footer, whatever came before.
            assert seen.setdefault(width, text) == text, (width, seen[width], text)


async def test_the_filter_box_shows_its_own_keys_first(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await wait_for(pilot, lambda: "Esc Clear filter" in _bar_text(app), what="filter keys")
        text = _bar_text(app)
        assert text.lstrip().startswith("Enter Keep filter  Esc Clear filter"), text
        # Letters type into the box, so their keys are not offered meanwhile.
        assert "q Quit" not in text and len(text) <= 80
        await pilot.press(*"3.12", "enter")
        await wait_for(pilot, lambda: "Clear filter" not in _bar_text(app), what="table keys")
        assert app.focused is app.query_one("#available")
        assert "q Quit" in _bar_text(app) and "? All keys" in _bar_text(app)


async def test_the_header_never_wraps_a_long_catalog_path(ui_world: UiWorld) -> None:
    deep = ui_world.home.joinpath("some", "very", "long", "directory", "name", "for",
                                  "catalogs", "mirror-of-python-build-standalone")
    deep.mkdir(parents=True)
    catalog = deep / "download-metadata.json"
    shutil.copyfile(ui_world.catalog_path, catalog)
    ui_world.settings = ui_world.settings.replace(downloads_json=str(catalog))
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        header = app.query_one("#header", HeaderBar)
        for width, height in [(80, 24), (120, 36), (60, 20), (80, 24)]:
            await pilot.resize_terminal(width, height)
            # Laid out at the new width, not one pause later: under load (15-19) the header
            # was read still at 60 columns after the resize to 80 (review38).
            await wait_for(pilot, lambda w=width: header.region.width == w,
                           what=f"the header laid out at {width} columns")
            lines = header.render().plain.split("\n")
            assert header.region.height == 2 and len(lines) == 2, lines
            room = header.content_region.width
            assert all(len(line) <= room for line in lines), (width, lines)
            assert lines[0].startswith("pytui") and "metadata.json · 4 builds" in lines[0]
            assert lines[1].startswith("root ~/") and "cache ~/" in lines[1], lines
            if width >= 80:
                assert "/download-metadata.json" in lines[0], lines
                assert lines[1].startswith("root ~/.local/share/uv/python"), lines
        # Wide enough: the whole path.
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert "~/some/very/long/directory" in header.render().plain


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
async def test_the_help_scrolls_with_the_keyboard(ui_world: UiWorld,
                                                  size: tuple[int, int]) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await pilot.pause()
        body = app.screen.query_one("#help-body", VerticalScroll)
        dialog = app.screen.query_one("#help-dialog")
        assert app.focused is body
        # The whole dialog is on screen; what does not fit is reached by scrolling.
        assert dialog.region.y >= 0 and dialog.region.bottom <= size[1]
        assert body.max_scroll_y > 0
        hint = app.screen.query_one("#help-scroll-hint")
        assert hint.display and hint.region.bottom <= dialog.region.bottom
        await pilot.press("down")
        await wait_for(pilot, lambda: body.scroll_y == 1, what="one line down")
        if body.max_scroll_y > 1:
            await wait_for(pilot, lambda: str(hint.content) == MORE_BOTH, what="the hint: both")
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: body.scroll_y > 1, what="a page down")
        await pilot.press("end")
        await wait_for(pilot, lambda: body.scroll_y == body.max_scroll_y, what="the end")
        # At the end the hint no longer says there is more below.
        await wait_for(pilot, lambda: str(hint.content) == MORE_ABOVE, what="the hint: above")
        # The last line (the OFFLINE mode) is inside the dialog now.
        modes = app.screen.query_one("#help-modes")
        assert modes.region.bottom <= body.region.bottom
        await pilot.press("pageup")
        await wait_for(pilot, lambda: body.scroll_y < body.max_scroll_y, what="a page up")
        await pilot.press("home")
        await wait_for(pilot, lambda: body.scroll_y == 0, what="the top")
        await wait_for(pilot, lambda: str(hint.content) == MORE_BELOW, what="the hint: below")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), what="closed")


def _plain(renderable: object) -> str:
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


def _visible(app, job_id: int) -> bool:
    jobs = app.query_one("#jobs", JobList)
    row = app.query_one(f"#job-{job_id}", JobRow)
    inner = jobs.content_region
    return row.region.area > 0 and inner.contains_region(row.region)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
async def test_running_jobs_stay_in_view_when_others_finish(ui_world: UiWorld,
                                                            size: tuple[int, int]) -> None:
    """Job states are set directly (the runner is not involved): one long download, then many
    jobs that end one after another, as a busy session has them."""
    app = ui_world.make_app()
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        state = app.state
        build = ui_world.build("3.12.8")
        running = state.add_job("install", build.key, build=build)
        state.progress(running.job_id, "download", 3_000_000, 9_000_000, 250_000.0)
        app.renderer.job(running)
        ended = []
        for index in range(MAX_ENDED_ROWS + 3):
            other = ui_world.build("3.13.1" if index % 2 else "3.11.11")
            job = state.add_job("install", other.key, build=other)
            app.renderer.job(job)
            state.progress(job.job_id, "finish", 1, 1)
            app.renderer.job(job)
            if index % 3 == 2:
                state.end_job(job.job_id, "failed", error=f"failed to install {other.key}: "
                              "HTTP 404 from the server; nothing was installed")
            else:
                state.end_job(job.job_id, "done", summary="Installed")
            app.renderer.job(job)
            ended.append(job)
            await pilot.pause()
            assert _visible(app, running.job_id), f"the running job scrolled away ({index})"
        panel = app.query_one("#jobs", JobList)
        shown = [view.job_id for view in panel.views()]
        # Running first, then the finished ones newest first, capped.
        newest = [job.job_id for job in reversed(ended)][:MAX_ENDED_ROWS]
        assert shown == [running.job_id, *newest], shown
        # Done rows say how they ended, never the last phase's "1 B / 1 B".
        done_row = next(j for j in reversed(ended) if j.phase == "done")
        text = " ".join(_plain(s.content) for s in
                        app.query_one(f"#job-{done_row.job_id}", JobRow).query(Static))
        assert "B / " not in text and "done" in text, text
        # A queued job goes with the running ones, above every finished row.
        queued = state.add_job("install", build.key + "-next", build=None)
        app.renderer.job(queued)
        await pilot.pause()
        assert [v.job_id for v in panel.views()][:2] == [running.job_id, queued.job_id]
        assert _visible(app, running.job_id)


async def test_a_retry_after_a_cancel_leaves_no_cancelled_row(ui_world: UiWorld) -> None:
    build = ui_world.build("3.12.8")
    path = build.url.split(ui_world.server.base_url, 1)[1]
    ui_world.server.set_faults(path, rate=20_000)  # minutes: cancelled mid-download
    app = ui_world.make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await press_install(pilot, build.key)
        first = next(iter(app.state.jobs.values()))
        await wait_for(pilot, lambda: first.phase == "download" and first.done > 0,
                       what="download under way")
        await pilot.press("c")
        await wait_for(pilot, lambda: first.phase == "cancelled", what="cancelled")
        await wait_for(pilot, lambda: app.runner.stopped(first.job_id), what="thread stopped")
        ui_world.server.set_faults(path, rate=None)
        await pilot.press("i")
        second = next(j for j in app.state.jobs.values() if j.job_id != first.job_id)
        await wait_for(pilot, lambda: second.ended, timeout=60, what="the retry ends")
        assert second.phase == "done", second.error
        await pilot.pause()
        panel = app.query_one("#jobs", JobList)
        assert [(v.job_id, v.phase) for v in panel.views()] == [(second.job_id, "done")]
        assert not app.query(f"#job-{first.job_id}")


async def test_clicking_a_footer_key_presses_it(ui_world: UiWorld) -> None:
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        # The focused pane's keys lead (Available: i Install, / Filter), then `?`.
        text = _bar_text(app)
        assert text.startswith(" i Install  / Filter"), text
        at = text.index("? All keys")
        await pilot.click(KeyBar, offset=(at + 2, 0))  # on "All keys"
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")


@pytest.mark.parametrize("phase", ["done", "download"])
async def test_a_job_row_keeps_a_free_threaded_key_whole_at_80x24(
        ui_world: UiWorld, phase: str) -> None:
    """At 80 columns a job row is one line laid out for its width: a finished row has no
    numbers, a running one's bytes give way before the key (issue 8: the key is what the row
    is about); wider again, the bar is back."""
    from archive_builds import make_build

    build = make_build(version="3.13.1", variant="freethreaded")
    assert len(build.key) == 44
    app = ui_world.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        state = app.state
        job = state.add_job("install", build.key, build=build)
        if phase == "done":
            state.end_job(job.job_id, "done", summary="Installed")
        else:
            state.progress(job.job_id, "download", 1_000_000, 3_000_000)
        app.renderer.job(job)
        await pilot.pause()
        row = app.query_one(f"#job-{job.job_id}", JobRow)
        label = row.query_one(".job-label", Static)
        await wait_for(pilot, lambda: label.size.width > 0, what="the label")
        text = "".join(segment.text for segment in label.render_line(0))
        assert build.key in text and phase in text, text
        assert not row.query_one(ProgressBar).display
        if phase == "done":
            return
        assert "33%" in text, text
        await pilot.resize_terminal(120, 36)
        await wait_for(pilot, lambda: row.query_one(ProgressBar).display, what="the bar")
        text = "".join(segment.text for segment in label.render_line(0))
        assert build.key in text, text
