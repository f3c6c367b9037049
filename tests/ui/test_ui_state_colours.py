"""State cells and marks are drawn in the theme's status colours (widgets/state_styles.py),
which app/contrast.py makes reach 4.5:1 on the panes' grounds: in Rich's fixed `green` and
`yellow` the light theme's `ok` read at 2.9-3.2:1 and `↓ 40%` at 2.0-2.2:1 (tui37's
measurement of the light-theme snapshot)."""

from __future__ import annotations

import pytest
from pytui.app.contrast import TEXT_MIN, contrast
from pytui.widgets.keyed_table import KeyedTable
from pytui.widgets.rows import CACHED
from rich.style import Style
from textual.color import Color
from ui_helpers import UiWorld, ready, wait_for


def _style_of(table: KeyedTable, text: str) -> Style:
    """The style of the first segment below the header that is `text` (spaces aside)."""
    for y in range(1, table.size.height):
        for segment in table.render_line(y):
            if segment.text.strip() == text:
                return segment.style or Style()
    raise AssertionError(f"{text!r} is not drawn in #{table.id}")


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_state_cells_are_drawn_in_the_themes_status_colours(ui_world: UiWorld, theme: str) -> None:
    ui_world.seed_cache("3.13.1")
    tree = ui_world.seed_loose_tree(manifest=False)
    assert tree.is_dir()
    app = ui_world.make_app()
    app.theme = theme
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        cached = app.query_one("#cached", KeyedTable)
        available = app.query_one("#available", KeyedTable)
        await wait_for(pilot, lambda: cached.row_count == 2, what="the archive and the tree")
        colours = app.get_css_variables()
        background = Color.parse(colours["surface"]).rich_color.triplet
        assert background is not None

        async def drawn(table: KeyedTable, row: int, text: str, variable: str) -> Style:
            """`text`'s style, the cursor moved off its row (the cursor has its own colours)."""
            table.move_cursor(row=row)
            await pilot.pause()
            style = _style_of(table, text)
            assert style.color == Color.parse(colours[variable]).rich_color, (text, style)
            assert style.color is not None
            assert contrast(style.color.get_truecolor(), background) >= TEXT_MIN, (text, style)
            return style

        await drawn(cached, 1, "ok", "status-ok")
        await drawn(cached, 0, "manifest unreadable", "status-bad")
        # Available's mark of a cached build, bold as before.
        assert (await drawn(available, 1, CACHED, "status-busy")).bold


def _static_style_of(static, text: str) -> Style:
    """The style of the first drawn segment of a Static (or the detail under a table) that
    holds `text`."""
    for y in range(static.size.height):
        for segment in static.render_line(y):
            if text in segment.text:
                return segment.style or Style()
    raise AssertionError(f"{text!r} is not drawn in #{static.id}")


