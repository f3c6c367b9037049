"""Offline with a `file://` mirror (the README's machine with no network: `pytui --offline
--mirror file://DIR --downloads-json DIR/download-metadata.json`, "the terminal UI takes the same
flags"): `i` refused every build the cache lacked (`Offline: … is not in the cache`) while the
CLI installed from the mirror, and `U` refused the upgrade the same way. A build the mirror's
directory serves installs; an http(s) mirror offline is refused as before. Decided on the app
state, no Pilot (found following the README with an export-mirror directory in tmux)."""

from __future__ import annotations

from pathlib import Path

from pytui.app import decisions as d
from pytui.app import install_decisions as di
from pytui.app.state import AppState
from pytui.app.view_model import ViewModel
from pytui.core.catalog import Catalog
from pytui.core.settings import Settings
from view_state import HOST, NEW, OLD, an_installation


def _offline_state(tmp_path: Path, mirror: str, *builds) -> AppState:
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache", offline=True,
                                mirror=mirror, env={"HOME": str(tmp_path)})
    state = AppState(settings=settings, host=HOST, home=tmp_path, clock=lambda: 1000.0,
                     catalog=Catalog(list(builds), source="test"), disk_listed=True)
    state.offline = True
    return state


def test_i_offline_installs_from_a_file_mirror(tmp_path: Path, builds) -> None:
    state = _offline_state(tmp_path, (tmp_path / "usb").as_uri(), *builds.values())
    new = builds[NEW]
    started = di.decide_install(state, ViewModel(), "available", new.key)
    assert started == d.StartInstall(new), started
    asked = di.decide_install(state, ViewModel(), "available", new.key, ask=True)
    assert isinstance(asked, d.Confirm), asked
    assert any(line.text.startswith(f"Downloads {(tmp_path / 'usb').as_uri()}/") for line in asked.lines), asked.lines


def test_i_offline_with_an_http_mirror_is_still_refused(tmp_path: Path, builds) -> None:
    state = _offline_state(tmp_path, "https://mirror.example/pbs", *builds.values())
    refused = di.decide_install(state, ViewModel(), "available", builds[NEW].key)
    assert isinstance(refused, d.Refuse) and "is not in the cache" in refused.message, refused


def test_U_offline_upgrades_from_a_file_mirror(tmp_path: Path, builds) -> None:
    state = _offline_state(tmp_path, (tmp_path / "usb").as_uri(), *builds.values())
    state.installations.append(an_installation(tmp_path, builds[OLD]))
    asked = di.decide_upgrade(state)
    assert isinstance(asked, d.Confirm), asked
