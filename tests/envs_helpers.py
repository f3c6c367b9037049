"""Real interpreters and environments for the environment tests.

`prefix_archive(dest, prefix, version)` packs an interpreter prefix in the PBS layout under the
version it really is (the fixture module's `make_prefix_archive` labels it with the running
Python's version), so two real patches of one minor can be installed side by side: this host's
`/usr` Python 3.11.x and pyenv's 3.11.y, when both exist. `older_patch()` finds such a pair.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from cli_harness import Pytui, minor_of
from fixtures_archives import MadeArchive, _finish, host_platform, make_build

UV = Path(sys.executable).parent / "uv"
# A `home` outside any install root: an environment that uses it is `external`.
EXTERNAL_HOME = str(Path(sys.base_prefix) / "bin")


def make_venv(path: Path, home: str = EXTERNAL_HOME) -> None:
    """A venv as the scan sees one: a directory with a `pyvenv.cfg` (no interpreter made)."""
    path.mkdir(parents=True)
    (path / "pyvenv.cfg").write_text(f"home = {home}\nversion_info = 3.12.8\n")


def python_version(executable: Path) -> str | None:
    try:
        done = subprocess.run([str(executable), "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                              capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


_PACK = """
import sys
from pathlib import Path
from fixtures_archives import _prefix_members, _rebase, write_archive
prefix, mm, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
# Distribution Pythons link a few files to /etc (Debian's sitecustomize.py): an archive must
# not hold absolute links, and the interpreter runs without them.
members = [_rebase(m, "python/") for m in _prefix_members(prefix, mm, with_tests=False, with_pycache=False)
           if not (m.kind == "symlink" and m.target.startswith("/"))]
write_archive(out, members, kind="tar.gz", level=1)
print(len(members))
"""


def prefix_archive(dest: Path, prefix: Path, version: str, build_date: str = "20250115") -> MadeArchive:
    """A PBS install_only tar.gz of the interpreter at `prefix`, labelled `version`.

    Packed in a child process: the members are read into memory, and the test process's peak
    RSS is inherited by every process it starts (tests that measure a child's peak memory run
    later in the same session)."""
    mm = ".".join(version.split(".")[:2])
    os_name, arch, libc = host_platform()
    build = make_build(version=version, build_date=build_date, os_name=os_name, arch=arch, libc=libc)
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / build.release_filename
    tests = str(Path(__file__).resolve().parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [tests, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", _PACK, str(prefix), mm, str(path)], capture_output=True,
                          text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    return _finish(path, build, "tar.gz", int(done.stdout.strip()), (f"bin/python{mm}",))


class PackedPrefixes:
    """`prefix_archive` made once a session (a worker's) for each prefix, version and build
    date, and copied into each test's `dest`: a pack takes 2-4 s, a copy a few ms, and three
    tests pack the running interpreter the same way (the `packed_prefixes` fixture)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._packed: dict[tuple[str, str, str], MadeArchive] = {}

    def archive(self, dest: Path, prefix: Path, version: str, build_date: str = "20250115") -> MadeArchive:
        key = (str(prefix), version, build_date)
        packed = self._packed.get(key)
        if packed is None:
            packed = prefix_archive(self.directory / str(len(self._packed)), prefix, version, build_date)
            self._packed[key] = packed
        dest.mkdir(parents=True, exist_ok=True)
        path = dest / packed.path.name
        shutil.copyfile(packed.path, path)
        return replace(packed, path=path)


def running_prefix() -> tuple[Path, str]:
    info = sys.version_info
    return Path(sys.base_prefix), f"{info.major}.{info.minor}.{info.micro}"


def older_patch() -> tuple[Path, str] | None:
    """Another real interpreter prefix of the running minor with a lower patch (e.g. Debian's
    /usr/bin/python3.11 beside pyenv's 3.11.7), or None."""
    info = sys.version_info
    mm = f"{info.major}.{info.minor}"
    for prefix in (Path("/usr"), Path("/usr/local"), *sorted(Path.home().glob(".pyenv/versions/*"))):
        exe = prefix / "bin" / f"python{mm}"
        if not exe.is_file() or not (prefix / "lib" / f"python{mm}" / "os.py").is_file():
            continue
        version = python_version(exe)
        if version and re.fullmatch(rf"{info.major}\.{info.minor}\.\d+", version) \
                and int(version.split(".")[2]) < info.micro:
            return prefix, version
    return None


def run_python(executable: Path | str) -> str:
    """`sys.version` of an environment's or install's interpreter (the first word)."""
    done = subprocess.run([str(executable), "-c", "import sys; print(sys.version.split()[0])"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def uv_env(env: dict[str, str], tmp: Path) -> dict[str, str]:
    out = dict(env)
    out.update(UV_NO_CONFIG="1", UV_CACHE_DIR=str(tmp / "uv-cache"), UV_PYTHON_PREFERENCE="only-managed",
               UV_OFFLINE="1", UV_NO_PROGRESS="1")
    out.pop("UV_PYTHON_CACHE_DIR", None)
    return out


def uv_venv(env: dict[str, str], tmp: Path, dest: Path, request: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(UV), "venv", "--no-project", "-p", request, str(dest)], env=uv_env(env, tmp),
                          capture_output=True, text=True, timeout=120, cwd=tmp)


def venv(python: Path, dest: Path) -> None:
    """`python -m venv --without-pip dest` (the archives carry no ensurepip).

    An interpreter the test installed (under its tmp dir, the parent of its private HOME) has
    no bytecode, and where PYTHONDONTWRITEBYTECODE is set each venv compiled the stdlib modules
    it imports from source again (~0.4 s of CPU): its bytecode goes to `<tmp>/venv-pycache`
    instead, once a test for each interpreter path, outside the install tree (whose files the
    tests compare) and outside HOME (which the scan walks)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    tmp = Path(os.environ["HOME"]).parent
    if python.is_relative_to(tmp):
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "venv-pycache")
    done = subprocess.run([str(python), "-m", "venv", "--without-pip", str(dest)], capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr


def settle() -> None:
    """Wait until everything made so far is older than the scan's settle window: a scan lists
    again next time any directory changed within SETTLE_NS of its start (filesystem times move
    in coarse ticks), and a test that counts listings wants none of those. A wait on the clock
    for what the clock decides, not a sleep standing in for an event."""
    from pytui.core.envwalk import SETTLE_NS

    target = time.time_ns() + SETTLE_NS
    while time.time_ns() <= target:
        time.sleep(SETTLE_NS / 4e9)


class InstalledPython:
    """This interpreter's prefix served as a PBS build and installed by pytui (`install X.Y`):
    the build's key, its minor (`3.12`) and the interpreter of the patch dir and of the minor link."""

    def __init__(self, pytui: Pytui, packed: PackedPrefixes) -> None:
        self.made = pytui.serve(packed.archive(pytui.archives / "real", *running_prefix()))
        build = self.made.build
        self.key = build.key
        self.mm = f"{build.major}.{build.minor}"
        pytui.call("install", self.mm)
        self.patch_python = pytui.root / self.key / "bin" / f"python{self.mm}"
        self.minor_python = pytui.root / minor_of(build.version) / "bin" / f"python{self.mm}"
