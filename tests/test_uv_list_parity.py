"""`pytui list` against the real `uv python list` on the same catalog (uv from PyPI, isolated).

Both read uv's real catalog through UV_PYTHON_DOWNLOADS_JSON_URL; uv runs offline with no
config, its own install dir and HOME in tmp, and only managed Pythons, so system interpreters
never appear. pytui runs in-process (same environment) to keep the table fast.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pytui.app.cli import main

pytestmark = pytest.mark.uv


def find_uv() -> str | None:
    beside = Path(sys.executable).parent / "uv"
    if beside.is_file():
        return str(beside)
    return shutil.which("uv")


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uv_catalog_path: Path):
    uv = find_uv()
    if uv is None:
        pytest.skip("the uv binary is not installed")
    env = {
        "UV_PYTHON_DOWNLOADS_JSON_URL": str(uv_catalog_path),
        "UV_PYTHON_INSTALL_DIR": str(tmp_path / "python"),
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "UV_PYTHON_CACHE_DIR": str(tmp_path / "archives"),
        "UV_NO_CONFIG": "1",
        "UV_OFFLINE": "1",
        "UV_PYTHON_PREFERENCE": "only-managed",
        "HOME": str(tmp_path / "home"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)

    def uv_list(*args: str) -> list[dict]:
        done = subprocess.run([uv, "python", "list", "--output-format", "json", *args],
                              env=dict(os.environ), capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return uv_list


def pytui_list(capsys, *args: str) -> list[dict]:
    capsys.readouterr()
    assert main(["list", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def rows(data: list[dict]) -> list[tuple]:
    return [(row["key"], row["url"]) for row in data]


def test_host_downloads_match_uv(isolated, capsys) -> None:
    theirs = isolated("--only-downloads")
    ours = pytui_list(capsys, "--only-downloads")
    assert rows(ours) == rows(theirs)
    # Same fields, same values; pytui only adds `build` and `cached` at the end.
    assert [{k: v for k, v in row.items() if k not in {"build", "cached"}} for row in ours] == theirs
    assert all(list(row)[-2:] == ["build", "cached"] for row in ours)
    # uv 0.13.9 on x86_64 Linux (glibc) shows 19 rows for this catalog.
    if (os.uname().machine, sys.platform) == ("x86_64", "linux") and theirs[0]["libc"] == "gnu":
        assert len(theirs) == 19
    # The first URL is Astral's mirror, as uv would download it.
    assert all(row["url"].startswith("https://releases.astral.sh/github/python-build-standalone/")
               for row in ours if row["implementation"] == "cpython")


@pytest.mark.parametrize("flags", [
    ("--all-platforms", "--all-versions"),
    ("--all-platforms",),
    ("--all-arches",),
    ("--all-versions",),
    ("--all-arches", "--all-versions"),
    ("--show-urls",),
])
def test_flag_combinations_match_uv(isolated, capsys, flags) -> None:
    theirs = isolated("--only-downloads", *flags)
    ours = pytui_list(capsys, "--only-downloads", *flags)
    assert rows(ours) == rows(theirs)
    if flags == ("--all-platforms", "--all-versions"):
        assert len(theirs) == 692


def test_mirror_env_matches_uv(isolated, capsys, monkeypatch) -> None:
    monkeypatch.setenv("UV_PYTHON_INSTALL_MIRROR", "https://mirror.example/pbs/")
    assert rows(pytui_list(capsys, "--only-downloads")) == rows(isolated("--only-downloads"))
    monkeypatch.delenv("UV_PYTHON_INSTALL_MIRROR")
    monkeypatch.setenv("UV_ASTRAL_MIRROR_URL", "https://nexus.example/astral")
    assert rows(pytui_list(capsys, "--only-downloads")) == rows(isolated("--only-downloads"))


REQUESTS = [
    "3", "3.12", "3.12.8", "312", "python3.12", ">=3.11,<3.13", "<3.15", ">=3.14", "==3.12.*",
    "~=3.12.1", "3.13t", "3.13+freethreaded", "3.12+debug", "3.12.0d", "3.14+gil", "3.15rc1",
    "3.15.0rc1", "3.13.0", "3.8", "cpython@3.12", "cpython3.12", "cp312", "cp", "cpython",
    "pypy", "pp", "pypy@3.10", "pypy3.9", "graalpy", "gp", "pyodide", "any", "default",
    "linux", "cpython-3.12.8-macos-aarch64-none", "cpython-3.12-any-any-any",
    "any-3.13-linux-any-gnu", "cpython-3.13-linux-aarch64-gnu",
    "cpython-3.12-linux-x86_64_v3-gnu", "cpython-3.14+freethreaded", "musl",
]


@pytest.mark.parametrize("request_text", REQUESTS)
def test_requests_select_the_same_keys(isolated, capsys, request_text: str) -> None:
    theirs = isolated(request_text, "--only-downloads", "--all-versions")
    ours = pytui_list(capsys, request_text, "--only-downloads", "--all-versions")
    assert [row["key"] for row in ours] == [row["key"] for row in theirs]


@pytest.mark.parametrize(("request_text", "flags"), [
    ("3.13t", ("--all-platforms",)),
    ("pyodide", ("--all-platforms",)),
    ("pypy", ("--all-platforms", "--all-versions")),
    ("cpython-3.13-windows-any-none", ("--all-platforms",)),
    ("3.13", ("--all-arches",)),
    ("3.12", ()),
])
def test_requests_with_platform_flags(isolated, capsys, request_text: str, flags) -> None:
    theirs = isolated(request_text, "--only-downloads", *flags)
    ours = pytui_list(capsys, request_text, "--only-downloads", *flags)
    assert [row["key"] for row in ours] == [row["key"] for row in theirs]


def test_installed_rows_hide_the_same_downloads(isolated, capsys, tmp_path) -> None:
    # A fake managed install (uv queries the interpreter, so only the listing of downloads is
    # compared: uv hides the download row of a patch it sees installed, and pytui must too).
    ours = pytui_list(capsys, "--only-downloads")
    key = ours[2]["key"]
    directory = tmp_path / "python" / key
    (directory / "bin").mkdir(parents=True)
    (directory / "bin" / f"python{ours[2]['version_parts']['major']}."
                          f"{ours[2]['version_parts']['minor']}").write_text("")
    listed = pytui_list(capsys)
    assert [row["key"] for row in listed].count(key) == 1
    assert next(row for row in listed if row["key"] == key)["url"] is None
