"""A request the catalog has no download for exits 2, as the real uv's does (uv 0.13.9: `error:
No download found for request: cpython-3.99-linux-x86_64-gnu`, exit 2, alone or beside a
request it could install, and from a `.python-versions` listing both); pytui said that line and
exited 1. Each case runs both tools on one catalog file, offline; what pytui installs of the
other requests is unchanged (it installs them, where uv installs none: docs/uv-compat.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import Pytui, assert_clean_failure

UV = Path(sys.executable).parent / "uv"

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason=f"uv is not installed beside {sys.executable}")]


def uv_install(pytui: Pytui, *requests: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real uv's `python install` on pytui's catalog, offline, into a root of its own. Its
    configuration is looked for in the test's own dir (UV_NO_CONFIG would keep uv from reading a
    version file too)."""
    env = pytui.env(UV_OFFLINE="1", UV_NO_PROGRESS="1", XDG_CONFIG_HOME=str(pytui.tmp / "config"),
                    UV_CACHE_DIR=str(pytui.tmp / "uv-cache"),
                    UV_PYTHON_INSTALL_DIR=str(pytui.tmp / "uv-root"),
                    UV_PYTHON_BIN_DIR=str(pytui.tmp / "uv-bin"))
    env.pop("UV_PYTHON_CACHE_DIR", None)
    return subprocess.run([str(UV), "python", "install", *requests], env=env, capture_output=True,
                          text=True, timeout=120, cwd=cwd)


@pytest.mark.parametrize("requests", [("3.99",), ("3.12", "3.99"), ("3.99", "3.12")])
def test_a_request_with_no_download_exits_as_uv_does(pytui: Pytui, requests: tuple[str, ...]) -> None:
    made = pytui.add("3.12.8")
    theirs = uv_install(pytui, *requests, cwd=pytui.tmp)
    assert theirs.returncode == 2, theirs
    assert "No download found for request: cpython-3.99-" in theirs.stderr, theirs.stderr
    ours = pytui.run("install", *requests)
    line = assert_clean_failure(ours, theirs.returncode)
    assert line.startswith("error: no download found for request `3.99`"), line
    assert (f" + {made.build.key}" in ours.stderr) == ("3.12" in requests), ours.stderr


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
    assert "no download found for request `3.99`" in ours.stderr and f" + {made.build.key}" in ours.stderr
