"""State files the TUI reads at start, found unusable: the TUI starts and says what it ignored
in one line. A kept catalog that is a FIFO (or corrupt) was discarded in silence, and the
Available pane shrank to the built-in list with nothing to say why."""

from __future__ import annotations

import os

from pytui.core.kept_catalog import KEPT_CATALOG
from pytui.core.settings import Settings
from pytui.widgets.format import short_path
from ui_helpers import HOST, ready, toast_texts, wait_for


async def test_a_discarded_kept_catalog_is_said_at_start() -> None:
    settings = Settings.resolve()
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    kept = settings.state_dir / KEPT_CATALOG
    os.mkfifo(kept)
    from pytui.app.tui import make_app

    app = make_app(settings, host=HOST, refresh=False, show_eta=False)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ready(pilot)

        def said() -> list[str]:
            return toast_texts(app, lambda n: n.title == "Catalog")

        await wait_for(pilot, said, what="the catalog's warning")
        assert said() == [f"ignored the kept catalog {short_path(kept)}: a FIFO, not a regular file; "
                          "the built-in list is shown until a refresh fetches it again (pytui "
                          "list --refresh, r in the TUI)"]
        assert any(short_path(kept) in e.message for e in app.history.entries)
        assert not kept.exists() and len(app.state.catalog) > 0


async def test_the_history_screen_names_its_log_without_cutting_a_name(
        monkeypatch, tmp_path) -> None:
    """History's `Also written to <log>` line (`Also in <log>` then) was wrapped wherever the line ended: `…/pytui/tui-histor`
    then `y.log`. It is folded as History's entries are: after a `/`, never inside a name."""
    from textual.geometry import Region

    state = tmp_path / ("a-state-directory-with-a-long-name-" * 2) / "pytui"
    monkeypatch.setenv("PYTUI_STATE_DIR", str(state))
    settings = Settings.resolve()
    from pytui.app.tui import make_app

    app = make_app(settings, host=HOST, refresh=False, show_eta=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("H")
        await pilot.pause()
        hint = app.screen.query(".dialog-hint").first()
        width, height = hint.outer_size.width, hint.outer_size.height
        lines = [strip.text.strip() for strip in hint.render_lines(Region(0, 0, width, height))]
        assert len([line for line in lines if line]) > 1, lines  # it does wrap here
        assert any(line.endswith("tui-history.log") for line in lines), lines
        shown = [line for line in lines if line]
        # Each break is at a space or after a `/` or `-`: never inside a name.
        assert all(line in ("Also written", "Also written to") or line.endswith(("/", "-"))
                   for line in shown[:-1]), lines
