"""Real filesystem conditions for tests: tmpfs mounts (full, read-only) and unreadable directories.

`Mounts` mounts a small tmpfs (`mount -t tmpfs -o size=..`, root only) or a ramfs, remounts it read-only
or fills it to the last block, and unmounts everything at teardown. `without_dac_override()`
drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the calling thread's effective set (threads
it starts inherit that), so `chmod 000` binds root too; `unprivileged_argv()` does the same for
a subprocess through util-linux's `setpriv`. Each skips the test, saying why, where the machine
does not allow it. `make_nested()` makes a tree deeper than PATH_MAX and the recursion limit;
`removed_at_end` removes such trees when the test ends (pytest's removal of old temp dirs is
shutil.rmtree's, which recursed a level a call before Python 3.13 and left them behind).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2
_CAPS_VERSION_3 = 0x20080522
DROP_DAC = ["--inh-caps=-dac_override,-dac_read_search",
            "--bounding-set=-dac_override,-dac_read_search"]


class Mounts:
    """tmpfs mounts made by one test; all unmounted at teardown, whatever happened."""

    def __init__(self) -> None:
        self.points: list[Path] = []

    def tmpfs(self, path: Path, size: str = "8m", inodes: int | None = None) -> Path:
        options = f"size={size},mode=0755" + (f",nr_inodes={inodes}" if inodes else "")
        return self._mount(path, "tmpfs", ["-o", options])

    def ramfs(self, path: Path) -> Path:
        """A ramfs at `path`: no user extended attributes, and 0 B free to statvfs."""
        return self._mount(path, "ramfs", [])

    def _mount(self, path: Path, kind: str, options: list[str]) -> Path:
        if os.geteuid() != 0:
            pytest.skip(f"mounting a {kind} needs root (run the suite as root to test full and "
                        "read-only filesystems)")
        path.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", kind, *options, kind, str(path)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a {kind} here: {done.stderr.strip() or done.returncode}")
        self.points.append(path)
        return path

    def remount(self, path: Path, mode: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True, capture_output=True)

    def fill(self, path: Path) -> None:
        """Use every free block of the tmpfs at `path`."""
        for name, size in ((".filler", 65536), (".filler-small", 512)):
            fd = os.open(path / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
            finally:
                os.close(fd)
        assert os.statvfs(path).f_bavail == 0

    def unmount_all(self) -> None:
        for point in reversed(self.points):
            if subprocess.run(["umount", str(point)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(point)], capture_output=True)
        self.points.clear()


@contextlib.contextmanager
def mounted() -> Iterator[Mounts]:
    made = Mounts()
    try:
        yield made
    finally:
        made.unmount_all()


@pytest.fixture
def mounts() -> Iterator[Mounts]:
    """The test's tmpfs mounts, all unmounted when it ends."""
    with mounted() as made:
        yield made


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _capabilities(libc: ctypes.CDLL, data: ctypes.Array | None = None) -> ctypes.Array:
    header = _CapHeader(_CAPS_VERSION_3, 0)
    if data is None:
        data = (_CapData * 2)()
        call = libc.capget
    else:
        call = libc.capset
    if call(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return data


@contextlib.contextmanager
def without_dac_override() -> Iterator[None]:
    """Permission bits bind this thread (and threads it starts) for the block, root or not."""
    if os.geteuid() != 0:
        yield  # not root: permission bits bind already
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        data = _capabilities(libc)
    except (OSError, AttributeError) as err:
        pytest.skip(f"cannot read this thread's capabilities: {err}")
    saved = data[0].effective
    data[0].effective &= ~((1 << _CAP_DAC_OVERRIDE) | (1 << _CAP_DAC_READ_SEARCH))
    try:
        _capabilities(libc, data)
    except OSError as err:
        pytest.skip(f"cannot drop CAP_DAC_OVERRIDE: {err}")
    try:
        yield
    finally:
        data = _capabilities(libc)
        data[0].effective = saved
        _capabilities(libc, data)


def unprivileged_argv(argv: list[str]) -> list[str]:
    """`argv` run without the capabilities that let root ignore permission bits."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is missing: no way to make a directory unreadable to root")
    probe = subprocess.run([setpriv, *DROP_DAC, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"setpriv cannot drop capabilities here: {probe.stderr.strip()}")
    return [setpriv, *DROP_DAC, *argv]


def make_nested(top: Path, levels: int, *, name: str = "a", file: str = "f", each_level: bool = False,
                locked_every: int = 0) -> None:
    """`top/name/name/…`, `levels` directories below `top` (made, with its parents, if missing),
    through descriptors (the deepest path is past PATH_MAX). A file `file` (holding `x`) in the
    deepest directory, or in each (`each_level`); every `locked_every`-th directory made
    unreadable and unwritable once all are made."""
    top.mkdir(parents=True, exist_ok=True)
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    locked: list[int] = []
    try:
        for level in range(levels):
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
            if each_level or level == levels - 1:
                with open(os.open(file, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as out:
                    out.write("x")
            if locked_every and level % locked_every == locked_every - 1:
                locked.append(os.dup(fd))
        for each in locked:
            os.chmod(each, 0)
            os.close(each)
    finally:
        os.close(fd)


@pytest.fixture
def removed_at_end() -> Iterator[list[Path]]:
    """Paths the test appends (trees `make_nested` made), removed by `rm -rf` when it ends."""
    paths: list[Path] = []
    yield paths
    if paths:
        subprocess.run(["rm", "-rf", "--", *map(str, paths)], check=False)
