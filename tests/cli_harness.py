"""Running the `pytui` CLI as a subprocess in an isolated world, for end-to-end tests.

`Pytui` holds a tmp dir with an install root, an archive cache, a bin dir and a uv catalog file
whose builds are served by a loopback `FaultyHTTPServer`; `run(...)` starts `python -m
pytui.app.cli` with UV_PYTHON_INSTALL_DIR / UV_PYTHON_CACHE_DIR / UV_PYTHON_BIN_DIR /
UV_PYTHON_DOWNLOADS_JSON_URL pointing there. `snapshot(...)` records a tree so a test can prove
that a failure left it as it was. Used by test_install_e2e.py and test_uv_interop.py.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import io
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from fixtures_archives import MadeArchive, file, host_platform, make_pbs_archive, write_uv_catalog
from fixtures_http import FaultyHTTPServer
from pytui.core.root_tree import wait_for_removals

OS, ARCH, LIBC = host_platform()
# How long `wait_for` waits for an event before calling it a hang (not a timing assertion).
WAIT_LIMIT = 120.0
# Incompressible bytes, so an archive is big enough (~200 KB) to be cut mid-body or trickled.
PAYLOAD = file("lib/python3.12/payload.bin", os.urandom(200_000))
# A stall no configured timeout ends: only a cancel (or the server stopping) does.
FOREVER = 3600.0
# Timeouts and the speed floor out of the way, so only Ctrl-C can end a stalled transfer.
PATIENT = {"UV_HTTP_TIMEOUT": "3600", "PYTUI_HTTP_SPEED_LIMIT": "0"}


def key_of(version: str, variant: str = "") -> str:
    return f"cpython-{version}{variant}-{OS}-{ARCH}-{LIBC}"


def minor_of(version: str) -> str:
    return key_of(".".join(version.split(".")[:2]))


# -- the harness --------------------------------------------------------------------------------


@dataclass
class Result:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"pytui {' '.join(self.args)} -> {self.returncode}\n{self.stdout}\n{self.stderr}"

    @property
    def errors(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]


def assert_clean_failure(result: Result, code: int = 1, *, errors: int = 1) -> str:
    """Failed with `code`, no traceback, exactly `errors` one-line `error:` messages; returns the first."""
    assert result.returncode == code, str(result)
    assert "Traceback" not in result.stderr, str(result)
    assert len(result.errors) == errors, str(result)
    return result.errors[0]


def snapshot(*dirs: Path) -> dict[str, tuple]:
    """Every entry under `dirs`: kind, link target, or (inode, mtime, mode, sha256) of a file."""
    out: dict[str, tuple] = {}
    for top in dirs:
        if not os.path.lexists(top):
            out[str(top)] = ("absent",)
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            for name in sorted(dirnames + filenames):
                path = os.path.join(dirpath, name)
                st = os.lstat(path)
                if stat.S_ISLNK(st.st_mode):
                    out[path] = ("link", os.readlink(path))
                elif stat.S_ISDIR(st.st_mode):
                    out[path] = ("dir",)
                elif not stat.S_ISREG(st.st_mode):  # a FIFO would block the read
                    out[path] = ("special", st.st_ino, st.st_mode)
                else:
                    with open(path, "rb") as f:
                        digest = hashlib.sha256(f.read()).hexdigest()
                    out[path] = ("file", st.st_ino, st.st_mtime_ns, st.st_mode, digest)
    return out


def tree_contents(top: Path, *, whole_mode: bool = False, root: Path | None = None) -> dict[str, tuple]:
    """Every entry under `top` by its path relative to it, to compare two trees: ("link",
    target), ("dir",) or ("file", content, mode), the mode the whole of it in octal with
    `whole_mode`, else only whether its owner may run it (an extraction's modes follow the
    umask); with `root`, its path in contents and link targets is written ROOT, so two roots
    compare alike."""
    def rooted(text: str) -> str:
        return text if root is None else text.replace(str(root), "ROOT")

    out: dict[str, tuple] = {}
    for base, dirs, files in os.walk(top):
        for name in dirs + files:
            full = os.path.join(base, name)
            rel = os.path.relpath(full, top)
            if os.path.islink(full):
                out[rel] = ("link", rooted(os.readlink(full)))
            elif os.path.isdir(full):
                out[rel] = ("dir",)
            else:
                data = Path(full).read_bytes()
                if root is not None:
                    data = data.replace(str(root).encode(), b"ROOT")
                mode = os.stat(full).st_mode
                out[rel] = ("file", data, oct(mode) if whole_mode else bool(mode & stat.S_IXUSR))
    return out


@dataclass
class Pytui:
    """An isolated pytui: root, cache and bin dirs, a catalog file and the loopback server."""

    tmp: Path
    server: FaultyHTTPServer
    archives: Path
    builds: list = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.tmp / "root"

    @property
    def cache(self) -> Path:
        return self.tmp / "cache"

    @property
    def bin(self) -> Path:
        return self.tmp / "bin"

    @property
    def catalog(self) -> Path:
        return self.tmp / "catalog.json"

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)  # already hermetic (conftest): no UV_*/PYTUI_* of the developer
        env.update({
            "UV_PYTHON_INSTALL_DIR": str(self.root), "UV_PYTHON_CACHE_DIR": str(self.cache),
            "UV_PYTHON_BIN_DIR": str(self.bin), "UV_PYTHON_DOWNLOADS_JSON_URL": str(self.catalog),
            "PYTUI_HTTP_BACKOFF": "0.001", "UV_NO_PROGRESS": "1",
        })
        env.update(extra)
        return env

    def make(self, version: str = "3.12.8", build_date: str = "20250115", *, payload: bool = False,
             **kwargs: object) -> MadeArchive:
        extra = list(kwargs.pop("extra", ()))  # type: ignore[call-overload]
        if payload:
            extra.append(file(f"lib/python{'.'.join(version.split('.')[:2])}/payload.bin", PAYLOAD.data))
        return make_pbs_archive(self.archives / f"{version}-{build_date}-{len(self.builds)}", version=version,
                                build_date=build_date, os_name=OS, arch=ARCH, libc=LIBC, extra=extra,
                                **kwargs)  # type: ignore[arg-type]

    def serve(self, made: MadeArchive, **faults: object) -> MadeArchive:
        """Serve `made` on the loopback server and put its build (with that URL) in the catalog."""
        served = made.serve(self.server, **faults)
        self.builds = [b for b in self.builds if b.key != served.build.key] + [served.build]
        write_uv_catalog(self.catalog, self.builds)
        return served

    def add(self, version: str = "3.12.8", build_date: str = "20250115", *, payload: bool = False,
            faults: dict | None = None, **kwargs: object) -> MadeArchive:
        return self.serve(self.make(version, build_date, payload=payload, **kwargs), **(faults or {}))

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "pytui.app.cli", *args]

    def run(self, *args: str, timeout: float = 60, **extra_env: str) -> Result:
        done = subprocess.run(self.argv(*args), env=self.env(**extra_env), capture_output=True, text=True,
                              timeout=timeout, cwd=self.tmp)
        return Result(list(args), done.returncode, done.stdout, done.stderr)

    def call(self, *args: str) -> Result:
        """Run pytui in this process (fast): for setting the scene, not for the step under test."""
        from pytui.app.cli import main

        saved = dict(os.environ)
        err = io.StringIO()
        try:
            os.environ.update(self.env())
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()) as out:
                code = main(list(args))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        result = Result(list(args), code, out.getvalue(), err.getvalue())
        assert code == 0, str(result)
        return result

    def run_as_a_user(self, *args: str, timeout: float = 60) -> Result:
        """Run pytui so that file and directory permissions apply to it: as root, without
        CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (skips the test where they cannot be dropped)."""
        import pytest

        try:
            done = subprocess.run(self.argv(*args), env=self.env(), capture_output=True, text=True,
                                  timeout=timeout, cwd=self.tmp,
                                  preexec_fn=drop_dac_override if os.geteuid() == 0 else None)
        except subprocess.SubprocessError as err:
            pytest.skip(f"cannot drop CAP_DAC_OVERRIDE as root here: {err}")
        return Result(list(args), done.returncode, done.stdout, done.stderr)

    def popen(self, *args: str, **extra_env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(self.argv(*args), env=self.env(**extra_env), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=self.tmp)

    def requests(self, made: MadeArchive) -> int:
        return self.server.count(made.url_path)

    def cached(self) -> list[str]:
        """The cache dir's archive entries (the pristine-tree store `trees/` is listed by `trees`)."""
        names = os.listdir(self.cache) if self.cache.is_dir() else []
        return sorted(name for name in names if name != "trees")

    def trees(self) -> list[str]:
        """The sha256 of every kept pristine tree."""
        store = self.cache / "trees"
        return sorted(os.listdir(store)) if store.is_dir() else []

    def tree_whose_archive_is_gone(self) -> tuple[MadeArchive, MadeArchive]:
        """3.12.8 installed from its imported archive, which is then deleted (its kept tree
        stays, as a killed run or uv's `cache clean` leaves it), and 3.13.1's archive imported
        beside it: (3.12.8, 3.13.1)."""
        made, other = self.add("3.12.8"), self.add("3.13.1")
        for archive in (made, other):
            self.call("cache", "import", str(archive.path))
        self.call("--offline", "install", "3.12.8")
        os.unlink(self.cache / cache_name(made))
        assert self.trees() == [made.sha256]
        return made, other

    def temp_left(self) -> list[str]:
        """`.temp/`'s entries once the deleters of replaced installs (a reinstall's old tree is
        deleted by a detached process, core/root_tree.remove_later) have finished."""
        temp = self.root / ".temp"
        wait_for_removals(temp)
        return sorted(os.listdir(temp)) if temp.is_dir() else []

    def state(self) -> dict[str, tuple]:
        return snapshot(self.root, self.cache, self.bin)

    def staged_files(self) -> list[Path]:
        """The files extracted so far into install stages (`.temp/pytui-*/`)."""
        # os.walk skips what vanishes while it lists (a stage is renamed away on commit); a
        # pathlib glob raises FileNotFoundError then.
        temp = self.root / ".temp"
        return [Path(dirpath, name) for dirpath, _dirs, files in os.walk(temp)
                if Path(dirpath).relative_to(temp).parts[:1] and
                Path(dirpath).relative_to(temp).parts[0].startswith("pytui-")
                for name in files]


