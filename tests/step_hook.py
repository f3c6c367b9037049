"""A real `pytui` process with one step hooked, so a test can stop it at that step by an event
rather than by time: `kill` sends the process SIGKILL as the step is called (a signal's name,
`SIGINT`, `SIGTERM`, `SIGHUP`, sends that one); `wait` prints "paused" and waits for a line on
stdin before the step runs (`resume`).

The step is named `package.module.function` or `package.module.Class/method`, as the code
under test looks it up when it runs (a name imported `from x import f` is hooked where it was
imported into). `when`, a Python expression over the call's `args`, picks the call (a step
called often, as `os.rename`); `setup`, Python code run in the process first, sets the scene
(e.g. a filesystem without atomic exchange).
"""

from __future__ import annotations

import signal
import subprocess
import sys

from cli_harness import Pytui

_HOOKED = """
import importlib, os, signal, sys
step, how, when, setup = sys.argv[1:5]
exec(setup)
module, name = step.rsplit(".", 1)
owner = importlib.import_module(module)
if "/" in name:
    cls, name = name.split("/")
    owner = getattr(owner, cls)
original = getattr(owner, name)

sent = []

def hooked(*args, **kwargs):
    if when and not eval(when, {"args": args}):
        return original(*args, **kwargs)
    signame = "SIGKILL" if how == "kill" else how
    if signame.startswith("SIG"):
        # SIGKILL, SIGTERM and SIGHUP end pytui here (no handler runs); SIGINT is taken by
        # pytui's own handler, which cancels the run wherever it then is (sent once: a
        # second Ctrl-C means something else).
        if not sent:
            sent.append(signame)
            os.kill(os.getpid(), getattr(signal, signame))
            # pytui's handler runs in the main thread: a step in a worker thread would race it.
            # With `wait_for_cancel = True` in setup, the step waits until the handler has
            # cancelled the token it was given (an event, with a generous bound).
            token = kwargs.get("cancel")
            if globals().get("wait_for_cancel") and token is not None:
                token.wait(60)
        return original(*args, **kwargs)
    print("paused", flush=True)
    sys.stdin.readline()
    return original(*args, **kwargs)

setattr(owner, name, hooked)
from pytui.app.cli import main
sys.exit(main(sys.argv[5:]))
"""


def hooked(pytui: Pytui, step: str, how: str, *args: str, when: str = "",
           setup: str = "") -> subprocess.Popen[str]:
    """`pytui ARGS` with `step` hooked (`how`: "kill", a signal's name, or "wait"), at the
    calls where `when` holds."""
    return subprocess.Popen([sys.executable, "-c", _HOOKED, step, how, when, setup, *args], env=pytui.env(),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=pytui.tmp)


def killed_at(pytui: Pytui, step: str, *args: str, when: str = "", setup: str = "") -> None:
    """Run `pytui ARGS` until it is killed (SIGKILL) at `step`."""
    proc = hooked(pytui, step, "kill", *args, when=when, setup=setup)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL, err


def paused_at(pytui: Pytui, step: str, *args: str, when: str = "", setup: str = "") -> subprocess.Popen[str]:
    """`pytui ARGS` stopped at `step` (at the first call where `when` holds); `resume` it."""
    proc = hooked(pytui, step, "wait", *args, when=when, setup=setup)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != "paused":
        out, err = proc.communicate(timeout=120)
        raise AssertionError(f"pytui never reached {step} ({proc.returncode}): {line}{out}{err}")
    return proc


def resume(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    """Let a paused pytui go on; its exit code, stdout and stderr once it ended."""
    try:
        out, err = proc.communicate("go\n", timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, err
