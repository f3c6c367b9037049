"""The narrow job row (`compact_line`): the key is what the row is about, so the ETA, the
speed, the bytes, the percentage and the phase give way before it (no Pilot)."""

from __future__ import annotations

from pytui.widgets.job_line import CompactColumns, compact_line
from pytui.widgets.rows import JobView

FREE_THREADED = "cpython-3.13.1+freethreaded-linux-x86_64-gnu"  # 44
STANDARD = "cpython-3.12.8-linux-x86_64-gnu"  # 31


def _running(key: str) -> JobView:
    return JobView(1, key, "download", done=1_000_000, total=3_000_000, speed=30_000.0)


def test_a_free_threaded_key_stays_whole_at_80_columns() -> None:
    # 76 cells: an 80-column terminal less the Jobs panel's border and padding.
    line = compact_line(_running(FREE_THREADED), 76, columns=CompactColumns(key=44)).plain
    assert line.startswith(FREE_THREADED + " ")
    # The bytes in their short form beside the phase and percentage.
    assert "download" in line and "33%" in line and "976.6K/2.9M" in line
    assert len(line) <= 76


def test_parts_give_way_in_order_before_the_key() -> None:
    view = _running(STANDARD)
    wide = compact_line(view, 110, columns=CompactColumns(key=31)).plain
    assert all(part in wide for part in ("download", "33%", "976.6 KiB / 2.9 MiB", "KiB/s"))
    seen = []
    for width in range(110, 20, -1):
        line = compact_line(view, width, columns=CompactColumns(key=31)).plain
        assert len(line) <= width, (width, line)
        parts = tuple(part for part in ("download", "%", "MiB", "KiB/s") if part in line)
        if line.startswith(STANDARD):
            if not seen or seen[-1] != parts:
                seen.append(parts)
        else:  # not even the phase beside the whole key: its version, and the phase
            assert width < len(STANDARD) + len("  download"), (width, line)
            assert line.startswith("3.12.8  download"), (width, line)
    # The speed goes first, then the bytes (to `976.6K/2.9M`, then whole), the percentage;
    # the phase stays beside the whole key.
    assert seen == [("download", "%", "MiB", "KiB/s"), ("download", "%", "MiB"),
                    ("download", "%"), ("download",)], seen


def test_where_the_phase_does_not_fit_beside_the_key_its_version_stands_for_it() -> None:
    # At 40 columns a running download's row read `cpython-3.12.8-linux-x86_64-gnu` alone: no
    # phase, no percentage (Details has the whole key).
    view = _running(STANDARD)
    assert compact_line(view, 36, columns=CompactColumns(key=31)).plain == "3.12.8  download  33%  976.6K/2.9M"
    assert compact_line(view, 16).plain == "3.12.8  download"
    threaded = compact_line(_running(FREE_THREADED), 36, columns=CompactColumns(key=44)).plain
    assert threaded.startswith("3.13.1t  download  33%"), threaded


def test_rows_line_up_on_the_longest_key() -> None:
    a = compact_line(_running(STANDARD), 100, columns=CompactColumns(key=44)).plain
    b = compact_line(_running(FREE_THREADED), 100, columns=CompactColumns(key=44)).plain
    assert a.index("download") == b.index("download") == 46


def test_an_ended_row_has_no_numbers() -> None:
    view = JobView(1, FREE_THREADED, "done", done=3_000_000, total=3_000_000)
    assert compact_line(view, 76).plain == f"{FREE_THREADED}  done"


def test_a_download_failures_next_step_names_the_tuis_key_alone() -> None:
    # In the TUI the failure said `builds already in the cache install offline (--offline, o in
    # the TUI)` and `refresh it (r in the TUI, or pytui list --refresh)`: the TUI's key is enough.
    # The steps are the error's data (PytuiError.said), not words found in its line.
    from pytui.app.job_bodies import TUI_STEPS, tui_steps
    from pytui.core.download_policy import (
        MISSING_NEXT_STEP,
        UNREACHABLE_NEXT_STEP,
        missing_next_step,
        unreachable_next_step,
    )
    from pytui.core.errors import DownloadError, said

    unreachable = DownloadError("could not download: no network", unreachable_next_step())
    assert unreachable.said(TUI_STEPS).endswith("builds already in the cache install offline (o)")
    assert str(unreachable).endswith(UNREACHABLE_NEXT_STEP), str(unreachable)
    missing = DownloadError("HTTP 404", missing_next_step())
    assert "the catalog may be stale: refresh it (r), or check the mirror" in missing.said(TUI_STEPS)
    assert str(missing) == f"HTTP 404; {MISSING_NEXT_STEP}"
    # Words that only look like a step (a path's) are no step: they stay as they are.
    for words in (MISSING_NEXT_STEP, "use --force to replace it", "or pass --no-bin",
                  "or install with --no-cache"):
        line = f"cannot read /srv/{words}/x: refused; use --force to replace it"
        assert said(line, tui_steps("cpython-3.15.1-linux-x86_64-gnu")) == line


