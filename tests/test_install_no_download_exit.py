"""A request the catalog has no download for exits 2 and installs nothing, as the real uv's does
(uv 0.13.9: `error: No download found for request: cpython-3.99-linux-x86_64-gnu`, exit 2,
alone or beside a request it could install, and from a `.python-versions` listing both: it
resolves every request before it installs any). pytui said that line and exited 1, then exited
2 but still installed the other requests. Each case runs both tools on one catalog file served
by the loopback server, into roots of their own: neither installs or downloads anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure, snapshot

UV = Path(sys.executable).parent / "uv"

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {sys.executable}")]


def uv_install(pytui: Pytui, *requests: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real uv's `python install` on pytui's catalog (the loopback server's URLs), into a
    root of its own. Its configuration is looked for in the test's own dir (UV_NO_CONFIG would
    keep uv from reading a version file too)."""
    env = pytui.env(UV_NO_PROGRESS="1", XDG_CONFIG_HOME=str(pytui.tmp / "config"),
                    UV_CACHE_DIR=str(pytui.tmp / "uv-cache"),
                    UV_PYTHON_INSTALL_DIR=str(pytui.tmp / "uv-root"),
                    UV_PYTHON_BIN_DIR=str(pytui.tmp / "uv-bin"))
    env.pop("UV_PYTHON_CACHE_DIR", None)
    return subprocess.run([str(UV), "python", "install", *requests], env=env, capture_output=True,
                          text=True, timeout=120, cwd=cwd)


@pytest.mark.parametrize("requests", [("3.99",), ("3.12", "3.99"), ("3.99", "3.12")])
def test_a_request_with_no_download_exits_as_uv_does(pytui: Pytui, requests: tuple[str, ...]) -> None:
    pytui.add("3.12.8")
    theirs = uv_install(pytui, *requests, cwd=pytui.tmp)
    assert theirs.returncode == 2, theirs
    assert "No download found for request: cpython-3.99-" in theirs.stderr, theirs.stderr
    assert pytui.server.count() == 0 and not installed(pytui.tmp / "uv-root"), theirs
    ours = pytui.run("install", *requests)
    line = assert_clean_failure(ours, theirs.returncode)
    assert line.startswith("error: no download found for request `3.99`"), line
    assert ours.stderr.splitlines() == [line], ours.stderr  # not what the others would do
    assert pytui.server.count() == 0 and not installed(pytui.root), ours
    assert not pytui.cache.exists() or not os.listdir(pytui.cache), ours


def test_satisfied_requests_are_not_said_beside_one_with_no_download(pytui: Pytui) -> None:
    """uv says only the missing request's line, not that the others are installed; `--reinstall`
    reinstalls none of them."""
    made = pytui.add("3.12.8")
    assert pytui.run("install", "3.12").returncode == 0
    before = snapshot(pytui.root, pytui.cache, pytui.bin)
    pytui.server.clear_requests()
    for args in (("3.12", "3.99"), ("--reinstall", "3.12", "3.99")):
        ours = pytui.run("install", *args)
        line = assert_clean_failure(ours, 2)
        assert ours.stderr.splitlines() == [line] and made.build.key not in ours.stderr, ours
    assert snapshot(pytui.root, pytui.cache, pytui.bin) == before
    assert pytui.server.count() == 0


def installed(root: Path) -> list[str]:
    """The install directories in `root` (none when it is not there)."""
    return [name for name in os.listdir(root) if name.startswith("cpython-")] if root.exists() else []


def test_a_version_file_listing_one_with_no_download_exits_as_uv_does(pytui: Pytui) -> None:
    made = pytui.add("3.12.8")
    project = pytui.tmp / "project"
    project.mkdir()
    (project / ".python-versions").write_text("3.12\n3.99\n")
    theirs = uv_install(pytui, cwd=project)
    assert theirs.returncode == 2 and "No download found for request" in theirs.stderr, theirs
    ours = subprocess.run(pytui.argv("install"), env=pytui.env(), capture_output=True, text=True,
                          timeout=60, cwd=project)
    assert ours.returncode == theirs.returncode, ours
    assert "no download found for request `3.99`" in ours.stderr and made.build.key not in ours.stderr
    assert pytui.server.count() == 0 and not installed(pytui.root) and not installed(pytui.tmp / "uv-root")