def drop_dac_override() -> None:
    """Runs in the child before exec: without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH in the
    bounding set, root's next program obeys directory permissions like any user."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl")


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    """`pytui ARGV` in this process, under pytest's `capsys`: the exit code (argparse's own
    usage errors too) and what it printed to stdout and stderr."""
    from pytui.app.cli import main

    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's own usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def finish(proc: subprocess.Popen[str]) -> Result:
    """Wait for a pytui started with Popen (a hang detector bounds it), killed if it hangs."""
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return Result([], proc.returncode, out, err)


def wait_for(predicate: Callable[[], object], what: str, proc: subprocess.Popen | None = None) -> None:
    """Poll an observable condition (a hang detector bounds it, not a timing assertion); fail at
    once if `proc` exits first."""
    deadline = time.monotonic() + WAIT_LIMIT
    while not predicate():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"pytui exited ({proc.returncode}) before {what}: {proc.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {what}")
        time.sleep(0.01)


def reading_stderr(proc: subprocess.Popen[str]) -> tuple[list[str], threading.Thread]:
    """The lines `proc` writes to stderr, gathered as they come by a thread (to wait on one with
    `wait_for`); before `finish(proc)`, set `proc.stderr = None`, then join the thread."""
    assert proc.stderr is not None
    return _reading(proc.stderr)


def reading_stdout(proc: subprocess.Popen[str]) -> tuple[list[str], threading.Thread]:
    """`reading_stderr` for stdout (set `proc.stdout = None` before `finish(proc)`)."""
    assert proc.stdout is not None
    return _reading(proc.stdout)


def _reading(stream: IO[str]) -> tuple[list[str], threading.Thread]:
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.extend(iter(stream.readline, "")), daemon=True)
    reader.start()
    return said, reader


def assert_installed(pytui: Pytui, made: MadeArchive) -> Path:
    """uv's layout for one install: the dir, BUILD, EXTERNALLY-MANAGED, bin/python, minor and bin links."""
    build = made.build
    key = build.key
    mm = f"{build.major}.{build.minor}"
    prefix = pytui.root / key
    assert prefix.is_dir() and not prefix.is_symlink()
    assert (prefix / "BUILD").read_text().strip() == build.build
    assert (prefix / "lib" / f"python{mm}" / "EXTERNALLY-MANAGED").is_file()
    assert os.readlink(prefix / "bin" / "python") == f"python{mm}"
    ran = subprocess.run([prefix / "bin" / f"python{mm}"], capture_output=True, text=True, timeout=30)
    assert ran.stdout.strip() == f"Python {build.version}"
    return prefix


def assert_install_resumes(pytui: Pytui, made: MadeArchive) -> None:
    """`pytui install 3.12` now succeeds by resuming the kept `.part` (its last request a 206
    from past byte 0), leaving the archive cached under uv's name and the build installed."""
    again = pytui.run("install", "3.12")
    assert again.returncode == 0, str(again)
    last = pytui.server.requests_for(made.url_path)[-1]
    assert last.status == 206 and last.range is not None and last.range[0] > 0
    assert pytui.cached() == [cache_name(made)]
    assert_installed(pytui, made)


def cache_name(made: MadeArchive) -> str:
    """uv's cache file name: `{sha256[:9]}-{url basename with %2B -> -}`.

    See docs/uv-compat.md#cache-file-names.
    """
    return f"{made.sha256[:9]}-{made.url_path.rsplit('/', 1)[1].replace('%2B', '-')}"
