"""A broken pipx venv's mend names the bin dir's `pythonX.Y` link, not a bare `python3.12`:
pipx 1.18.4 (interpreter.find_python_interpreter) takes `--python python3.12` from PATH
(shutil.which), where a pyenv shim or /usr/bin/python3.12 comes first for many, and rebuilt the
venv on that Python instead of the installed one the mend meant (newuser38, with the real pipx).
The bin dir is one shell word: `~/…` as shown elsewhere, else its absolute path quoted."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from pytui.app.envs_view import env_details
from pytui.app.state import AppState
from pytui.app.support_view import today
from pytui.core.catalog import Catalog
from pytui.core.environment import Environment
from pytui.core.example_minor import released_minor
from pytui.core.settings import Settings
from ui_helpers import HOST

# With nothing installed and no catalog build the mend names the newest minor released by today
# (core/example_minor.py, a3c6715), no longer a fixed 3.12: today by the state's clock, as every
# support status the app shows (tests/ui/test_state_clock.py), here a day after 3.14's release.
AT = _dt.datetime(2025, 11, 1, 12).timestamp()
M = released_minor(None, today(AT).isoformat())
assert M == "3.14"


def _mend(tmp: Path, bin_dir: Path, name: str = "black", kind: str = "pipx") -> str:
    settings = Settings.resolve(install_dir=tmp / "root", cache_dir=tmp / "cache",
                                env={"HOME": str(tmp), "UV_PYTHON_BIN_DIR": str(bin_dir)})
    state = AppState(settings=settings, host=HOST, home=tmp, clock=lambda: AT,
                     catalog=Catalog([], source="test"), disk_listed=True)
    path = tmp / "pipx" / ("shared" if kind == "pipx-shared" else f"venvs/{name}")
    env = Environment(path, kind, None, "external", "broken",
                      wanted="/opt/py/bin/python3")
    return dict(env_details(state, env))["mend"]


def test_a_pipx_mend_names_the_bin_dirs_link(tmp_path: Path) -> None:
    assert _mend(tmp_path, tmp_path / ".local" / "bin").endswith(
        f"(pipx reinstall --python ~/.local/bin/python{M} black)")
    # pipx's shared libraries (tests/test_pipx_shared.py): `pipx reinstall-all --python X`
    # rebuilt them on pipx's default Python, not X (pipx 1.18.4); an app named `shared` is an app.
    assert _mend(tmp_path, tmp_path / ".local" / "bin", kind="pipx-shared").endswith(
        f"(PIPX_DEFAULT_PYTHON=~/.local/bin/python{M} pipx upgrade-shared; pipx rebuilds it by "
        "itself, on its default Python, at its next install or upgrade)")
    assert _mend(tmp_path, tmp_path / ".local" / "bin", "shared").endswith(
        f"(pipx reinstall --python ~/.local/bin/python{M} shared)")
    assert _mend(tmp_path, Path("/opt/bin")).endswith(f"(pipx reinstall --python /opt/bin/python{M} black)")


def test_a_bin_dir_a_shell_would_split_is_quoted(tmp_path: Path) -> None:
    spaced = tmp_path / "my bin"
    assert _mend(tmp_path, spaced).endswith(f"(pipx reinstall --python '{spaced}'/python{M} black)")