def test_an_archive_the_catalog_vouches_for_names_the_tuis_key_for_another_build() -> None:
    # The job's line in the TUI said `install another build (pytui list --all-versions 3.11)`,
    # a command, where `a` lists every version in the pane above it. The step is the error's
    # data (PytuiError.said), not words found in its line.
    from pytui.app.job_bodies import TUI_STEPS
    from pytui.core.errors import ExtractError

    err = ExtractError("the zip is corrupt", data_fault=True).vouched_for("3.11")
    said = err.said(TUI_STEPS)
    assert said.endswith("install another build (a lists every version)"), said
    assert "pytui list" not in said and said.startswith("the zip is corrupt; its sha256"), said
    assert str(err).endswith("install another build (pytui list --all-versions 3.11)"), str(err)


def test_columns_follow_the_longest_key_version_and_phase() -> None:
    from pytui.widgets.job_line import COMPACT_PHASE, compact_columns

    assert compact_columns([]) == CompactColumns()
    ended = JobView(2, STANDARD, "cancelled", done=3, total=3)
    assert compact_columns([_running(STANDARD), _running(FREE_THREADED), ended]) == \
        CompactColumns(key=44, version=len("3.13.1t"), phase=len("cancelled"))
    assert compact_columns([_running(STANDARD)]).phase == COMPACT_PHASE


def test_rows_with_and_without_the_whole_key_line_up() -> None:
    """At 54 cells a `cancelled` row (a cell longer than `download`) fell to its version while
    the running rows kept their whole keys; versions of two lengths put the phases apart."""
    from pytui.widgets.job_line import compact_columns

    views = [_running(STANDARD), _running(FREE_THREADED),
             JobView(2, STANDARD, "cancelled", done=3, total=3)]
    columns = compact_columns(views)
    for width in range(20, 110):
        lines = [compact_line(view, width, columns=columns).plain for view in views]
        words = ("download", "download", "cancelled")
        starts = {line.index(word) for line, word in zip(lines, words, strict=True)}
        assert len(starts) == 1, (width, lines)
        assert all(len(line) <= width for line in lines), (width, lines)


async def test_narrow_job_rows_line_up_in_the_panel() -> None:
    """Pilot at 40 and 60 columns: a JobList with a running standard build, a running
    free-threaded one and a cancelled one; each row's phase starts in the same column."""
    from pytui.widgets.job_list import JobList
    from textual.app import App, ComposeResult

    views = [JobView(1, STANDARD, "download", done=1_000_000, total=3_000_000, speed=30_000.0),
             JobView(2, FREE_THREADED, "download", done=1_000_000, total=3_000_000),
             JobView(3, "cpython-3.10.16-linux-x86_64-gnu", "cancelled", done=3, total=3)]

    class Jobs(App[None]):
        def get_css_variables(self) -> dict[str, str]:
            from pytui.app.contrast import derived_colors

            variables = super().get_css_variables()
            return {**variables, **derived_colors(variables)}

        def compose(self) -> ComposeResult:
            yield JobList(show_eta=False, id="jobs", empty_note="No jobs.")

    for width in (40, 60):
        app = Jobs()
        async with app.run_test(size=(width, 12)) as pilot:
            jobs = app.query_one(JobList)
            for view in views:
                jobs.upsert(view)
            await pilot.pause()
            await pilot.pause()
            screen = [strip.text for strip in app.screen._compositor.render_strips()]
            starts = set()
            for word in ("download", "cancelled"):
                rows = [line for line in screen if word in line]
                assert rows, (word, screen)
                starts |= {line.index(word) for line in rows}
            assert len(starts) == 1, (width, screen)


def test_an_ended_jobs_phase_shows_where_the_phase_column_does_not_fit() -> None:
    """At 20x8 the Jobs panel (18 cells) showed `3.13.7` alone for a finished job: its phase
    column is as wide as `download` (the rows line up), and `done` was left out with it. The
    last part of a row needs no padding: `done` shows in its own cells."""
    columns = CompactColumns(key=34, version=9, phase=8)
    ended = JobView(1, "cpython-3.13.7-linux-x86_64-gnu", "done")
    assert compact_line(ended, 18, columns=columns).plain == "3.13.7     done"
    failed = JobView(2, "cpython-3.14.0rc2-linux-x86_64-gnu", "failed")
    assert compact_line(failed, 18, columns=columns).plain == "3.14.0rc2  failed"
    # Wider, the column stays padded: the rows line up.
    assert compact_line(ended, 40, columns=columns).plain == "3.13.7     done"
