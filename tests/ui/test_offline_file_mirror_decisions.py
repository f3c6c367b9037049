"""Offline with a `file://` mirror (the README's machine with no network: `pytui --offline
--mirror file://DIR --downloads-json DIR/download-metadata.json`, "the terminal UI takes the same
flags"): `i` refused every build the cache lacked (`Offline: … is not in the cache`) while the
CLI installed from the mirror, and `U` refused the upgrade the same way. A build the mirror's
directory serves installs; an http(s) mirror offline is refused as before. Decided on the app
state, no Pilot (found following the README with an export-mirror directory in tmux).

Then a build the mirror lacks: `i` started a job that failed (the rule asked only whether the
mirror was a `file://` one), Available showed every row of such a mirror dimmed and Details said
`not cached: cannot be installed while offline` for one the mirror holds. One rule
(app/download_source.offline_lack, a stat of the file the job would read) now decides all of it."""

from __future__ import annotations

from pathlib import Path

from pytui.app import decisions as d
from pytui.app import install_decisions as di
from pytui.app.state import AppState
from pytui.app.view_model import ViewModel
from pytui.core.catalog import Catalog
from pytui.core.models import Build
from pytui.core.settings import Settings
from view_state import HOST, NEW, OLD, OTHER, an_installation


def _offline_state(tmp_path: Path, mirror: str, *builds) -> AppState:
    settings = Settings.resolve(install_dir=tmp_path / "root", cache_dir=tmp_path / "cache", offline=True,
                                mirror=mirror, env={"HOME": str(tmp_path)})
    state = AppState(settings=settings, host=HOST, home=tmp_path, clock=lambda: 1000.0,
                     catalog=Catalog(list(builds), source="test"), disk_listed=True)
    state.offline = True
    return state


def _in_mirror(mirror: Path, build: Build) -> Path:
    """The file a `file://` mirror serves `build` from (DIR/<release>/<file>, as export-mirror
    lays it out); its bytes are never read by the decisions."""
    path = mirror / build.build / build.release_filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not read")
    return path


def test_i_offline_installs_from_a_file_mirror(tmp_path: Path, builds) -> None:
    state = _offline_state(tmp_path, (tmp_path / "usb").as_uri(), *builds.values())
    new = builds[NEW]
    _in_mirror(tmp_path / "usb", new)
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
    _in_mirror(tmp_path / "usb", builds[NEW])
    asked = di.decide_upgrade(state)
    assert isinstance(asked, d.Confirm), asked
    assert asked.lines[-1].text.endswith("reads 1 archive from the mirror."), asked.lines


def test_i_offline_on_a_build_the_file_mirror_lacks_is_refused_in_one_line(tmp_path: Path, builds) -> None:
    state = _offline_state(tmp_path, (tmp_path / "usb").as_uri(), *builds.values())
    _in_mirror(tmp_path / "usb", builds[NEW])
    for pane_ask in (False, True):  # `i` and Enter
        refused = di.decide_install(state, ViewModel(), "available", builds[OTHER].key, ask=pane_ask)
        assert isinstance(refused, d.Refuse), refused
        assert refused.message == (f"Offline: {builds[OTHER].key} is in neither the cache (~/cache) "
                                   "nor the mirror (~/usb). Go online (o) or import its archive "
                                   "with `pytui cache import FILE`."), refused.message
        assert "\n" not in refused.message and refused.severity == "error"
    assert not state.jobs


def test_what_the_mirror_has_not_as_a_file_is_not_held(tmp_path: Path, builds) -> None:
    """A directory, a FIFO or a dangling link where the archive should be: the download reads
    only a regular file, so `i` refuses at once (a stat; a FIFO is never opened, which would
    block the UI thread)."""
    import os

    state = _offline_state(tmp_path, (tmp_path / "usb").as_uri(), *builds.values())
    new = builds[NEW]
    path = tmp_path / "usb" / new.build / new.release_filename
    path.parent.mkdir(parents=True)
    for make in (path.mkdir, lambda: os.mkfifo(path), lambda: path.symlink_to(tmp_path / "gone")):
        make()
        refused = di.decide_install(state, ViewModel(), "available", new.key)
        assert isinstance(refused, d.Refuse) and "nor the mirror (~/usb)" in refused.message, refused
        path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()


def test_U_offline_names_the_upgrade_the_file_mirror_lacks(tmp_path: Path, builds) -> None:
    state = _offline_state(tmp_path, (tmp_path / "usb").as_uri(), *builds.values())
    state.installations.append(an_installation(tmp_path, builds[OLD]))
    refused = di.decide_upgrade(state)
    assert isinstance(refused, d.Refuse), refused
    assert refused.message == (f"Offline: {builds[NEW].key} is in neither the cache (~/cache) nor "
                               "the mirror (~/usb). Go online (o) to upgrade."), refused.message


