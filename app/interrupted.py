"""What a command says when Ctrl-C (SIGINT) stops it, and the exit code it then returns: the one
place for those lines. Each says what was stopped and what running it again does, the question
one asks next (a bare `interrupted` said neither)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytui.core.jobs import JobOutcome

# Ctrl-C's exit code, as the shell's for SIGINT (and uv's).
EXIT_CODE = 130

# A command with no line of its own (cli.py's last handler).
ANY_COMMAND = "interrupted"


def install_line(*, no_cache: bool = False, installed_some: bool = True) -> str:
    """`pytui install` / `pytui upgrade` stopped while installing; `installed_some`: the run
    installed a build before (said above this line), else `nothing else` read as if one had."""
    again = ("starts over (--no-cache kept no download)" if no_cache
             else "finishes it (a partial download resumes where it stopped)")
    nothing = "nothing else was installed" if installed_some else "nothing was installed"
    return f"interrupted; {nothing}, and the same command again {again}"


def installed_any(outcomes: Iterable[JobOutcome]) -> bool:
    """Whether a job of the interrupted run installed its build (not found `already`)."""
    return any(o.result is not None and o.result.status != "already" for o in outcomes)


def scan_line() -> str:
    """`pytui envs` (or `pytui upgrade` before it installs) stopped while it looked for
    environments: the stored scan is written whole or not at all (core/atomic.py)."""
    return ("interrupted while looking for environments; nothing was listed or changed (the last "
            "complete scan is kept), and the same command again scans again")
