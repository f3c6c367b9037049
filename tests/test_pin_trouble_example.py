"""A `.python-version` that gives no request (empty, past what the scan reads, not a file) said
`uv python pin 3.12` whatever was installed, and the Environments view's mend said "recreate
the environment with an installed Python (uv venv -p 3.12)", which leaves a pin file as it was.
The scan's line now names the newest installed minor (core/example_minor.py's rule; the scan
has no catalog, so with nothing installed it names no version), and the mend is the pin's own:
pin a version in it, the rule's minor with the loaded catalog, or remove what is no file first.
Real pytui processes on the loopback catalog; each mend then run with the real uv."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui
from pytui.app.envs_view import env_details
from pytui.app.state import AppState
from pytui.core.env_files import PIN_MAX_BYTES
from pytui.core.installed import list_installed
from pytui.core.platform_detect import detect_host
from pytui.core.settings import Settings
from pytui.core.sources import load_catalog

UV = Path(sys.executable).parent / "uv"


def _places(home: Path) -> dict[str, Path]:
    places = {name: home / "code" / name for name in ("dir", "huge", "empty")}
    for place in places.values():
        place.mkdir(parents=True)
    (places["dir"] / ".python-version").mkdir()
    (places["huge"] / ".python-version").write_bytes(b"#" * PIN_MAX_BYTES + b"\n3.11\n")
    (places["empty"] / ".python-version").write_bytes(b"")
    return places


def _envs(pytui: Pytui, home: Path) -> dict[str, str]:
    """What `pytui envs --json` says of each broken pin, by its directory's name."""
    import json

    ran = pytui.run("envs", "--rescan", "--json", "--scan", str(home / "code"))
    assert ran.returncode == 0 and "Traceback" not in ran.stderr, str(ran)
    found = json.loads(ran.stdout)
    found = found["environments"] if isinstance(found, dict) else found
    return {Path(env["path"]).parent.name: env["how"] for env in found if env["kind"] == "pin"}


def _mends(pytui: Pytui, home: Path, places: dict[str, Path]) -> dict[str, str]:
    """The Environments view's mend of each, with the catalog and the root as pytui loads them."""
    from pytui.core.envs import scan

    settings = Settings.resolve(env=pytui.env())
    state = AppState(settings=settings, host=detect_host(), home=home, clock=lambda: 1000.0,
                     catalog=load_catalog(settings), disk_listed=True)
    state.installations.extend(list_installed(pytui.root) if pytui.root.is_dir() else [])
    result = scan(pytui.root, pytui.tmp / "scan-state", pytui.env(), roots=[home / "code"])
    return {env.path.parent.name: dict(env_details(state, env))["mend"] for env in result.environments
            if env.kind == "pin" and env.path.parent in places.values()}


@pytest.mark.uv
@pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {sys.executable}")
def test_a_broken_pin_names_the_example_minor_and_its_mend_pins(pytui: Pytui) -> None:
    for version in ("3.12.8", "3.13.1", "3.14.0rc2"):
        pytui.add(version)
    home = Path(os.environ["HOME"])
    places = _places(home)
    # Nothing installed: the scan's line names no version (it has no catalog); the view's mend,
    # with the catalog, the newest stable minor (3.13, not the 3.14 release candidate).
    said = _envs(pytui, home)
    assert "3.12" not in str(said) and said["empty"] == (
        "broken: no request in it (empty, or comments only); pin a version in it "
        "(`uv python pin` and the version the project needs)"), said
    mends = _mends(pytui, home, places)
    assert mends == {
        "dir": "remove it, then pin a version in its place (uv python pin 3.13, run in ~/code/dir)",
        "huge": "pin a version in it (uv python pin 3.13, run in ~/code/huge, replaces it)",
        "empty": "pin a version in it (uv python pin 3.13, run in ~/code/empty, replaces it)",
    }, mends
    # 3.12 installed: both name it, though the catalog has a newer minor.
    assert pytui.run("install", "3.12").returncode == 0
    said = _envs(pytui, home)
    assert said == {
        "dir": "broken: a directory, not a file: uv passes over it; remove it, then pin a version "
               "there (`uv python pin 3.12`)",
        "huge": f"broken: no request in its first 4 KiB, all pytui reads of it ({PIN_MAX_BYTES + 6:,} "
                "bytes); put the request first (`uv python pin 3.12`)",
        "empty": "broken: no request in it (empty, or comments only); pin a version in it "
                 "(`uv python pin 3.12`)",
    }, said
    mends = _mends(pytui, home, places)
    assert all("uv python pin 3.12," in mend and "uv venv" not in mend for mend in mends.values()), mends
    # Each mend done with the real uv, in the directory it names: every pin then gives 3.12.
    (places["dir"] / ".python-version").rmdir()  # the mend's "remove it" (uv cannot replace it)
    env = pytui.env(UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), UV_NO_CONFIG="1")
    for place in places.values():
        pinned = subprocess.run([str(UV), "python", "pin", "3.12"], env=env, cwd=place,
                                capture_output=True, text=True, timeout=120)
        assert pinned.returncode == 0, pinned.stderr
        assert (place / ".python-version").read_text().strip() == "3.12"
    said = _envs(pytui, home)
    assert set(said.values()) == {"pin 3.12"}, said
