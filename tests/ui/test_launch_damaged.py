"""`x` / `!` on an install whose interpreter is gone or not executable says what mends it
without uninstalling: it said "(u, then i reinstalls it)", and `u` asks to break every
environment that runs the install (newuser38: "Breaks 4 environments" in tmux), when `i`
reinstalls a damaged install in place. The pane lists the damage at the next listing (the 2 s
watch sees the root, not a file inside an install), hence `r` first; an interpreter that is
there but not executable is no damage the listing sees, so the CLI's reinstall is named."""

from __future__ import annotations

from pathlib import Path

from fixtures_archives import make_build
from pytui.app import decisions as d
from pytui.app import launch
from pytui.app.state import AppState
from pytui.core.catalog import Catalog
from pytui.core.models import Installation
from pytui.core.settings import Settings
from ui_helpers import HOST


def _refusal(tmp_path: Path, *, gone: bool) -> tuple[str, str]:
    build = make_build(version="3.12.8")
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    state = AppState(settings=settings, host=HOST, home=tmp_path, clock=lambda: 1000.0,
                     catalog=Catalog([build], source="test"), disk_listed=True)
    installation = Installation(build, settings.install_root / build.key, build.build)
    interpreter = installation.path / installation.executable
    interpreter.parent.mkdir(parents=True)
    if not gone:  # there, but not executable
        interpreter.write_text("")
        interpreter.chmod(0o644)
    state.installations.append(installation)
    decision = launch.decide_launch(state, "installed", build.key, launch.REPL, can_suspend=True)
    assert isinstance(decision, d.Refuse), decision
    assert "\n" not in decision.message
    return decision.message, build.key


def test_a_gone_interpreter_says_r_then_i(tmp_path: Path) -> None:
    message, _ = _refusal(tmp_path, gone=True)
    assert message.endswith("/bin/python3.12 is missing: part of the install is gone (r lists it "
                            "again, then i reinstalls it in place)."), message
    assert "u, then" not in message


def test_an_interpreter_not_executable_names_the_reinstall(tmp_path: Path) -> None:
    message, key = _refusal(tmp_path, gone=False)
    assert message.endswith(f"/bin/python3.12 is not executable: `pytui install --reinstall {key}` "
                            "reinstalls it in place."), message
    assert "u, then" not in message
