"""The TUI's uninstall confirmation lists the environments that would break (the decision is
made without Textual from the app state; the scan fills `state.environments` in the background)."""

from __future__ import annotations

from pathlib import Path

from fixtures_archives import make_build
from pytui.app import decisions as d
from pytui.app.state import AppState
from pytui.core.catalog import Catalog
from pytui.core.environment import Environment
from pytui.core.models import Installation
from pytui.core.platform_detect import detect_host
from pytui.core.settings import Settings

HOST = detect_host()


def test_uninstall_confirmation_lists_what_would_break(tmp_path: Path) -> None:
    old, new = make_build(version="3.12.7"), make_build(version="3.12.8")
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache",
                                env={"HOME": str(tmp_path)})
    state = AppState(settings=settings, host=HOST, home=tmp_path, clock=lambda: 1000.0,
                     catalog=Catalog([old, new], source="test"), disk_listed=True)
    installs = [Installation(b, tmp_path / "root" / b.key, b.build) for b in (old, new)]
    state.installations.extend(installs)

    def texts(key: str) -> list[str]:
        asked = d.decide_uninstall(state, "installed", key)
        assert isinstance(asked, d.Confirm)
        return [line.text for line in asked.lines]

    assert not any("Breaks" in t for t in texts(old.key))  # not scanned yet: nothing said
    pinned = [Environment(tmp_path / f"p{i}" / ".venv", "venv", old.key, "patch", "ok") for i in range(7)]
    follower = Environment(tmp_path / "f" / ".venv", "venv", new.key, "minor", "ok")
    state.environments = [*pinned, follower]
    lines = texts(old.key)
    assert "Breaks 7 environments:" in lines and "  ~/p0/.venv" in lines
    assert f"  and 2 more (pytui envs {old.key})" in lines
    # The follower moves to 3.12.7 when 3.12.8 goes: nothing breaks, nothing is added.
    assert not any("Breaks" in t for t in texts(new.key))
    state.envs_partial = True
    assert "Breaks 7 environments (the scan was partial):" in texts(old.key)
