"""`pytui upgrade` of a minor version no install matches, and of several requests one of which
has no download, does what the real uv's `uv python upgrade` (0.13.9) does, each tool on a root
of its own from one catalog on the loopback server:

- a requested minor version that is not installed is installed (its newest patch, with no bin
  link: an upgrade makes none that is not there), with nothing else installed or beside another
  minor; pytui said `no installed Python matches` and exited 1;
- a request with no download among others (`3.12 3.99`), and a minor version not installed that
  has none (`3.12 3.13`), install and download nothing at all, exit 2: uv resolves every
  request first; pytui upgraded 3.12 and exited 1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, key_of, snapshot
from test_uv_interop import UV, uv

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]


def roots(pytui: Pytui) -> dict[str, str]:
    return {"UV_PYTHON_INSTALL_DIR": str(pytui.tmp / "uv-root"), "UV_PYTHON_BIN_DIR": str(pytui.tmp / "uv-bin")}


def keys(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("cpython-3.") and not p.is_symlink()) \
        if root.exists() else []


def links(bin_dir: Path) -> list[str]:
    return sorted(os.listdir(bin_dir)) if bin_dir.exists() else []


def both(pytui: Pytui, *args: str) -> tuple[object, object]:
    ours = pytui.run(*args)
    theirs = uv(pytui, "python", *args, offline=False, **roots(pytui))
    return ours, theirs


@pytest.mark.parametrize("installed", [(), ("3.11",)], ids=["nothing", "another-minor"])
def test_a_minor_not_installed_is_installed_as_uv(pytui: Pytui, installed: tuple[str, ...]) -> None:
    pytui.add("3.11.9")
    pytui.add("3.12.3")
    new = pytui.add("3.12.8")
    if installed:
        assert pytui.run("install", *installed).returncode == 0
        assert uv(pytui, "python", "install", *installed, offline=False, **roots(pytui)).returncode == 0
    preview = pytui.run("upgrade", "--dry-run", "3.12")
    assert preview.returncode == 0 and keys(pytui.root) == [key_of("3.11.9") for _ in installed], str(preview)
    ours, theirs = both(pytui, "upgrade", "3.12")
    assert theirs.returncode == 0 and f" + {new.build.key}" in theirs.stderr, theirs.stderr
    assert ours.returncode == 0, str(ours)
    assert "Installed Python 3.12.8 in " in ours.stderr and f" + {new.build.key}" in ours.stderr
    assert keys(pytui.root) == keys(pytui.tmp / "uv-root") == sorted(
        [new.build.key, *(key_of("3.11.9") for _ in installed)])
    assert f" + {new.build.key} (no 3.12 is installed: installed, as uv's upgrade does)" in preview.stderr
    # No bin link for it, as uv: the note says what makes one.
    assert "python3.12" not in links(pytui.bin) and "python3.12" not in links(pytui.tmp / "uv-bin")
    assert "`pytui install 3.12` links it" in ours.stderr
    again = pytui.run("upgrade", "3.12")
    assert again.returncode == 0 and "Python 3.12 is already on the latest supported patch release" \
        in again.stderr, str(again)


@pytest.mark.parametrize("requests", [("3.12", "3.99"), ("3.99", "3.12"), ("3.12", "3.13")])
def test_a_request_with_no_download_upgrades_nothing_as_uv(pytui: Pytui, requests: tuple[str, ...]) -> None:
    pytui.add("3.12.3")
    assert pytui.run("install", "3.12").returncode == 0
    assert uv(pytui, "python", "install", "3.12", offline=False, **roots(pytui)).returncode == 0
    pytui.add("3.12.8")  # an upgrade of 3.12 is there to take
    before = snapshot(pytui.root, pytui.cache, pytui.bin)
    pytui.server.clear_requests()
    ours, theirs = both(pytui, "upgrade", *requests)
    missing = next(r for r in requests if r != "3.12")
    assert theirs.returncode == 2 and f"No download found for request: cpython-{missing}-" in theirs.stderr, \
        theirs.stderr
    line = assert_clean_failure(ours, theirs.returncode)
    assert line.startswith(f"error: no download found for request `{missing}` on "), line
    assert ours.stderr.splitlines() == [line], str(ours)
    assert pytui.server.count() == 0  # neither tool asked for 3.12.8
    assert snapshot(pytui.root, pytui.cache, pytui.bin) == before
    assert keys(pytui.tmp / "uv-root") == [key_of("3.12.3")]
    preview = pytui.run("upgrade", "--dry-run", *requests)
    assert assert_clean_failure(preview, 2) == line


def test_a_minor_the_build_pin_has_no_build_of_upgrades_nothing_as_uv(pytui: Pytui) -> None:
    """UV_PYTHON_CPYTHON_BUILD naming a release with a 3.11 but no 3.12: uv upgrades neither
    (pytui upgraded 3.11 and said 3.12's line)."""
    pytui.add("3.11.8", "20241016")
    pytui.add("3.12.7", "20241016")
    for tool in (pytui.run, lambda *a: uv(pytui, "python", *a, offline=False, **roots(pytui))):
        assert tool("install", "3.11", "3.12").returncode == 0
    pytui.add("3.11.9", "20250115")
    pin = {"UV_PYTHON_CPYTHON_BUILD": "20250115"}
    pytui.server.clear_requests()
    ours = pytui.run("upgrade", **pin)
    theirs = uv(pytui, "python", "upgrade", offline=False, **roots(pytui), **pin)
    assert theirs.returncode == 2 and "No download found for request: cpython-3.12-" in theirs.stderr, \
        theirs.stderr
    line = assert_clean_failure(ours, theirs.returncode)
    assert line.startswith(f"error: no download found for {key_of('3.12')} with build 20250115"), line
    assert pytui.server.count() == 0
    assert keys(pytui.root) == keys(pytui.tmp / "uv-root") == [key_of("3.11.8"), key_of("3.12.7")]
