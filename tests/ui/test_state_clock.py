"""Ages and support as the app state's clock gives them (AppState.clock, injected through
make_app), not the machine's: the Environments view's mend lines named the minor released by
the real date (core/example_minor.released_minor, with nothing installed and no catalog), and
the quick scan's `whole tree checked … ago` took the machine's clock while every other age and
support status the app shows takes the state's. Now the environment scans date the whole
tree's check by the state's clock too (core/envs.py, through app/gateway.py), and the quick note
measures its age by it. Without Textual: a fixed clock, real scans of a tmp tree."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from pytui.app.background import quick_note
from pytui.app.envs_view import installed_minor
from pytui.app.state import AppState
from pytui.core.envs import QUICK_MAX_AGE, quick_for_settings, scan_for_settings
from pytui.core.settings import Settings
from ui_helpers import HOST


def _noon(day: str) -> float:
    """Noon of `day` in local time (the day `today()` reads from the clock, in any zone)."""
    return _dt.datetime.fromisoformat(f"{day}T12:00:00").timestamp()


def _state(tmp: Path, at: float) -> AppState:
    settings = Settings.resolve(install_dir=tmp / "root", cache_dir=tmp / "cache",
                                env={"HOME": str(tmp)})
    return AppState(settings=settings, host=HOST, home=tmp, clock=lambda: at, catalog=None)


def test_the_minor_the_mend_lines_name_is_released_by_the_states_day(tmp_path: Path) -> None:
    # Nothing installed, no catalog: the newest minor released by the state's day (3.14's first
    # release 2025-10-07, 3.15's 2026-10-01 in the release-cycle table pytui ships).
    assert installed_minor(_state(tmp_path, _noon("2025-08-17"))) == "3.13"
    assert installed_minor(_state(tmp_path, _noon("2025-11-01"))) == "3.14"
    assert installed_minor(_state(tmp_path, _noon("2026-10-02"))) == "3.15"


def test_the_quick_scans_age_is_the_clocks(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "code").mkdir(parents=True)
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(home), "PYTUI_SCAN_PATHS": str(home / "code"),
                                     "XDG_STATE_HOME": str(tmp_path / "state")})
    at = _noon("2025-08-17")
    full = scan_for_settings(settings, clock=lambda: at)
    assert full.tree_checked_at == at
    quick = quick_for_settings(settings, clock=lambda: at + 300)
    assert quick is not None and quick.tree_checked_at == at
    assert quick_note(quick, at + 300).startswith("whole tree checked 5 min ago")
    # Older than QUICK_MAX_AGE by the clock: no quick scan, the whole tree is checked again.
    assert quick_for_settings(settings, clock=lambda: at + QUICK_MAX_AGE + 1) is None
