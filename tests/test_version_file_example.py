"""The version `pytui install`'s version-file lines name as their example (`name the request
(`pytui install 3.12`)`, `pin a version in it (3.12)`, `uv python pin 3.12`) was 3.12 whatever
was installed or in the catalog. It is now the Environments view's mend's rule (core/
example_minor.py): the newest CPython minor installed, else the one `uv python install` with no
request installs from the catalog (the newest stable for this host, not a release candidate),
else 3.12. Real pytui processes on the loopback catalog (3.12.8, 3.13.1, 3.14.0rc2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Pytui


@pytest.fixture
def project(pytui: Pytui) -> Path:
    for version in ("3.12.8", "3.13.1", "3.14.0rc2"):
        pytui.add(version)
    place = pytui.tmp / "project"
    place.mkdir()
    return place


def _said(pytui: Pytui, project: Path) -> list[str]:
    ours = pytui.run("--project", str(project), "install")
    assert "Traceback" not in ours.stderr, ours.stderr
    return ours.stderr.splitlines()


def _mend_minor(pytui: Pytui) -> str:
    """What the Environments view names for the same root and catalog (app/envs_view.py)."""
    from pytui.app.envs_view import installed_minor
    from pytui.app.state import AppState
    from pytui.core.installed import list_installed
    from pytui.core.platform_detect import detect_host
    from pytui.core.settings import Settings
    from pytui.core.sources import load_catalog

    settings = Settings.resolve(env=pytui.env())
    state = AppState(settings=settings, host=detect_host(), home=pytui.tmp, catalog=load_catalog(settings))
    state.installations.extend(list_installed(pytui.root) if pytui.root.is_dir() else [])
    return installed_minor(state)


def test_the_example_is_the_newest_installed_else_the_catalogs_newest_stable(pytui: Pytui, project: Path) -> None:
    version_file = project / ".python-version"
    version_file.write_bytes(b"3.12.3\xff\n")
    not_utf8 = (f"error: the version file {version_file} is not UTF-8 text (byte 6 is not): save it "
                "as UTF-8, or name the request (`pytui install {}`)")
    # Nothing installed: the catalog's newest stable minor (3.13, not 3.14.0rc2).
    assert _said(pytui, project) == [not_utf8.format("3.13")]
    assert _mend_minor(pytui) == "3.13"
    version_file.write_bytes(b"/usr/bin/python3\n")
    assert _said(pytui, project)[-1].endswith("pin a version in it (3.13), or name the request "
                                              "(`pytui install 3.13`)")
    # 3.12 installed: the newest installed, though the catalog has a newer minor.
    assert pytui.run("install", "3.12").returncode == 0
    version_file.write_bytes(b"3.12.3\xff\n")
    assert _said(pytui, project) == [not_utf8.format("3.12")]
    assert _mend_minor(pytui) == "3.12"
    # A directory by the version file's name, passed over: its warning names it too.
    version_file.unlink()
    version_file.mkdir()
    passed = [line for line in _said(pytui, project) if line.startswith("warning: passed over")]
    assert passed == [f"warning: passed over {version_file}: it is a directory, not a file, so uv does not "
                      "read it either; remove it, then put the request in a file there (`uv python pin "
                      "3.12`, which cannot replace it), or name it (`pytui install 3.12`)"], passed
