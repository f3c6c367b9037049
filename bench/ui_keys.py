"""bench/ui.py's in-process measurements of keys (its parts 2 and 3): the time from a key sent
as the terminal driver sends it to its visible effect, for cursor moves and `a` while two
installs run (and with none), and for each keystroke of a filter typed with every build
shown."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

# The headless screen the keys are measured on.
SIZE = (120, 36)


async def press_and_wait(app, key: str, done, timeout: float = 30.0,
                         character: str | None = None) -> float:
    """Send one key as the terminal driver would; return seconds until `done()` holds."""
    from textual import events

    start = time.perf_counter()
    app._driver.send_message(events.Key(key, character))
    deadline = start + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"no effect of {key!r} within {timeout} s")
        await asyncio.sleep(0.0005)
    return time.perf_counter() - start


async def key_response(catalog: Path, builds: list, presses: int) -> dict[str, object]:
    from pytui.app.tui import make_app
    from pytui.core.settings import Settings

    settings = Settings.resolve(downloads_json=str(catalog))
    app = make_app(settings, refresh=False, show_eta=True)
    results: dict[str, object] = {}
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one("#available")
        details = app.query_one("#details")
        while not (table.row_count and app.state.disk_listed):
            await asyncio.sleep(0.01)
        await pilot.pause()
        table.focus()
        await pilot.pause()

        slowest: list[tuple[float, str]] = []

        async def moves(count: int, keep_going=lambda: True) -> list[float]:
            samples = []
            for index in range(count):
                if not keep_going():
                    break
                key = "down" if index % 2 == 0 else "up"
                target = table.cursor_row + (1 if key == "down" else -1)

                def shown(target: int = target) -> bool:
                    wanted = table.ordered_rows[target].key.value
                    return details.details is not None and details.details.title == wanted

                phases = ",".join(r.phase for r in app.state.jobs.values())
                samples.append(await press_and_wait(app, key, shown))
                slowest.append((samples[-1], phases or "no jobs"))
                await asyncio.sleep(0.05)
            return samples

        results["idle"] = await moves(presses)
        start = time.perf_counter()
        records = [app.runner.start_install(build) for build in builds]
        app.renderer.all()
        running = lambda: any(r.running for r in records)  # noqa: E731
        results["jobs"] = await moves(presses * 4, running)
        toggles = []
        rows_seen = 0
        for _ in range(4):
            if not running():
                break
            before = app.state.view.all_versions
            toggles.append(await press_and_wait(
                app, "a", lambda before=before: app.state.view.all_versions != before
                and table.row_count == len(app.vm.visible_builds(app.state))))
            rows_seen = max(rows_seen, table.row_count)
            await asyncio.sleep(0.1)
        results["toggle"] = toggles
        results["rows_all_versions"] = rows_seen
        results["slowest"] = sorted(slowest, reverse=True)[:3]
        while running():
            await asyncio.sleep(0.05)
        results["job_seconds"] = time.perf_counter() - start
        results["outcomes"] = [(r.title, r.phase, r.error) for r in records]
    return results


# -- 3. the filter with every build shown --------------------------------------------------------

FILTER_TEXT = "3.12 musl"


async def filter_response(catalog: Path) -> dict[str, object]:
    """With all 5530 builds shown (a, A, f), type FILTER_TEXT into the `/` filter one key at a
    time, then erase it; each sample is key sent -> the Available table holds exactly the
    filtered rows and the screen was redrawn after that (the compositor's next update, which
    headless runs render in full and only do not write out)."""
    from pytui.app.tui import make_app
    from pytui.core.settings import Settings

    app = make_app(Settings.resolve(downloads_json=str(catalog)), refresh=False)
    results: dict[str, object] = {}
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one("#available")
        while not (table.row_count and app.state.disk_listed):
            await asyncio.sleep(0.01)
        for key in ("a", "A", "f"):
            await pilot.press(key)
        await pilot.pause()
        results["rows"] = table.row_count
        await pilot.press("slash")
        await pilot.pause()

        # Stamp every screen update; a sample ends at the first one after the rows are right.
        displays: list[float] = []
        display = app._display

        def stamped(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None:
                displays.append(time.perf_counter())

        app._display = stamped  # type: ignore[method-assign]
        samples = []
        counts = []
        typed = ""
        names = {" ": "space", ".": "full_stop", "\b": "backspace"}
        for char in FILTER_TEXT + "\b" * len(FILTER_TEXT):
            key = names.get(char, char)
            typed = typed[:-1] if char == "\b" else typed + char
            shown_at: list[float] = []

            def redrawn(typed: str = typed, shown_at: list[float] = shown_at) -> bool:
                if not shown_at:
                    if app.state.view.filter_text == typed.strip() \
                            and table.row_count == len(app.vm.visible_builds(app.state)):
                        shown_at.append(time.perf_counter())
                    return False
                return bool(displays) and displays[-1] >= shown_at[0]

            samples.append(await press_and_wait(app, key, redrawn,
                                                character=None if char == "\b" else char))
            counts.append(table.row_count)
            await pilot.pause()
        results["samples"] = samples
        results["counts"] = counts
    return results
