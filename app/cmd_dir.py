"""`pytui dir`: where installs, cached archives and pytui's state live (`--bin`: the bin dir)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "dir", parents=[common],
        help="show the install root, archive cache and state directories",
        description="Print the managed Python install root (uv's, shared with `uv python`), "
                    "the archive cache and pytui's state directory. With --bin, print only "
                    "the directory executable links go to, as `uv python dir --bin` does.",
    )
    p.add_argument("--bin", action="store_true", help="print only the executable-links directory")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = args.settings
    if args.bin:
        print(settings.bin_dir)
        return 0
    print(f"install root: {settings.install_root}")
    print(f"cache dir:    {settings.cache_dir}")
    print(f"state dir:    {settings.state_dir}")
    return 0
