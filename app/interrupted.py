"""What a command says when Ctrl-C (SIGINT) stops it, and the exit code it then returns: the one
place for those lines. Each says what was stopped and what running it again does, the question
one asks next (a bare `interrupted` said neither)."""

from __future__ import annotations

# Ctrl-C's exit code, as the shell's for SIGINT (and uv's).
EXIT_CODE = 130

# A command with no line of its own (cli.py's last handler).
ANY_COMMAND = "interrupted"


def install_line(*, no_cache: bool = False) -> str:
    """`pytui install` / `pytui upgrade` stopped while installing."""
    again = ("starts over (--no-cache kept no download)" if no_cache
             else "finishes it (a partial download resumes where it stopped)")
    return f"interrupted; nothing else was installed, and the same command again {again}"


def scan_line() -> str:
    """`pytui envs` (or `pytui upgrade` before it installs) stopped while it looked for
    environments: the stored scan is written whole or not at all (core/atomic.py)."""
    return ("interrupted while looking for environments; nothing was listed or changed (the last "
            "complete scan is kept), and the same command again scans again")
