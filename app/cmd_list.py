"""Placeholder: `pytui list` (being written)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("list", parents=[common], help="(not yet implemented)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print("not implemented yet")
    return 1
