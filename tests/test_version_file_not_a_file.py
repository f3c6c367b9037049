"""A FIFO, a directory or a socket at `.python-version` / `.python-versions`: uv's install
passes over it as no version file (it looks on, up the tree, then installs what it would
with none); pytui did the same without a word, so a newcomer whose pin was a directory got
the default and no reason. It now says so in one line (what is there, why it is passed over,
what to do) and goes on as uv goes on, never opening the FIFO (which would block)."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest
from cli_harness import Pytui
from test_install_version_file import _both, _keys, project  # noqa: F401 - the fixture
from test_uv_interop import UV

pytestmark = [pytest.mark.uv, pytest.mark.skipif(not UV.exists(), reason="uv is not installed")]


def _make(path: Path, kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(path))


WHAT = {"fifo": "a FIFO", "directory": "a directory", "socket": "a socket"}


@pytest.mark.parametrize("kind", ["fifo", "directory", "socket"])
@pytest.mark.parametrize(("name", "above"), [(".python-version", None), (".python-versions", "3.12.3\n")],
                         ids=["alone", "a-file-above"])
def test_what_is_not_a_file_is_said_and_passed_over_as_uv(pytui: Pytui, project: Path, kind: str,  # noqa: F811
                                                          name: str, above: str | None) -> None:
    there = project / "src" / name
    _make(there, kind)
    if above is not None:  # uv looks on up the tree: the parent's file is the one read
        (project / ".python-version").write_text(above)
    ours, theirs = _both(pytui, project / "src")
    assert ours.returncode == theirs.returncode == 0, (ours.stderr, theirs.stderr)
    assert _keys(pytui.root) == _keys(pytui.tmp / "uv-root"), (ours.stderr, theirs.stderr)
    assert [key.split("-")[1] for key in _keys(pytui.root)] == (["3.12.3"] if above else ["3.13.1"])
    said = [line for line in ours.stderr.splitlines() if str(there) in line]
    assert said == [f"warning: passed over {there}: it is {WHAT[kind]}, not a file, so uv does not "
                    "read it either; remove it, then put the request in a file there "
                    "(`uv python pin 3.13`, which cannot replace it), or name it (`pytui install "
                    "3.13`)"], ours.stderr
    assert "Traceback" not in ours.stderr
    assert stat.S_IFMT(os.lstat(there).st_mode) != stat.S_IFREG  # left as it was


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_uv_python_pin_cannot_replace_it_so_the_advice_is_to_remove_it_first(
        pytui: Pytui, project: Path, kind: str) -> None:  # noqa: F811
    """The line said `remove it, or put the request in a file there (uv python pin 3.12)`, and
    `pytui envs` `remove it, or pin a version in it`: the real uv's pin fails while a FIFO or
    a directory is at the name (`Cannot atomically replace … not a regular file`), so both say
    remove it, then pin."""
    import subprocess

    there = project / "src" / ".python-version"
    _make(there, kind)
    env = pytui.env(UV_CACHE_DIR=str(pytui.tmp / "uv-cache"), UV_OFFLINE="1")
    pinned = subprocess.run([str(UV), "python", "pin", "--no-project", "3.12"], env=env, cwd=there.parent,
                            capture_output=True, text=True, timeout=60)
    assert pinned.returncode != 0 and "not a regular file" in pinned.stderr, pinned
    from pytui.core.env_files import pin_trouble

    assert pin_trouble(str(there), "3.12").endswith("remove it, then pin a version there (`uv python pin 3.12`)")
    there.rmdir() if kind == "directory" else there.unlink()
    pinned = subprocess.run([str(UV), "python", "pin", "--no-project", "3.12"], env=env, cwd=there.parent,
                            capture_output=True, text=True, timeout=60)
    assert pinned.returncode == 0 and there.read_text().strip() == "3.12", pinned
