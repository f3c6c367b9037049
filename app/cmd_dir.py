"""`pytui dir`: one bare path, as `uv python dir` prints, so `cd "$(pytui dir)"` works.

Default: the install root (uv's, shared with `uv python`). `--bin`: where executable links go
(as `uv python dir --bin`); `--cache`: the archive cache; `--state`: pytui's state dir.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "dir", parents=[common],
        help="print the install root (or --bin, --cache, --state directory)",
        description="Print one directory, as a bare path: the managed Python install root "
                    "(uv's, shared with `uv python`) by default, as `uv python dir` does.",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--bin", dest="which", action="store_const", const="bin",
                       help="the directory executable links (pythonX.Y, ...) go to, as "
                            "`uv python dir --bin`")
    which.add_argument("--cache", dest="which", action="store_const", const="cache",
                       help="the archive cache (same as `pytui cache dir`)")
    which.add_argument("--state", dest="which", action="store_const", const="state",
                       help="pytui's state directory (kept catalog, parsed-catalog cache)")
    p.set_defaults(run=run, which="root")


def _named(which: str) -> tuple[str, str]:
    """What a directory is called in a warning, and the other way out of it (the install
    root's and the cache dir's as their own errors say it)."""
    from pytui.core.cache import CACHE_DIR_ALTERNATIVE
    from pytui.core.installed import ROOT_ALTERNATIVE

    return {
        "root": ("the install root", ROOT_ALTERNATIVE),
        "bin": ("the bin dir", "pass another with UV_PYTHON_BIN_DIR"),
        "cache": ("the cache dir", CACHE_DIR_ALTERNATIVE),
        "state": ("the state dir", "pass another with PYTUI_STATE_DIR"),
    }[which]


def run(args: argparse.Namespace) -> int:
    settings = args.settings
    paths = {"root": settings.install_root, "bin": settings.bin_dir,
             "cache": settings.cache_dir, "state": settings.state_dir}
    print(paths[args.which])
    warn_if_no_directory(paths[args.which], *_named(args.which))
    return 0


def warn_if_no_directory(path: object, what: str, alternative: str) -> None:
    """A `warning:` line on stderr when something other than a directory is at `path` (a file, a
    symlink to nothing): the path is printed all the same and the exit code stays 0, as
    `uv python dir` does, but a `cd "$(pytui dir)"` would fail with no word of why."""
    from pathlib import Path

    from pytui.core.installed import dir_shape_problem

    problem = dir_shape_problem(Path(str(path)), what, alternative)
    if problem is not None:
        import sys

        from pytui.app.style import stderr_style

        print(stderr_style().warning(problem), file=sys.stderr)
