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
    # Same fields, same values; pytui only adds `build`, `cached` and `support` at the end.
    assert [{k: v for k, v in row.items() if k not in {"build", "cached", "support"}} for row in ours] == theirs
    assert all(list(row)[-3:] == ["build", "cached", "support"] for row in ours)
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
    # uv trims a version of ASCII whitespace, a specifier's parts of any Unicode whitespace.
    " 3.12", "3.12\t", ">=\u20033.12",
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


# -- requests uv refuses, and installed rows (issue 7, item 11) -------------------------------


def uv_run(*args: str) -> subprocess.CompletedProcess:
    uv = find_uv()
    assert uv is not None
    return subprocess.run([uv, "python", *args], env=dict(os.environ), capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("request_text", [
    "3.5", "2.6.8", "2", "2.7", "3.5.0rc1", "3.5rc1", "35", "cp35", "pypy@3.5", "python3.5",
    "cpython-3.5-linux", "==3.5", "3.5t", "0.0", "3.12t", "3.12.1t", "3.12td",
    "3.11+freethreaded+debug", "cpython3.12t", "cpython-3.12+freethreaded", "2t",
])
def test_unsupported_versions_are_refused_as_uv_does(isolated, capsys, request_text) -> None:
    theirs = uv_run("list", request_text)
    capsys.readouterr()
    code = main(["list", request_text])
    err = capsys.readouterr().err
    # uv wraps its message to the width it guesses for the terminal; the words are the contract.
    assert (code, err.split()) == (theirs.returncode, theirs.stderr.split())
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("request_text", [
    "\uff13.12", "3.\uff112", "\u0663.\u0661\u0662", "3.1_2", "+3.12", "\u20033.12", "3.12\x0b",
    "\x1c>=3.12", "cpython-3.\uff112.8-linux-x86_64-gnu",
])
def test_a_version_uv_reads_no_digits_in_is_no_version(isolated, capsys, request_text) -> None:
    """uv reads ASCII digits only (Rust's `is_ascii_digit`) and trims ASCII whitespace only:
    these are no versions to uv, which looks for an executable of that name and lists none;
    pytui says that it is not a Python request."""
    assert isolated(request_text, "--only-downloads") == []
    capsys.readouterr()
    code = main(["list", "--only-downloads", request_text])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "is not a Python request" in err, err


@pytest.mark.parametrize("request_text", ["3.12+gil", "3.12rc1t", "3.13t", ">=2", "3t"])
def test_supported_edges_are_not_refused(isolated, capsys, request_text) -> None:
    assert uv_run("list", "--only-downloads", request_text).returncode == 0
    assert main(["list", "--only-downloads", request_text]) == 0


@pytest.fixture
def standins(isolated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Two CPython 3.14 release candidates and a Pyodide, installed as uv can query them."""
    from uv_standin import PYODIDE, make_standin

    root = tmp_path / "python"
    host = json.loads(subprocess.run([find_uv(), "python", "list", "--only-downloads",
                                      "--output-format", "json", "3.12"], env=dict(os.environ),
                                     capture_output=True, text=True, timeout=60).stdout)[0]
    platform = f"{host['os']}-{host['arch']}-{host['libc']}"
    for pre in ("rc2", "rc3"):
        make_standin(root, f"cpython-3.14.0{pre}-{platform}", "bin/python3.14", f"3.14.0{pre}")
    make_standin(root, "pyodide-3.13.2-emscripten-wasm32-musl", "python", "3.13.2", **PYODIDE)
    # No interpreter on PATH for uv to query: only the managed installs are listed.
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    return isolated


INSTALLED_REQUESTS = [
    None, ">=3.14", "<3.15", "!=3.14.0", "==3.14.*", "3.14.0", "3.14", ">=3.14.0rc3",
    "cpython", "pyodide",
]


def test_installed_rows_match_uv(standins, capsys) -> None:
    # One test for all requests: uv's interpreter cache is then warm after the first.
    for request_text in INSTALLED_REQUESTS:
        args = ("--only-installed",) + ((request_text,) if request_text else ())
        theirs = [row["key"] for row in standins(*args)]
        ours = [row["key"] for row in pytui_list(capsys, *args)]
        assert ours == theirs, request_text
    # uv compares an installed pre-release by its release part when the range names none.
    assert len(pytui_list(capsys, "--only-installed", ">=3.14")) == 2
    # An installed Pyodide reports `implementation_name` cpython, and uv lists it for cpython.
    assert any(row["key"].startswith("pyodide-")
               for row in pytui_list(capsys, "--only-installed", "cpython"))
