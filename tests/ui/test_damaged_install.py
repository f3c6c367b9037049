"""A damaged install in the TUI (no Pilot): one that lacks a file uv's query of its interpreter
needs (json/__init__.py, as a killed deleter leaves it) was shown installed like any other,
while `uv python list` drops it. The rule is `pytui list`'s (core/install_damage.missing_part),
asked once where the disk is listed (app/gateway.py); the Installed row says `damaged` in its
Update column, Details says what it lacks, and `i` asks to reinstall it."""

from __future__ import annotations

from pathlib import Path

from pytui.app import decisions as d
from pytui.app import install_decisions as di
from pytui.app.gateway import DAMAGED, CoreGateway
from pytui.app.view_model import ViewModel
from pytui.widgets.available_table import state_text
from test_list_damaged import stand_in_install
from view_state import NEW, a_state, an_installation


def test_the_disk_listing_marks_an_install_that_lacks_a_query_file(tmp_path: Path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    build = builds[NEW]
    install = stand_in_install(Path(state.settings.install_root), build.key).path
    stdlib = install / "lib" / f"python{build.major}.{build.minor}"
    listed = CoreGateway().list_installed(state.settings)
    assert [i.extra.get(DAMAGED) for i in listed] == [None]
    (stdlib / "json" / "__init__.py").unlink()
    listed = CoreGateway().list_installed(state.settings)
    assert [i.extra.get(DAMAGED) for i in listed] == [f"lib/python{build.major}.{build.minor}/json/__init__.py"]


def test_a_damaged_install_is_said_and_i_reinstalls_it(tmp_path: Path, builds) -> None:
    state = a_state(tmp_path, *builds.values())
    vm = ViewModel()
    build = builds[NEW]
    installation = an_installation(tmp_path, build)
    state.installations.append(installation)
    assert [row.busy for row in vm.installed_rows(state)] == [""]
    assert isinstance(di.decide_install(state, vm, "installed", build.key), d.Refuse)

    marks = {row.build.key: state_text(row).plain for row in vm.available_rows(state)}
    assert marks[build.key] == "✓"

    installation.extra[DAMAGED] = "lib/python3.12/json/__init__.py"
    assert [row.busy for row in vm.installed_rows(state)] == ["damaged"]
    # Available says it too (it said `✓`, installed as it is, beside Installed's `damaged`).
    marks = {row.build.key: state_text(row).plain for row in vm.available_rows(state)}
    assert marks[build.key] == "✓!"
    details = vm.details(state, "installed", build.key)
    assert details is not None
    assert ("damaged", "lacks lib/python3.12/json/__init__.py, so uv does not list it (part of it "
            "is gone, as a run killed while removing or replacing it leaves it); i reinstalls it") \
        in details.fields
    for pane in ("installed", "available"):
        asked = di.decide_install(state, vm, pane, build.key)
        assert isinstance(asked, d.Confirm), asked
        assert asked.then == d.StartInstall(build, reinstall=True)
        assert "lacks lib/python3.12/json/__init__.py" in asked.lines[0].text
    # A job on it says what it does instead.
    state.add_job("install", build.key, build=build)
    assert [row.busy for row in vm.installed_rows(state)] != ["damaged"]
