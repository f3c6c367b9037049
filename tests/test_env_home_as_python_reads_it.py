"""A venv's `home` is read as CPython's getpath reads it (3.11-3.13, checked with the real
interpreters): up to a NUL byte, and normalised as text before the interpreter's name is
joined to it.

- A NUL byte in `home` was said as "pyvenv.cfg names no absolute `home`", whatever came before
  it; Python looks in what precedes it (`<bin>\\x00junk` is `<bin>`), and so does pytui: the
  environment uses that install, and one whose `home` the NUL leaves empty or relative says
  that the NUL is why.
- `link/..` in `home` is the directory holding `link` to CPython (its `sys._base_executable`),
  not the parent of the link's target as the kernel would walk it; pytui reads it the same
  way (this pins that reading beside the real interpreter).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import key_of
from pytui.core.envs import scan

KEY = key_of("3.12.8")


def _root(tmp: Path) -> Path:
    """An install root holding 3.12.8 as the scan sees one (its directory and interpreter)."""
    bin_dir = tmp / "root" / KEY / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python3.12").write_text("")
    return tmp / "root"


def _venv(where: Path, home: bytes) -> None:
    where.mkdir(parents=True)
    (where / "pyvenv.cfg").write_bytes(b"home = " + home + b"\nversion_info = 3.12.8\n")


def _scanned(tmp: Path, root: Path, place: Path) -> dict[str, tuple]:
    state = tmp / "state"
    state.mkdir(exist_ok=True)
    found = scan(root, state, os.environ, roots=[place], use_state=False)
    return {str(e.path.relative_to(place)): (e.status, e.key, e.link, e.error) for e in found.environments}


def test_a_nul_in_home_ends_it_as_python_reads_it(tmp_path: Path) -> None:
    root = _root(tmp_path)
    place = tmp_path / "projects"
    inside = os.fsencode(root / KEY / "bin")
    _venv(place / "cut", inside + b"\x00junk")
    _venv(place / "empty", b"\x00" + inside)
    _venv(place / "relative", b"bin\x00" + inside)
    _venv(place / "gone", os.fsencode(tmp_path / "nowhere") + b"\x00x")
    _venv(place / "plain", b"bin")
    got = _scanned(tmp_path, root, place)
    assert got["cut"] == ("ok", KEY, "patch", None)
    nul = "pyvenv.cfg's `home` holds a NUL byte, and Python reads it only up to there"
    assert got["empty"] == ("broken", None, None, f"{nul}: nothing")
    assert got["relative"] == ("broken", None, None, f"{nul}: `bin`, which is no absolute directory")
    status, _, _, error = got["gone"]
    assert status == "broken" and error.endswith(f"which does not exist ({nul})"), error
    assert got["plain"][3] == "pyvenv.cfg names no absolute `home`"  # no NUL: as before


def _base_python() -> Path:
    return Path(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))


def _cpython_reads(venv_dir: Path, home: bytes) -> str:
    """The directory the real CPython's getpath takes `home` for (its `sys._base_executable`)."""
    cfg = venv_dir / "pyvenv.cfg"
    lines = [b"home = " + home if line.startswith(b"home") else line for line in cfg.read_bytes().splitlines()]
    cfg.write_bytes(b"\n".join(lines) + b"\n")
    ran = subprocess.run([str(venv_dir / "bin" / "python"), "-c", "import sys; print(sys._base_executable)"],
                         capture_output=True, text=True, timeout=60, env={"PATH": os.environ["PATH"]})
    assert ran.returncode == 0, ran.stderr
    return os.path.dirname(ran.stdout.strip())


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Python 3.10's getpath takes no executable from `home`")
def test_pytui_reads_home_where_cpython_does(tmp_path: Path) -> None:
    """A `--copies` venv of the running Python (its interpreter is its own, so getpath takes
    `sys._base_executable` from `home`), with `home` rewritten: pytui's interpreter for it is
    in the directory CPython names."""
    real_bin = _base_python().parent
    (tmp_path / "real" / "inner").mkdir(parents=True)
    (tmp_path / "real" / "inner" / "pybin").mkdir()  # where the kernel's walk of `lnk/..` leads
    (tmp_path / "a" / "inner").mkdir(parents=True)
    (tmp_path / "a" / "inner" / "pybin").symlink_to(real_bin)  # where the text's `..` leads
    (tmp_path / "a" / "lnk").symlink_to(tmp_path / "real" / "inner")
    venv_dir = tmp_path / "projects" / "v"
    venv_dir.parent.mkdir()
    made = subprocess.run([str(_base_python()), "-m", "venv", "--copies", "--without-pip", str(venv_dir)],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    root = tmp_path / "root"
    root.mkdir()
    for home in (os.fsencode(tmp_path / "a" / "lnk" / ".." / "inner" / "pybin"),
                 os.fsencode(real_bin) + b"\x00junk"):
        theirs = _cpython_reads(venv_dir, home)
        state = tmp_path / "state"
        state.mkdir(exist_ok=True)
        [env] = scan(root, state, os.environ, roots=[venv_dir.parent], use_state=False).environments
        assert env.status == "ok" and env.interpreter is not None, env
        assert os.path.dirname(env.interpreter) == theirs, (home, env, theirs)
