"""Shared fixtures: the real uv catalog (tests/data), hermetic environments, an isolated pytui
against the loopback server and something installed before the step under test."""

from __future__ import annotations

import lzma
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import hypothesis
import pytest

if TYPE_CHECKING:  # imported by the fixtures below: the plugins must be loaded (and rewritten) first
    from cli_harness import Pytui
    from envs_helpers import PackedPrefixes
    from fixtures_archives import MadeArchive
    from fixtures_http import FaultyHTTPServer

from pytui.core import errors

# An f-string of a StepLine drops its steps: an error in the tests (a user's run says the CLI's
# words, core/errors.StepLine.__format__).
errors.STRICT_FORMAT = True

# Fixture modules owned by separate parts of the suite (tests/ is on sys.path via pyproject).
pytest_plugins = ["fixtures_http", "fixtures_archives", "fixtures_root", "fixtures_fs",
                  "download_doubles"]

# A suite started in the background by a non-interactive shell (`.ci/run &`) inherits SIGINT
# ignored, and one started under `nohup` SIGHUP ignored, and so would every pytui the tests
# start (an ignored signal stays ignored across exec): Python then installs no
# KeyboardInterrupt handler and the Ctrl-C tests wait forever, and pytui rightly goes on after
# a hangup (as under nohup), which the signal-step tests send. A Python handler here is reset
# to the default by exec, so the children get each signal as a user's terminal would send it.
# The handler does nothing in this process, which goes on ignoring the signal: with
# default_int_handler, the interrupt pytest-xdist's workers get as they shut down (execnet)
# surfaced as a KeyboardInterrupt in a garbage-collector callback, reported as a warning.
for _number in (signal.SIGINT, signal.SIGHUP):
    if signal.getsignal(_number) is signal.SIG_IGN:
        signal.signal(_number, lambda _number, _frame: None)

# Hypothesis fails an example that runs past 200 ms by default (and calls it flaky when the
# rerun is quick): a wall-clock assertion, which a busy machine breaks (a 50-entry manifest's
# round trip failed so once beside three other suites). No deadline; `max_examples` still
# bounds each property test.
hypothesis.settings.register_profile("pytui", deadline=None)
hypothesis.settings.load_profile("pytui")

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Compile pytui's modules before the first test (under xdist the controller does it first;
    a worker finds them up to date). Every pytui the tests start imports them, and where
    PYTHONDONTWRITEBYTECODE is set no process writes bytecode: each child compiled its imports
    from source again, about half the CPU of the CLI tests on a fresh clone. compileall writes
    regardless of that variable, into the __pycache__ dirs a plain run would write."""
    import compileall

    for part in ("pytui_pkg", "app", "core", "widgets"):
        compileall.compile_dir(REPO / part, quiet=2)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker whose tests are over ignores SIGINT. execnet sends its worker a SIGINT
    when the worker's shutdown runs past 5 s (a busy machine: pytest's garbage collections at
    unconfigure), and the KeyboardInterrupt landed in whatever Python code ran, Hypothesis's
    garbage-collector callback, printed as a PytestUnraisableExceptionWarning at the end of
    the run. A worker that really hangs is still ended: execnet exits it 10 s later."""
    if hasattr(session.config, "workerinput"):
        signal.signal(signal.SIGINT, lambda _number, _frame: None)


# uv's real catalog (5530 builds): `crates/uv-python/download-metadata.json` from uv 0.12.5
# (astral-sh/uv at 26a9dd4b), xz-compressed. tests/data/README.md says where it comes from.
UV_CATALOG_XZ = REPO / "tests" / "data" / "download-metadata.json.xz"


@pytest.fixture(scope="session")
def uv_catalog_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalog decompressed once per session (PYTUI_TEST_CATALOG overrides it)."""
    override = os.environ.get("PYTUI_TEST_CATALOG")
    if override:
        return Path(override)
    out = tmp_path_factory.mktemp("uv-catalog") / "download-metadata.json"
    out.write_bytes(lzma.decompress(UV_CATALOG_XZ.read_bytes()))
    return out


@pytest.fixture(scope="session")
def packed_prefixes(tmp_path_factory: pytest.TempPathFactory) -> PackedPrefixes:
    """Real interpreter prefixes packed as PBS archives once a session, copied per test."""
    from envs_helpers import PackedPrefixes

    return PackedPrefixes(tmp_path_factory.mktemp("packed-prefixes"))


@pytest.fixture
def uv_catalog_path(uv_catalog_file: Path) -> Path:
    """uv's real 5530-entry catalog."""
    return uv_catalog_file


@pytest.fixture(autouse=True)
def hermetic_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own uv/pytui dirs and env out of every test."""
    for name in list(os.environ):
        if name.startswith(("UV_", "PYTUI_")) and name != "PYTUI_TEST_CATALOG":
            monkeypatch.delenv(name, raising=False)
    for name in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE"):  # colour is decided per test
        monkeypatch.delenv(name, raising=False)
    for name in ("COLUMNS", "LINES"):  # and so is the width `list --support` fits its column to
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_BIN_HOME", str(home / ".local" / "bin"))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setenv("UV_NO_PROGRESS", "1")


@pytest.fixture(autouse=True)
def collector_as_found() -> Iterator[None]:
    """Put the cyclic garbage collector back as each test found it: `pytui install` run in this
    process (`main([...])`, `Pytui.call`) turns it off for the rest of its process, which for a
    console script ends at once but here is the whole suite."""
    import gc

    collecting = gc.isenabled()
    yield
    if collecting:
        gc.enable()


@pytest.fixture
def pytui(tmp_path: Path, http_server: FaultyHTTPServer) -> Pytui:
    """An isolated pytui (install root, cache, bin dir, catalog; tests/cli_harness.py) against a
    fresh loopback server; a test file needing another start defines its own."""
    from cli_harness import Pytui

    archives = tmp_path / "archives"
    archives.mkdir()
    return Pytui(tmp_path, http_server, archives)


@pytest.fixture
def baseline(pytui: Pytui) -> MadeArchive:
    """Something installed and cached before the step under test, which must survive it untouched."""
    made = pytui.add("3.11.9")
    pytui.call("install", "3.11")
    return made


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Fail the test if anything connects a socket; the addresses tried (with the thread that
    tried, which names a leftover of an earlier test), for asserting none was."""
    import socket
    import threading

    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append((threading.current_thread().name, address))
        raise AssertionError(f"socket.connect({address!r}) while offline")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


PIDS = Path("/sys/fs/cgroup/pids")


@pytest.fixture
def one_task_cgroup(tmp_path: Path) -> Iterator[Path]:
    """A pids cgroup allowing one task (no thread can start in a process moved into it);
    skips unless root with the cgroup v1 pids controller."""
    if os.geteuid() != 0 or not (PIDS / "cgroup.procs").exists():
        pytest.skip("needs root and the cgroup v1 pids controller at /sys/fs/cgroup/pids")
    cgroup = PIDS / f"pytui-test-{os.getpid()}-{tmp_path.name}"
    try:
        cgroup.mkdir()
        (cgroup / "pids.max").write_text("1")
    except OSError as err:
        pytest.skip(f"cannot make a pids cgroup here: {err}")
    try:
        yield cgroup
    finally:
        cgroup.rmdir()  # empty again: its one process has ended
