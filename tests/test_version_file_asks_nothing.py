"""A version file that asks for nothing `uv python install` can use (empty, comments only,
every line unsupported: a UTF-8 byte-order mark makes `\\ufeff3.12` one) installs nothing with
uv 0.13.9, exit 0; pytui went on as if there were no file and installed the latest stable
CPython (a download nobody asked for). A file that is not UTF-8 (a UTF-16 one, as
PowerShell's `>` writes it) stops uv, exit 2; pytui read it with replacement characters,
ignored its request and installed the latest too. Found driving both on one catalog."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cli_harness import Pytui
from test_install_version_file import _both, _keys, project  # noqa: F401 - the fixture
from test_uv_interop import UV

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]


@pytest.mark.parametrize("text", [b"", b"# pinned later\n\n", b"not a python\n", b"\xef\xbb\xbf3.12.3\n"],
                         ids=["empty", "comments-only", "unsupported-only", "utf8-bom"])
def test_a_version_file_asking_nothing_usable_installs_nothing_as_uv(
        pytui: Pytui, project: Path, text: bytes) -> None:  # noqa: F811 - the fixture
    (project / ".python-version").write_bytes(text)
    ours, theirs = _both(pytui, project)
    assert ours.returncode == 0 and theirs.returncode == 0, (ours.stderr, theirs.stderr)
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root") == [], (ours.stderr, theirs.stderr)
    assert pytui.cached() == []  # nothing downloaded either
    assert ours.stderr.splitlines()[-1] == (
        f"the version file {project / '.python-version'} lists no Python request pytui can "
        "install: nothing installed; name one (`pytui install 3.13`)"), ours.stderr
    assert "Traceback" not in ours.stderr


@pytest.mark.parametrize("text", [b"3.12.3\xff\n", "3.12.3\n".encode("utf-16")],
                         ids=["stray-byte", "utf-16"])
def test_a_version_file_that_is_not_utf8_stops_the_install_as_uv(
        pytui: Pytui, project: Path, text: bytes) -> None:  # noqa: F811 - the fixture
    (project / ".python-version").write_bytes(text)
    ours, theirs = _both(pytui, project)
    assert theirs.returncode == 2 and "did not contain valid UTF-8" in theirs.stderr, theirs.stderr
    assert ours.returncode == 2, ours.stderr
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root") == []
    assert pytui.cached() == []
    offset = text.index(b"\xff")
    assert ours.stderr.splitlines() == [
        f"error: the version file {project / '.python-version'} is not UTF-8 text (byte "
        f"{offset} is not): save it as UTF-8, or name the request (`pytui install 3.13`)"], \
        ours.stderr


def test_a_request_given_reads_no_version_file(pytui: Pytui, project: Path) -> None:  # noqa: F811
    """The file is read only when no request is given, as uv's."""
    (project / ".python-version").write_bytes(b"\xff\xfe")
    done = subprocess.run(pytui.argv("install", "3.12"), env=pytui.env(), capture_output=True,
                          text=True, timeout=120, cwd=project)
    assert done.returncode == 0, done.stderr
    assert _keys(pytui.root) == ["cpython-3.12.3-linux-x86_64-gnu"]


@pytest.mark.parametrize(("text", "make"), [
    ("/usr/bin/python3\n3.12.3\n", None), ("3.12.3\n./.venv\n", None), ("3.12.3\nvenvdir\n", "dir"),
    ("pyfile\n", "file")], ids=["absolute", "relative", "a-dir-here", "a-file-here"])
def test_a_path_in_the_version_file_stops_the_install_as_uv(
        pytui: Pytui, project: Path, text: str, make: str | None) -> None:  # noqa: F811 - the fixture
    """uv reads a line that names a path (a `/` in it, or a file or directory of that name in
    the working directory) as a path request, and its install stops there (exit 2: `X is not a
    valid Python download request`), installing none of the file's other requests; pytui
    skipped it as an unsupported line and installed the rest (3.12.3)."""
    (project / ".python-version").write_text(text)
    name = text.split("\n")[0 if make == "file" else -2].strip()
    if make == "dir":
        (project / name).mkdir()
    elif make == "file":
        (project / name).write_text("")
    ours, theirs = _both(pytui, project)
    path_line = next(line for line in text.splitlines() if "/" in line or line == name)
    assert theirs.returncode == 2, theirs.stderr
    assert f"`{path_line}` is not a valid Python download request" in theirs.stderr, theirs.stderr
    assert ours.returncode == 2, ours.stderr
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root") == []
    assert pytui.cached() == []
    assert ours.stderr.splitlines() == [
        f"error: the version file {project / '.python-version'} asks for `{path_line}`, a path, "
        "which is no Python download request (uv's install stops there too); pin a version in it "
        "(3.13), or name the request (`pytui install 3.13`)"], ours.stderr


def test_a_name_that_is_no_path_here_is_skipped_as_uv(pytui: Pytui, project: Path) -> None:  # noqa: F811
    """A line that is no request and names nothing in the working directory is an executable
    name to uv: skipped with a warning, the rest installed."""
    (project / ".python-version").write_text("venvdir\n3.12.3\n")
    ours, theirs = _both(pytui, project)
    assert ours.returncode == 0 and theirs.returncode == 0, (ours.stderr, theirs.stderr)
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root") == ["cpython-3.12.3-linux-x86_64-gnu"]


def test_a_line_repeated_in_the_version_file_is_said_once_as_uv(
        pytui: Pytui, project: Path) -> None:  # noqa: F811 - the fixture
    """uv 0.13.9 warns once for an unsupported line however often the file repeats it; pytui
    warned once a line (a 64 KiB file may repeat one ~13,000 times), and said `Python 3.12.3 is
    already installed` once for each repeat of a satisfied one."""
    (project / ".python-version").write_text("foo\n3.12.3\nfoo\n3.12.3\nfoo\n")
    ours, theirs = _both(pytui, project)
    assert ours.returncode == 0 and theirs.returncode == 0, (ours.stderr, theirs.stderr)
    assert theirs.stderr.count("unsupported Python request `foo`") == 1, theirs.stderr
    assert ours.stderr.count("unsupported Python request `foo`") == 1, ours.stderr
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root") == ["cpython-3.12.3-linux-x86_64-gnu"]
    again, _ = _both(pytui, project)
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("Python 3.12.3 is already installed") == 1, again.stderr