def test_available_dims_and_details_say_only_what_the_mirror_lacks(tmp_path: Path, builds) -> None:
    from pytui.app.details_view import details
    from pytui.app.job_view import offline_line

    state = _offline_state(tmp_path, (tmp_path / "usb").as_uri(), *builds.values())
    _in_mirror(tmp_path / "usb", builds[NEW])
    vm = ViewModel()
    dimmed = {row.build.key: row.unavailable for row in vm.available_rows(state)}
    assert dimmed == {builds[NEW].key: False, builds[OTHER].key: True}, dimmed

    def offline_field(build: Build) -> str | None:
        shown = details(vm, state, "available", build.key)
        assert shown is not None
        return dict(shown.fields).get("offline")

    assert offline_field(builds[NEW]) is None
    assert offline_field(builds[OTHER]) == "in neither the cache nor the mirror: cannot be installed while offline"
    assert offline_line(state) == ("Offline: no network; only cached builds and those the mirror "
                                   "(~/usb) holds install.")


def test_the_rows_dimming_follows_a_file_copied_into_the_mirror_while_shown(tmp_path: Path,
                                                                             builds) -> None:
    """Dimming was derived only when the rows changed: an archive copied into the mirror while
    the app ran stayed dimmed (`i` installed it). The disk watch stats the rows' mirror files
    (mirror_rows, mirror_changed); a change counted in the state derives them again."""
    from pytui.app.download_source import mirror_changed, mirror_rows

    state = _offline_state(tmp_path, (tmp_path / "usb").as_uri(), *builds.values())
    held = _in_mirror(tmp_path / "usb", builds[NEW])
    vm = ViewModel()
    watched = mirror_rows(state, vm.available_rows(state))
    assert {(key, dimmed) for key, _path, dimmed in watched} == {
        (builds[NEW].key, False), (builds[OTHER].key, True)}, watched
    assert not mirror_changed(watched)
    copied = _in_mirror(tmp_path / "usb", builds[OTHER])
    assert mirror_changed(watched)
    # Memoized until the state says the mirror changed (the app counts each such look).
    assert next(r for r in vm.available_rows(state) if r.build.key == builds[OTHER].key).unavailable
    state.mirror_looks += 1
    dimmed = {row.build.key: row.unavailable for row in vm.available_rows(state)}
    assert dimmed == {builds[NEW].key: False, builds[OTHER].key: False}, dimmed
    # Gone again (and one that is no regular file is not held): dimmed at the next change.
    watched = mirror_rows(state, vm.available_rows(state))
    copied.unlink()
    held.unlink()
    held.mkdir()
    assert mirror_changed(watched)
    state.mirror_looks += 1
    assert all(row.unavailable for row in vm.available_rows(state))
    # Online, or with no file:// mirror, nothing is watched.
    state.offline = False
    assert mirror_rows(state, vm.available_rows(state)) == ()
    http = _offline_state(tmp_path, "https://mirror.example/pbs", *builds.values())
    assert mirror_rows(http, vm.available_rows(http)) == ()


def test_without_a_file_mirror_the_offline_words_are_the_cache_s(tmp_path: Path, builds) -> None:
    state = _offline_state(tmp_path, "https://mirror.example/pbs", *builds.values())
    refused = di.decide_install(state, ViewModel(), "available", builds[NEW].key)
    assert isinstance(refused, d.Refuse)
    assert refused.message.startswith(f"Offline: {builds[NEW].key} is not in the cache (~/cache). "), refused


def test_a_newer_build_offline_is_reinstalled_only_from_what_holds_it(tmp_path: Path, builds) -> None:
    """`i` on Available or Installed for the catalog's newer build of an installed key asked
    "Reinstall …?" offline with nothing to install from (`Offline, and its archive is not
    cached.`), and its yes started a job that failed: refused now by the same rule."""
    state = _offline_state(tmp_path, (tmp_path / "usb").as_uri(), *builds.values())
    new = builds[NEW]
    state.installations.append(an_installation(tmp_path, new, build_date="20240101"))
    for pane in ("available", "installed"):
        refused = di.decide_install(state, ViewModel(), pane, new.key)
        assert isinstance(refused, d.Refuse) and "nor the mirror (~/usb)" in refused.message, (pane, refused)
    _in_mirror(tmp_path / "usb", new)
    for pane in ("available", "installed"):
        asked = di.decide_install(state, ViewModel(), pane, new.key)
        assert isinstance(asked, d.Confirm) and asked.title == f"Reinstall {new.key}?", (pane, asked)
