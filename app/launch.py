"""`x` and `!`: the highlighted install's Python REPL, or a shell with its bin dir first on
PATH (no Textual). `decide_launch` says what would run or refuses in one line; the app
suspends itself, calls `run_interactive` and comes back when the program exits.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from pytui.app.decisions import Refuse
from pytui.app.state import AppState
from pytui.app.terminal_codes import CLEAR_SCREEN
from pytui.app.uninstall_decisions import idle_installation
from pytui.core.keys import parse_key
from pytui.core.models import Installation
from pytui.widgets.format import short_path

What = Literal["repl", "shell"]
REPL: Final = "repl"
SHELL: Final = "shell"
FALLBACK_SHELL = "/bin/sh"
# The handover as lazygit makes it: the screen cleared first (the program's output landed over
# the last TUI frame where the terminal keeps no alternate screen, and below what an earlier
# handover printed where it does), then the banner in blue and a blank line, then the program.
BANNER_COLOUR, PLAIN = "\x1b[34m", "\x1b[0m"


@dataclass(frozen=True, slots=True)
class Launch:
    """What runs in the suspended terminal."""

    title: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    # Printed before it starts, so the user knows where they are and how to come back.
    banner: str = ""


def decide_launch(state: AppState, pane: str, key: str | None, what: What, *,
                  can_suspend: bool) -> Launch | Refuse:
    """`x` (REPL) or `!` (shell) on the highlighted row of `pane`."""
    verb = "a REPL" if what == REPL else "a shell"
    installation = idle_installation(
        state, pane, key, f": {verb} needs an installed interpreter (i installs it)")
    if isinstance(installation, Refuse):
        return installation
    parsed = parse_key(installation.key)
    if parsed is None:
        return Refuse(f"{installation.key} is not a key pytui can run.")
    executable = installation.path / parsed.executable
    if not os.path.lexists(installation.path):
        return Refuse(f"{installation.key} is no longer installed: uv or another pytui process "
                      "removed it since it was listed (r lists the install root again).",
                      severity="warning")
    if not _is_executable(executable):
        return Refuse(_not_runnable(state, installation, executable), severity="error")
    if not can_suspend:
        return Refuse(f"This terminal cannot hand over to {verb} (no terminal to suspend); "
                      f"run {executable} yourself.", title="Cannot suspend")
    env = dict(state.settings.env)
    name = parsed.bin_names[0]
    back = "exit() or Ctrl+D returns to pytui" if what == REPL else "exit returns to pytui"
    if what == REPL:
        return Launch(f"{name} REPL", (str(executable),), env,
                      f"pytui: {installation.key} — {back}")
    bin_dir = executable.parent
    path = env.get("PATH", "")
    env["PATH"] = str(bin_dir) + (os.pathsep + path if path else "")
    shell = login_shell(env)
    return Launch(f"shell with {name}", (shell,), env,
                  f"pytui: {shell} with {short_path(bin_dir, state.home)} first on PATH "
                  f"(python, {name}) — {back}")


def _not_runnable(state: AppState, installation: Installation, executable: Path) -> str:
    """What mends an install whose interpreter is gone or not executable, without `u` (which
    asks to break every environment that runs it): a gone file is damage `i` reinstalls in
    place once the pane lists it (the 2 s watch sees the root, not a file inside an install:
    `r`); one that is there but not executable is no damage a listing sees, so the CLI's
    reinstall is named."""
    from pytui.app.install_decisions import damaged

    shown = short_path(executable, state.home)
    if os.path.lexists(executable):
        return (f"{shown} is not executable: `pytui install --reinstall {installation.key}` "
                "reinstalls it in place.")
    then = "i reinstalls it in place" if damaged(installation) else \
        "r lists it again, then i reinstalls it in place"
    return f"{shown} is missing: part of the install is gone ({then})."


def login_shell(env: Mapping[str, str]) -> str:
    """$SHELL when it names an executable file by an absolute path, else /bin/sh."""
    shell = env.get("SHELL", "")
    if shell and os.path.isabs(shell) and _is_executable(Path(shell)):
        return shell
    return FALLBACK_SHELL


def _is_executable(path: Path) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and os.access(path, os.X_OK)


@contextmanager
def _terminal_signals_to_child() -> Iterator[None]:
    """Ctrl+C and Ctrl+\\ reach the whole foreground group: the child handles them, pytui must
    not die of them. A Python handler (not SIG_IGN) is reset to the default by exec, so the
    child still gets Ctrl+C as KeyboardInterrupt."""
    wanted = [s for s in (signal.SIGINT, getattr(signal, "SIGQUIT", None)) if s is not None]
    previous = {sig: signal.signal(sig, _ignore) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _ignore(signum: int, frame: object) -> None:
    del signum, frame  # the child has it


def terminal_gone() -> bool:
    """The terminal pytui ran on was hung up (a window closed, an SSH connection dropped)
    while a program it handed over to ran. That program had the terminal's foreground, so the
    hang-up's SIGHUP went to it, not to pytui; pytui's stdin is then no terminal any more."""
    stdin = sys.__stdin__
    try:
        return stdin is None or not os.isatty(stdin.fileno())
    except (OSError, ValueError):  # closed
        return True


def run_interactive(launch: Launch) -> str:
    """Run `launch` on this terminal until it exits; returns a line saying how it ended
    (`exited with status 3`: the toast it goes to has `launch.title` as its title, which
    said `python3.15 REPL` above `python3.15 REPL exited`).

    (This is the one place a program takes over the terminal; tests replace it.)"""
    sys.stdout.write(CLEAR_SCREEN)
    if launch.banner:
        # Escaped (app/safe_text.py): printed to the terminal the TUI let go of, beyond its
        # drawing guard (app/terminal_text.py), and it names the install root's path.
        from pytui.app.safe_text import shown
        from pytui.app.toast_text import break_long_words, wrap_whole_sizes

        # Wrapped at spaces (a path wider than the terminal cut at a `/`): the terminal folded
        # it anywhere, `…-gnu/b` over `in first on PATH` at 80 columns.
        width = max(shutil.get_terminal_size().columns, 1)
        text = wrap_whole_sizes(break_long_words(shown(launch.banner), width), width)
        colour, plain = ("", "") if os.environ.get("NO_COLOR") else (BANNER_COLOUR, PLAIN)
        sys.stdout.write(f"{colour}{text}{plain}\n\n")
    sys.stdout.flush()
    with _terminal_signals_to_child():
        try:
            code = subprocess.call(list(launch.argv), env=dict(launch.env))
        except OSError as err:
            return f"could not run {launch.argv[0]}: {err.strerror or err}"
    return "exited" + (f" with status {code}" if code else "")
