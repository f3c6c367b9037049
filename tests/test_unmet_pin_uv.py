"""An unmet pin (`.python-version` asking for a version no install satisfies) whose version the
catalog has no build of: the Environments view's `next` said `pin an installed Python instead
(uv python pin 3.13)` with nothing installed, which a user cannot do. The real uv (0.13.9), with
nothing installed, pins anyway: `uv python pin 3.13` downloads and installs 3.13 first, in
silence, where its downloads are on; with UV_PYTHON_DOWNLOADS=manual (or offline) it pins with
`warning: No interpreter found for Python 3.13 in managed installations` and installs nothing.
So with nothing installed the step names the catalog's newest minor: pinning it (which installs
it), or, where uv would not download, installing it here first, then pinning it. Each step is
then run with the real uv on the same catalog (the loopback server's) and pins with no warning.
With an install, the step pins the installed minor, as before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui
from pytui.app.envs_view import env_details
from pytui.app.state import AppState
from pytui.core.environment import Environment
from pytui.core.installed import list_installed
from pytui.core.platform_detect import detect_host
from pytui.core.settings import Settings
from pytui.core.sources import load_catalog

UV = Path(sys.executable).parent / "uv"
LACKS = "the catalog has no 3.9 build (Esc, then r refreshes it): "


def _uv_pin(pytui: Pytui, cwd: Path, request: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = pytui.env(UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), UV_NO_CONFIG="1",
                    UV_PYTHON_PREFERENCE="only-managed", **extra)
    return subprocess.run([str(UV), "python", "pin", request], env=env, capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def _next(pytui: Pytui, **extra: str) -> str:
    """The `next` line of an unmet `3.9` pin, with the catalog and the root as pytui loads them."""
    settings = Settings.resolve(env=pytui.env(**extra))
    state = AppState(settings=settings, host=detect_host(), home=pytui.tmp, clock=lambda: 1000.0,
                     catalog=load_catalog(settings), disk_listed=True)
    state.installations.extend(list_installed(pytui.root) if pytui.root.is_dir() else [])
    pin = Environment(pytui.tmp / "p" / ".python-version", "pin", None, None, "ok", request="3.9")
    return dict(env_details(state, pin))["next"]


def _installed(pytui: Pytui) -> list[str]:
    return sorted(i.version for i in list_installed(pytui.root)) if pytui.root.is_dir() else []


@pytest.mark.uv
@pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {sys.executable}")
@pytest.mark.parametrize("downloads", ["automatic", "manual"])
def test_with_nothing_installed_the_step_is_one_uv_and_pytui_can_take(pytui: Pytui, downloads: str) -> None:
    pytui.add("3.12.8")
    pytui.add("3.13.1")
    project = pytui.tmp / "p"
    project.mkdir()
    extra = {"UV_PYTHON_DOWNLOADS": downloads}
    line = _next(pytui, **extra)
    if downloads == "automatic":
        assert line == f"{LACKS}pin 3.13 instead (uv python pin 3.13, which installs it too)", line
    else:
        assert line == (f"{LACKS}install 3.13 (Esc, then / 3.13 and i on its row) and pin it instead "
                        "(uv python pin 3.13)"), line
        # As uv does it: pinned with a warning, nothing installed. The line's step instead:
        # installed by pytui (the row's i), then pinned.
        warned = _uv_pin(pytui, project, "3.13", **extra)
        assert warned.returncode == 0 and _installed(pytui) == [], warned.stderr
        assert "No interpreter found for Python 3.13 in managed installations" in warned.stderr
        done = pytui.run("install", "3.13", **extra)
        assert done.returncode == 0, str(done)
    pinned = _uv_pin(pytui, project, "3.13", **extra)
    assert pinned.returncode == 0 and "warning" not in pinned.stderr, pinned.stderr
    assert pinned.stdout == "Pinned `.python-version` to `3.13`\n"
    assert (project / ".python-version").read_text().strip() == "3.13"
    assert _installed(pytui) == ["3.13.1"]  # uv installed it as it pinned it, or pytui before
    # Installed now: the installed minor, as before.
    assert _next(pytui, **extra) == f"{LACKS}pin an installed Python instead (uv python pin 3.13)"


def test_with_no_cpython_for_this_platform_the_step_names_none(tmp_path: Path) -> None:
    """A catalog with nothing for this host: no version to pin instead (it said `pin an
    installed Python instead (uv python pin 3.12)`, a version the catalog lacks too)."""
    from fixtures_archives import make_build
    from pytui.core.catalog import Catalog

    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(tmp_path)})
    other = make_build(version="3.13.1", os_name="macos", arch="aarch64", libc="none")
    state = AppState(settings=settings, host=detect_host(), home=tmp_path, clock=lambda: 1000.0,
                     catalog=Catalog([other], source="test"), disk_listed=True)
    pin = Environment(tmp_path / "p" / ".python-version", "pin", None, None, "ok", request="3.9")
    assert dict(env_details(state, pin))["next"] == (
        f"{LACKS}it has no CPython for this platform to pin instead either")