def _check(app, style: Style, variable: str, what: str) -> None:
    colours = app.get_css_variables()
    background = Color.parse(colours["surface"]).rich_color.triplet
    assert background is not None
    assert style.color == Color.parse(colours[variable]).rich_color, (what, style)
    assert style.color is not None
    assert contrast(style.color.get_truecolor(), background) >= TEXT_MIN, (what, style)


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_a_failed_jobs_error_in_details_is_in_the_themes_status_colour(ui_world: UiWorld, theme: str) -> None:
    """Details drew a failed job's error in Rich's fixed `red`, not the theme's status colour
    that the job row and the tables use; a theme changed while it is shown redraws it."""
    from pytui.widgets.details import DetailsPanel
    from pytui.widgets.job_list import JobRow
    from textual.widgets import Static
    from ui_helpers import press_install

    failing = ui_world.build("3.13.1")
    ui_world.server.set_faults(failing.url.split(ui_world.server.base_url, 1)[1], status=404)
    app = ui_world.make_app()
    app.theme = "textual-dark" if theme == "textual-light" else "textual-light"
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await press_install(pilot, failing.key)
        job = next(iter(app.state.jobs.values()))
        await wait_for(pilot, lambda: job.ended, what="the 404 job ends")
        app.query_one(f"#job-{job.job_id}", JobRow).focus()
        await pilot.pause()
        app.theme = theme  # changed while the error is shown
        body = app.query_one("#details", DetailsPanel).query_one("#details-body", Static)

        def redrawn() -> bool:
            # Two pauses were not always enough for the redraw on a loaded machine (seen on
            # 3.10 beside a CPU hog per core): wait for the new theme's colour, then check it.
            wanted = Color.parse(app.get_css_variables()["status-bad"]).rich_color
            try:
                return _static_style_of(body, "404").color == wanted
            except AssertionError:
                return False

        await wait_for(pilot, redrawn, what="Details redrawn in the new theme")
        _check(app, _static_style_of(body, "404"), "status-bad", "the job's error")


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_the_environments_view_draws_states_in_the_themes_status_colours(
        envs_world, theme: str) -> None:
    """The Environments view drew `ok` in Rich's `green`, a broken environment's path, how and
    status and its reason below in `red`, on either theme: the theme's status colours now."""
    from envs_helpers import venv
    from envs_scene import scanned
    from pytui.app.envs_screen import EnvironmentsScreen
    from textual.widgets import Static

    envs_world.install_real()
    code = envs_world.projects
    venv(envs_world.patch_python, code / "fine" / ".venv")
    venv(envs_world.patch_python, code / "broken" / ".venv")
    cfg = code / "broken" / ".venv" / "pyvenv.cfg"
    gone = envs_world.key.replace(envs_world.real.build.version, f"{envs_world.mm}.99")
    cfg.write_text(cfg.read_text().replace(envs_world.key, gone))
    app = envs_world.make_app()
    app.theme = theme
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        await scanned(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EnvironmentsScreen), what="the view")
        screen = app.screen
        assert isinstance(screen, EnvironmentsScreen)
        await scanned(pilot)
        await wait_for(pilot, lambda: screen.table.row_count == 2, what="two environments")
        await pilot.pause()
        table = screen.table
        assert table.row_keys[0] == str(code / "broken" / ".venv")  # broken first, highlighted
        _check(app, _style_of(table, "ok"), "status-ok", "an ok environment")
        detail = screen.query_one("#envs-detail", Static)
        _check(app, _static_style_of(detail, "which is not installed"), "status-bad", "why it is broken")
        table.move_cursor(row=1)  # off the broken row (the cursor has its own colours)
        await pilot.pause()
        broken = _style_of(table, "✗ broken")
        _check(app, broken, "status-bad", "a broken one's status")
        assert broken.bold


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_history_says_outcomes_in_the_themes_status_colours(ui_world: UiWorld, theme: str) -> None:
    """History drew `done` in Rich's `green`, `cancelled` in `yellow` and `failed` in `red`."""
    from pytui.app.screens import HistoryScreen
    from textual.widgets import Static

    app = ui_world.make_app()
    app.theme = theme
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.history.add("install", "cpython-3.13.1-linux-x86_64-gnu", "done", "")
        app.history.add("install", "cpython-3.12.8-linux-x86_64-gnu", "cancelled", "")
        app.history.add("scan", "cache dir", "failed", "cannot read it")
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="History")
        await pilot.pause()
        entries = list(app.screen.query(".history-entry").results(Static))
        for static, word, variable in zip(entries[-3:], ("done", "cancelled", "failed"),
                                          ("status-ok", "status-wait", "status-bad"), strict=True):
            style = next(segment.style for y in range(static.size.height)
                         for segment in static.render_line(y) if segment.text.strip() == word)
            assert style is not None
            _check(app, style, variable, word)


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_the_headers_online_and_offline_badges_are_in_the_themes_colours(ui_world: UiWorld,
                                                                                theme: str) -> None:
    """The header drew ` ONLINE ` in black on Rich's `green` and ` OFFLINE ` on `yellow` in every
    theme. Each badge is the theme's status colour (ok, wait) behind text that reads on it at
    4.5:1 or more, and itself stands out from the header's panel (4.5:1: it is the text colour
    the tables use on that panel)."""
    from pytui.widgets.header import HeaderBar

    app = ui_world.make_app()
    app.theme = theme
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        header = app.query_one("#header", HeaderBar)
        colours = app.get_css_variables()
        panel = Color.parse(colours["panel"]).rich_color.get_truecolor()
        for badge, variable in (("ONLINE", "status-ok"), ("OFFLINE", "status-wait")):
            if badge == "OFFLINE":
                await pilot.press("o")
                await wait_for(pilot, lambda: app.state.offline, what="offline")
            await wait_for(pilot, lambda b=badge: b in str(header.render()), what=badge)
            style = _static_style_of(header, f" {badge} ")
            assert style.bgcolor == Color.parse(colours[variable]).rich_color, (badge, style)
            assert style.color is not None and style.bgcolor is not None
            assert contrast(style.color.get_truecolor(), style.bgcolor.get_truecolor()) >= TEXT_MIN, (badge, style)
            assert contrast(style.bgcolor.get_truecolor(), panel) >= TEXT_MIN, (badge, style)
            assert style.bold


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_historys_first_frame_has_its_outcomes_coloured(ui_world: UiWorld, theme: str) -> None:
    """History's entries were composed plain and painted after the first refresh, so the first
    frame drawn showed `done` and `failed` uncoloured (and the next one changed them). The frame
    the app first sends with History on top already has them in the theme's status colours."""
    from pytui.app.screens import HistoryScreen
    from textual.widgets import Static

    app = ui_world.make_app()
    app.theme = theme
    first: list[Style] = []
    display = app._display

    def record(screen, renderable) -> None:  # the frame the app sends to the terminal
        if isinstance(screen, HistoryScreen) and not first and screen.query(".history-entry"):
            static = list(screen.query(".history-entry").results(Static))[-1]
            first.extend(segment.style or Style() for y in range(static.size.height)
                         for segment in static.render_line(y) if segment.text.strip().endswith("failed"))
        display(screen, renderable)

    app._display = record  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.history.add("scan", "cache dir", "failed", "cannot read it")
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen) and first, what="History drawn")
        assert len(first) == 1, first
        _check(app, first[0], "status-bad", "failed")
