"""Details of an install whose key the catalog lists with another build (installed build
20240107, the catalog's 20251010): they describe the install, with its own build and its own
cached archive, not the catalog's build; its archive's row in Cached says it is installed."""

from __future__ import annotations

from fixtures_archives import make_build
from pytui.app.details_view import UNLISTED_ARCHIVE_NOTE
from pytui.app.view_model import ViewModel
from pytui.core.models import CachedArchive
from view_state import a_state, an_installation


def test_an_install_of_another_build_is_described_by_its_own(tmp_path) -> None:
    catalogs = make_build(version="3.12.8", build_date="20251010", sha256="aa" * 32)
    own = make_build(version="3.12.8", build_date="20240107", sha256="bb" * 32)
    state = a_state(tmp_path, catalogs)
    state.installations.append(an_installation(tmp_path / "root", own))
    path = state.settings.cache_dir / own.cache_filename
    path.parent.mkdir(parents=True)
    path.write_bytes(bytes(10))
    # The listing matches archives to the catalog by file name: this one matches none.
    state.archives.append(CachedArchive(path, 10, None))
    vm = ViewModel()
    installed = vm.details(state, "installed", own.key)
    assert installed.title == own.key
    # Its own build, its archive, and the panes it is in (not the catalog's build, which is
    # the update; Cached was left out); Available's row of the key is the catalog's build,
    # which it names (nothing said of it before).
    assert installed.note == "build 20240107 · 10 B · in Cached, Installed · catalog has build 20251010"
    fields = dict(installed.fields)
    assert fields["archive"] == "~/cache/" + own.cache_filename
    assert "build 20251010" in fields["update"]
    assert "url" not in fields and "sha256" not in fields  # those are the catalog build's
    assert "catalog" not in fields  # on Installed, `i` is the update, not this archive
    # Its archive's row says the install is of it (and offers no `i`, which Cached refuses).
    cached = vm.details(state, "cached", own.cache_filename)
    assert cached.note == "build 20240107 · 10 B · in Cached, Installed · catalog has build 20251010"
    assert "update" not in dict(cached.fields)
    # It says why `i` refuses it (the row said nothing of it before).
    assert dict(cached.fields)["catalog"] == UNLISTED_ARCHIVE_NOTE
    # Available's row is the catalog's build, as before.
    available = vm.details(state, "available", catalogs.key)
    assert available.note.startswith("build 20251010") and ("sha256", "aa" * 32) in available.fields


def test_an_install_newer_than_the_catalogs_build_names_it_too(tmp_path) -> None:
    # No `update` field names an older catalog build: the note is all that says it is there.
    catalogs = make_build(version="3.12.8", build_date="20240107", sha256="aa" * 32)
    own = make_build(version="3.12.8", build_date="20251010", sha256="bb" * 32)
    state = a_state(tmp_path, catalogs)
    state.installations.append(an_installation(tmp_path / "root", own))
    details = ViewModel().details(state, "installed", own.key)
    assert details.note == "build 20251010 · in Installed · catalog has build 20240107"
    assert "update" not in dict(details.fields)


def test_an_install_of_the_catalogs_build_is_unchanged(tmp_path) -> None:
    build = make_build(version="3.12.8", build_date="20251010", sha256="aa" * 32)
    state = a_state(tmp_path, build)
    state.installations.append(an_installation(tmp_path / "root", build))
    details = ViewModel().details(state, "installed", build.key)
    assert details.note == "build 20251010 · in Available, Installed · install_only"
    assert ("sha256", "aa" * 32) in details.fields


def test_an_archive_of_the_catalogs_build_has_no_catalog_note(tmp_path) -> None:
    build = make_build(version="3.12.8", build_date="20251010", sha256="aa" * 32)
    state = a_state(tmp_path, build)
    path = state.settings.cache_dir / build.cache_filename
    path.parent.mkdir(parents=True)
    path.write_bytes(bytes(10))
    state.archives.append(CachedArchive(path, 10, build))
    assert "catalog" not in dict(ViewModel().details(state, "cached", build.cache_filename).fields)
