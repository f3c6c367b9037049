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
                       help="the directory executable links (python3.12, ...) go to, as "
                            "`uv python dir --bin`")
    which.add_argument("--cache", dest="which", action="store_const", const="cache",
                       help="the archive cache (same as `pytui cache dir`)")
    which.add_argument("--state", dest="which", action="store_const", const="state",
                       help="pytui's state directory (kept catalog, parsed-catalog cache)")
    p.set_defaults(run=run, which="root")


def run(args: argparse.Namespace) -> int:
    settings = args.settings
    paths = {"root": settings.install_root, "bin": settings.bin_dir,
             "cache": settings.cache_dir, "state": settings.state_dir}
    print(paths[args.which])
    return 0
