"""With nothing installed and no catalog build for this host, core/example_minor.py named a
hard-coded 3.12 (FALLBACK_MINOR), as did `cache export-mirror --help`'s two install lines, `pytui
dir --help` and the line for `pytui pin` with no request: a version that ages with the source.
The last step is now the newest minor released by today in the release-cycle table (the state
dir's refreshed copy over the embedded one), and the help text and `pin` line name no version.
Each test fails before: example_minor took no state dir and named 3.12, the help said 3.12."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_harness import Pytui

# A refreshed release-cycle table (at least core/support.MIN_ENTRIES lines) whose newest released
# minor no real table has, so the name can come from nowhere else; 3.41 is not released yet.
TABLE = {
    "3.41": {"first_release": "2999-01-01", "end_of_bugfix": "3001-01", "end_of_life": "3004-01"},
    "3.40": {"first_release": "2025-01-01", "end_of_bugfix": "3000-01", "end_of_life": "3003-01"},
    "3.13": {"first_release": "2024-10-07", "end_of_bugfix": "2026-10", "end_of_life": "2029-10"},
    "3.12": {"first_release": "2023-10-02", "end_of_bugfix": "2025-04-08", "end_of_life": "2028-10"},
    "3.11": {"first_release": "2022-10-24", "end_of_bugfix": "2024-04-02", "end_of_life": "2027-10"},
    "3.10": {"first_release": "2021-10-04", "end_of_bugfix": "2023-04-05", "end_of_life": "2026-10"},
}


def _table(state_dir: Path) -> Path:
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "release-cycle.json").write_text(json.dumps(TABLE))
    return state_dir


def test_the_last_step_is_the_newest_minor_released_by_today(tmp_path: Path) -> None:
    from pytui.core.example_minor import example_minor, released_minor
    from pytui.core.platform_detect import detect_host

    state = _table(tmp_path / "state")
    assert released_minor(state, "2030-01-01") == "3.40"
    assert released_minor(state, "3000-01-01") == "3.41"  # released by then
    assert released_minor(state, "2024-01-01") == "3.12"  # 3.13 (both tables') not out yet
    assert example_minor([], None, detect_host(), state, "2030-01-01") == "3.40"
    # The embedded table alone (no refreshed copy): one of its lines, whatever it holds then.
    from pytui.core.support import load_cycles

    assert released_minor(tmp_path / "none") in load_cycles(None)


def test_the_envs_mend_with_no_catalog_names_the_released_minor(tmp_path: Path) -> None:
    from pytui.app.envs_view import env_details, installed_minor
    from pytui.app.state import AppState
    from pytui.core.environment import Environment
    from pytui.core.platform_detect import detect_host
    from pytui.core.settings import Settings

    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(tmp_path), "PYTUI_STATE_DIR": str(tmp_path / "state")})
    _table(settings.state_dir)
    # Today is the state's clock's (it was the real date): 2030, after 3.40's first release.
    import datetime as _dt

    state = AppState(settings=settings, host=detect_host(), home=tmp_path,
                     clock=lambda: _dt.datetime(2030, 1, 1, 12).timestamp(), catalog=None, disk_listed=True)
    assert installed_minor(state) == "3.40"
    gone = Environment(tmp_path / "d" / ".venv", "venv", None, "external", "broken",
                       wanted="/opt/py/bin/python3")
    assert dict(env_details(state, gone))["mend"] == (
        "install 3.40 (Esc, then / 3.40 and i on its row), then recreate the environment with "
        "it (uv venv -p 3.40)")


def test_a_version_files_line_with_no_catalog_names_the_released_minor(pytui: Pytui) -> None:
    _table(pytui.tmp / "state")
    (pytui.tmp / ".python-version").write_text("# nothing to install\n")
    pytui.catalog.write_text("not a catalog")
    ran = pytui.run("install", PYTUI_STATE_DIR=str(pytui.tmp / "state"))
    assert "Traceback" not in ran.stderr, str(ran)
    assert "name one (`pytui install 3.40`)" in ran.stderr, str(ran)


# A command to type that names a minor version (`install 3.12`, `python3.12`, `pin 3.12`); the
# grammar's examples (`3.12, 3.12.8, 3.13t`) are no command and stay.
COMMAND_WITH_A_MINOR = re.compile(r"(?:install|pin|-p|python)\s?3\.\d+")


@pytest.mark.parametrize("argv", [["cache", "export-mirror", "--help"], ["dir", "--help"],
                                  ["install", "--help"], ["uninstall", "--help"], ["list", "--help"],
                                  ["cache", "--help"], ["cache", "purge", "--help"], ["--help"]])
def test_no_help_text_names_a_minor_to_type(pytui: Pytui, argv: list[str]) -> None:
    ran = pytui.run(*argv, COLUMNS="400")
    assert ran.returncode == 0, str(ran)
    assert COMMAND_WITH_A_MINOR.findall(ran.stdout) == [], ran.stdout


def test_export_mirrors_help_says_the_lines_it_prints(pytui: Pytui) -> None:
    text = " ".join(pytui.run("cache", "export-mirror", "--help", COLUMNS="400").stdout.split())
    assert ("`pytui --offline --mirror file://DIR --downloads-json DIR/download-metadata.json install "
            "VERSION`") in text
    assert "uv python install VERSION`, VERSION one the mirror holds: an export prints both lines" in text
