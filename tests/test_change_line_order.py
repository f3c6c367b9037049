"""The change lines of an install or uninstall of several builds (` + KEY (python3.12)`,
` - KEY`) come in uv's order whatever order the requests came in: `PythonInstallationKey`'s
ascending order, the reverse of `uv python list`'s (3.12.8, 3.12.9, 3.13.1+freethreaded,
3.13.1). pytui said them in the order the requests were typed (`pytui install 3.13 3.12` put
3.13 first, where `uv python install 3.13 3.12` puts 3.12 first). Checked against the real uv.
"""

from __future__ import annotations

import os

import pytest
from cli_harness import Pytui
from test_uv_interop import UV, uv

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {UV}")]

# Typed in no order uv would print them in.
INSTALLED = ("3.13t", "3.12.8", "3.13", "3.12.9")
UNINSTALLED = ("3.12.9", "3.13", "3.12.8", "3.13t")


def _changes(stderr: str) -> list[str]:
    """The change lines' signs and keys (` + cpython-3.12.8-… (python3.12)` -> `+ cpython-3.12.8-…`)."""
    return [" ".join(line.split()[:2]) for line in stderr.splitlines() if line[:3] in (" + ", " - ", " ~ ")]


def test_change_lines_come_in_uvs_order(pytui: Pytui) -> None:
    for version in ("3.12.8", "3.12.9", "3.13.1"):
        pytui.add(version)
    pytui.add("3.13.1", variant="freethreaded")
    said = {}
    for tool in ("uv", "pytui"):
        if tool == "uv":
            installed = uv(pytui, "python", "install", *INSTALLED, offline=False)
            removed = uv(pytui, "python", "uninstall", *UNINSTALLED)
            installed_err, removed_err = installed.stderr, removed.stderr
            codes = (installed.returncode, removed.returncode)
        else:
            done = pytui.run("install", *INSTALLED)
            gone = pytui.run("uninstall", *UNINSTALLED)
            installed_err, removed_err = done.stderr, gone.stderr
            codes = (done.returncode, gone.returncode)
        assert codes == (0, 0), (tool, installed_err, removed_err)
        said[tool] = (_changes(installed_err), _changes(removed_err))
    assert [line.split()[1] for line in said["uv"][0]] == [
        "cpython-3.12.8-linux-x86_64-gnu", "cpython-3.12.9-linux-x86_64-gnu",
        "cpython-3.13.1+freethreaded-linux-x86_64-gnu", "cpython-3.13.1-linux-x86_64-gnu"], said["uv"]
    assert said["pytui"] == said["uv"], said


def test_upgrade_lines_come_in_uvs_order(pytui: Pytui) -> None:
    """`uv python upgrade` says its minors lowest first too (its targets come from the installed
    minors, which pytui walked newest first)."""
    for version in ("3.11.9", "3.12.8"):
        pytui.add(version)
    said = {}
    for tool in ("uv", "pytui"):
        pytui.call("uninstall", "--all")
        assert pytui.run("install", "3.12.8", "3.11.9").returncode == 0
        if len(said) == 0:
            for version in ("3.11.10", "3.12.9"):
                pytui.add(version)
        up = uv(pytui, "python", "upgrade", offline=False) if tool == "uv" else pytui.run("upgrade")
        assert up.returncode == 0, (tool, up.stderr)
        said[tool] = [line.split()[1] for line in _changes(up.stderr)]
    assert said["uv"] == ["cpython-3.11.10-linux-x86_64-gnu", "cpython-3.12.9-linux-x86_64-gnu"], said
    assert said["pytui"] == said["uv"], said


def test_upgrade_lines_name_the_links_as_uvs(pytui: Pytui) -> None:
    """`uv python upgrade` names the bin link that now runs a new patch (` + KEY (python3.12)`),
    and none on a newer build of the installed patch (` ~ KEY`); pytui's upgrade named none:
    twin roots and bin dirs, one catalog."""
    uv_root, uv_bin = pytui.tmp / "uv-root", pytui.tmp / "uv-bin"
    twin = {"UV_PYTHON_INSTALL_DIR": str(uv_root), "UV_PYTHON_BIN_DIR": str(uv_bin)}
    pytui.add("3.11.9", "20250115")
    pytui.add("3.12.8", "20250115")
    assert pytui.run("install", "3.11", "3.12").returncode == 0
    assert uv(pytui, "python", "install", "3.11", "3.12", offline=False, **twin).returncode == 0
    pytui.add("3.11.9", "20250301")  # a newer build of the installed patch
    pytui.add("3.12.9", "20250301")  # a newer patch
    theirs = uv(pytui, "python", "upgrade", offline=False, **twin)
    ours = pytui.run("upgrade")
    assert theirs.returncode == 0 and ours.returncode == 0, (theirs.stderr, str(ours))
    said = [[line.strip() for line in text.splitlines() if line[:3] in (" + ", " ~ ")]
            for text in (theirs.stderr, ours.stderr)]
    assert said[0] == ["~ cpython-3.11.9-linux-x86_64-gnu",
                       "+ cpython-3.12.9-linux-x86_64-gnu (python3.12)"], said
    assert said[1] == said[0], said


def test_a_link_is_named_on_the_line_of_the_install_it_runs(pytui: Pytui) -> None:
    """Two patches of a minor in one run: `python3.12` runs the newest once the run is over,
    and uv names it on that line alone; pytui, installing 3.12.8 first (`-j 1`), named it on
    both lines, ` + cpython-3.12.8-… (python3.12)` for a link that then ran 3.12.9."""
    uv_root, uv_bin = pytui.tmp / "uv-root", pytui.tmp / "uv-bin"
    for version in ("3.12.8", "3.12.9"):
        pytui.add(version)
    theirs = uv(pytui, "python", "install", "3.12.8", "3.12.9", offline=False,
                UV_PYTHON_INSTALL_DIR=str(uv_root), UV_PYTHON_BIN_DIR=str(uv_bin))
    ours = pytui.run("install", "-j", "1", "3.12.8", "3.12.9")
    assert theirs.returncode == 0 and ours.returncode == 0, (theirs.stderr, str(ours))
    said = [[line.strip() for line in text.splitlines() if line[:3] == " + "]
            for text in (theirs.stderr, ours.stderr)]
    assert said[0] == ["+ cpython-3.12.8-linux-x86_64-gnu", "+ cpython-3.12.9-linux-x86_64-gnu (python3.12)"], said
    assert said[1] == said[0], said
    assert os.path.realpath(pytui.bin / "python3.12").startswith(os.path.realpath(pytui.root / "cpython-3.12.9-linux-x86_64-gnu"))
