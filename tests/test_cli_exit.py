"""The console script ends its process at once after a command (app/cli.py `_exit_at_once`),
skipping the interpreter's shutdown, only when that shutdown has nothing else to do: what was
printed is all there, the exit code is the command's, and an `atexit` callback or a thread that
is not a daemon gets the ordinary exit."""

from __future__ import annotations

import subprocess
import sys

import pytest

RUN = """
import atexit, sys, threading
from pytui.app.cli import main
sys.argv = ["pytui", *sys.argv[1:]]
if "--with-atexit" in sys.argv:
    sys.argv.remove("--with-atexit")
    atexit.register(lambda: print("atexit ran", flush=True))
if "--with-thread" in sys.argv:
    sys.argv.remove("--with-thread")
    # Ends only once the main thread has (at the interpreter's shutdown): an exit that skipped
    # the shutdown would never let it print.
    main_thread = threading.main_thread()
    threading.Thread(target=lambda: (main_thread.join(), print("thread ended", flush=True))).start()
sys.exit(main())
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, timeout=60)


def test_the_output_and_the_exit_code_are_the_commands() -> None:
    done = _run("dir", "--install-dir", "/some/root")
    assert done.returncode == 0 and done.stdout == "/some/root\n", done
    usage = _run("install", "--jobs", "0", "3.12")
    assert usage.returncode == 2 and "--jobs must be at least 1" in usage.stderr, usage


@pytest.mark.parametrize("extra", ["--with-atexit", "--with-thread"])
def test_an_atexit_callback_or_a_live_thread_gets_the_ordinary_exit(extra: str) -> None:
    done = _run(extra, "dir")
    assert done.returncode == 0, done
    assert ("atexit ran" if extra == "--with-atexit" else "thread ended") in done.stdout, done


def test_upgrade_refuses_jobs_below_one_as_install_does() -> None:
    usage = _run("upgrade", "--jobs", "0")
    assert usage.returncode == 2 and usage.stderr.strip() == "error: --jobs must be at least 1", usage
