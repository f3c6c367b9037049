"""Support status in the TUI without an app (no Pilot, no Textual): the Support cell of each
Available and Installed row for the state's day, its sort order, its colour class, the
Details line, and the end-of-life question's wording (issue 9 item 6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fixtures_archives import make_build
from pytui.app.sorting import SortOrder, sort_rows
from pytui.app.state import AppState
from pytui.app.view_model import ViewModel
from pytui.core.catalog import Catalog
from pytui.core.models import Build, Installation
from pytui.core.settings import Settings
from pytui.core.support import (
    Cycle,
    SupportTable,
    eol_installed,
    eol_question,
    eol_warnings,
    phase_of,
)
from pytui.widgets.rows import AvailableRow, InstalledRow, SupportView
from pytui.widgets.support_cell import EOL_CLASS, SECURITY_CLASS, support_cell
from ui_helpers import HOST

# 2026-11-30 12:00 UTC: 3.8 to 3.10 past their end of life, 3.11 to 3.13 security fixes only,
# 3.14 and 3.15 bugfix (the embedded release-cycle dates).
NOV_2026 = 1_796_040_000.0
VERSIONS = ("3.15.1", "3.14.2", "3.13.9", "3.12.12", "3.10.19", "3.8.20")


def _state(tmp_path: Path, *builds: Build, clock: float = NOV_2026) -> AppState:
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(tmp_path)})
    return AppState(settings=settings, host=HOST, home=tmp_path, clock=lambda: clock,
                    catalog=Catalog(list(builds), source="test"), disk_listed=True)


def _builds() -> list[Build]:
    return [make_build(version=v, sha256=f"{i:02x}" * 32) for i, v in enumerate(VERSIONS)]


def test_available_and_installed_rows_carry_the_support_status_of_the_day(tmp_path) -> None:
    builds = _builds()
    state = _state(tmp_path, *builds)
    vm = ViewModel()
    shown = {r.build.version: r.support for r in vm.available_rows(state)}
    assert {v: (s.phase, s.text) for v, s in shown.items() if s is not None} == {
        "3.15.1": ("bugfix", "bugfix → 2028-10"),
        "3.14.2": ("bugfix", "bugfix → 2027-10"),
        "3.13.9": ("security", "security → 2029-10"),
        "3.12.12": ("security", "security → 2028-10"),
        "3.10.19": ("end-of-life", "EOL 2026-10"),
        "3.8.20": ("end-of-life", "EOL 2024-10"),
    }
    old = builds[-1]
    state.installations.append(Installation(old, tmp_path / "root" / old.key, old.build))
    [row] = vm.installed_rows(state)
    assert row.support == SupportView("end-of-life", "EOL 2024-10", "2024-10")
    # The day is the state's clock: a year earlier 3.10 still had security fixes.
    earlier = state.replace(clock=lambda: NOV_2026 - 366 * 86400)
    rows = {r.build.version: r.support for r in ViewModel().available_rows(earlier)}
    assert rows["3.10.19"].text == "security → 2026-10"
    # A PyPy build has no CPython status: no cell.
    pypy = Build(*(("pypy",) + tuple(make_build(version="3.10.14")[1:])))
    assert ViewModel().available_row(_state(tmp_path, pypy), pypy).support is None


def test_support_sorts_most_urgent_first_and_rows_without_it_last() -> None:
    def row(text: str | None, phase: str = "", date: str = "") -> InstalledRow:
        support = SupportView(phase, text, date) if text else None
        return InstalledRow(key=f"k-{text}", build=None, size=1, support=support)

    rows = [row("bugfix → 2027-10", "bugfix", "2027-10"), row(None),
            row("EOL 2026-10", "end-of-life", "2026-10"),
            row("pre-release → 2026-10", "pre-release", "2026-10"),
            row("security → 2029-10", "security", "2029-10"),
            row("EOL 2024-10", "end-of-life", "2024-10"),
            row("security → 2028-10", "security", "2028-10")]
    up = [r.support.text if r.support else None
          for r in sort_rows("installed", rows, SortOrder("support"))]
    assert up == ["EOL 2024-10", "EOL 2026-10", "security → 2028-10", "security → 2029-10",
                  "bugfix → 2027-10", "pre-release → 2026-10", None]
    down = [r.support.text if r.support else None
            for r in sort_rows("installed", rows, SortOrder("support", reverse=True))]
    assert down == [*up[-2::-1], None]
    builds = [AvailableRow(build=b, support=s) for b, s in (
        (make_build(version="3.13.1"), SupportView("security", "security → 2029-10", "2029-10")),
        (make_build(version="3.8.20"), SupportView("end-of-life", "EOL 2024-10", "2024-10")))]
    assert [r.build.version for r in sort_rows("available", builds, SortOrder("support"))] \
        == ["3.8.20", "3.13.1"]


def test_the_cell_says_it_in_words_and_names_its_colour_class() -> None:
    eol = support_cell(SupportView("end-of-life", "EOL 2024-10", "2024-10"))
    security = support_cell(SupportView("security", "security → 2028-10", "2028-10"))
    bugfix = support_cell(SupportView("bugfix", "bugfix → 2027-10", "2027-10"))
    assert (eol.plain, eol.style) == ("EOL 2024-10", EOL_CLASS)
    assert (security.plain, security.style) == ("security → 2028-10", SECURITY_CLASS)
    assert (bugfix.plain, bugfix.style) == ("bugfix → 2027-10", "")
    assert support_cell(None).plain == ""


def test_details_lead_with_the_support_line_for_builds_and_installs(tmp_path) -> None:
    builds = _builds()
    state = _state(tmp_path, *builds)
    vm = ViewModel()
    fields = vm.details(state, "available", builds[3].key).fields
    assert fields[0] == ("support", "security → 2028-10: security fixes only (bug fixes ended "
                                    "2025-04), then end of life")
    assert dict(vm.details(state, "available", builds[-1].key).fields)["support"] \
        == "EOL 2024-10: no fixes any more, not even security fixes"
    assert dict(vm.details(state, "available", builds[1].key).fields)["support"].startswith(
        "bugfix → 2027-10: bug and security fixes, then security fixes only until 2030-10")
    # An install the catalog no longer lists still says its status.
    gone = make_build(version="3.9.25")
    state.installations.append(Installation(gone, tmp_path / "root" / gone.key, gone.build))
    assert dict(vm.details(state, "installed", gone.key).fields)["support"].startswith(
        "EOL 2025-10")


def test_sentences_and_end_of_life_wording() -> None:
    cycle = Cycle("3.12", "2023-10-02", "2025-04-08", "2028-10")
    assert phase_of(cycle, dt.date(2023, 1, 1)).sentence() == (
        "pre-release → 2023-10: not released yet; bug fixes until 2025-04, end of life 2028-10")
    old = make_build(version="3.8.20")
    table = SupportTable({"3.8": Cycle("3.8", "2019-10-14", "2021-05-03", "2024-10")},
                         today=dt.date(2026, 11, 30))
    assert table.for_item(old).phase == "end-of-life"
    day = dt.date(2026, 11, 30)
    fact = "Python 3.8 reached its end of life in 2024-10 and gets no security fixes"
    # The CLI says it as the install goes ahead; the TUI asks, then says it was installed.
    assert eol_warnings([old], today=day) == [f"{fact}; installing {old.key} anyway"]
    assert eol_question(old, today=day) == f"{fact}. Install it anyway?"
    assert eol_installed(old, today=day) == f"{fact}; {old.key} was installed anyway"
    current = make_build(version="3.13.1")
    assert eol_question(current, today=day) == eol_installed(current, today=day) == ""



def test_dates_kept_by_a_refresh_are_read_again(tmp_path) -> None:
    import json

    from pytui.core import support

    build = make_build(version="3.12.12", sha256="ab" * 32)
    state = _state(tmp_path, build)
    vm = ViewModel()
    assert vm.support(state, build).text == "security → 2028-10"
    # What a refresh keeps in the state dir: 3.12 (say) ended early.
    state_dir = state.settings.state_dir
    state_dir.mkdir(parents=True, exist_ok=True)
    dates = {f"3.{m}": {"first_release": f"20{10 + m}-10-01", "end_of_life": f"20{15 + m}-10"}
             for m in range(8, 12)}
    dates["3.12"] = {"first_release": "2023-10-02", "end_of_life": "2026-10"}
    (state_dir / support.STATE_FILE).write_text(json.dumps(dates))
    assert vm.support(state, build).text == "security → 2028-10"  # read once per state dir and day
    vm.support_dates_changed()
    assert vm.support(state, build).text == "EOL 2026-10"
