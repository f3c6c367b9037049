"""The TUI beside a `.part` whose lock another process holds without recording a download: a
bare `flock` held by a child process. The Cached row said `↓` (downloading), Details `another
process is downloading it now`, Enter's question `Another process is downloading it now …` and
`p` `Kept …: another pytui process is downloading it now`. Each now says only what the lock's
record vouches for (core/turn_record.held_part_doing, the rule `cache purge` follows): the row
is `locked`, and the lines name the holder by its pid and no activity. Let go, the row is a
stopped download again. Pilot, real processes, waits on events."""

from __future__ import annotations

from pathlib import Path

from flock_holder import lock_held
from pytui.app.screens import ConfirmModal
from pytui.widgets.cache_table import CacheTable
from pytui.widgets.details import DetailsPanel
from ui_helpers import SIZE, UiWorld, ready, toast_texts, wait_for


def _stopped_part(world: UiWorld) -> tuple[str, Path]:
    """A stopped download of 3.12.8 (its first 1,000 bytes) in the cache: (row key, `.part`)."""
    made = world.archives["3.12.8"]
    world.settings.cache_dir.mkdir(parents=True, exist_ok=True)
    part = world.settings.cache_dir / (made.build.cache_filename + ".part")
    part.write_bytes(made.path.read_bytes()[:1000])
    return made.build.cache_filename, part


async def test_a_part_a_bare_flock_holds_is_locked_and_names_no_activity(ui_world: UiWorld) -> None:
    name, part = _stopped_part(ui_world)
    lock = Path(f"{part}.lock")
    lock.touch()
    with lock_held(lock) as holder:
        app = ui_world.make_app()
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            cached = app.query_one("#cached", CacheTable)
            await wait_for(pilot, lambda: cached.row_keys == [name], what="the .part's row")
            state_cell = str(cached.get_row(name)[0])
            assert state_cell.startswith("locked") and "↓" not in state_cell, state_cell
            cached.focus()
            panel = app.query_one(DetailsPanel)
            await wait_for(pilot, lambda: panel.details is not None and "download" in dict(panel.details.fields),
                           what="the row's Details")
            said = dict(panel.details.fields)["download"]
            assert f"downloaded (1000 B) when listed: another process holds its download lock (pid {holder.pid}: " \
                in said, said
            assert said.endswith(f"; {lock.name}) and records nothing of what it does there"), said
            assert "is downloading" not in said, said
            # Enter: the install question says whom the install waits for, and no download.
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the install question")
            lines = [str(w.content) for w in app.screen.query(".dialog-line")]
            [line] = [text for text in lines if "download lock" in text]
            assert line.startswith(f"Another process holds its download lock (pid {holder.pid}: "), line
            assert line.endswith("the install waits until that process ends, then goes on with what "
                                 "is there then, else downloads it itself"), line
            assert not any("is downloading" in text for text in lines), lines
            await pilot.press("n")
            await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmModal), what="the question gone")
            # p: kept, saying why as `cache purge` does.
            await pilot.press("p")
            await wait_for(pilot, lambda: any(text.startswith("Kept ") for text in toast_texts(app)),
                           what="p's refusal")
            kept = next(text for text in toast_texts(app) if text.startswith("Kept "))
            assert f"download lock (pid {holder.pid}: " in kept and "is downloading" not in kept, kept
            # Let go: the watch's look at the locks sees it, and the row is a stopped download.
            assert holder.stdin is not None
            holder.stdin.close()
            holder.wait(60)
            app.runner.watch_disk()
            await wait_for(pilot, lambda: str(cached.get_row(name)[0]).startswith("partial"),
                           what=f"the row said stopped: {cached.get_row(name)[0]}")

