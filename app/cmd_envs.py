"""`pytui envs [REQUEST] [--json] [--scan DIR]...`: the environments on this machine and the
managed install each one uses."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from pytui.app.style import stderr_style

DESCRIPTION = ("Find Python environments (venvs, uv tools, pipx, virtualenvwrapper, "
               ".python-version pins) and the managed install each one uses: through the "
               "minor-version link (follows patch upgrades), pinned to a patch, external, or "
               "broken. REQUEST keeps those whose install matches it.")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = add_env_command(sub, common, "envs", run, DESCRIPTION,
                             summary="list virtual environments and pins, and the install each uses")
    parser.add_argument("request", nargs="?", metavar="REQUEST",
                        help="only environments using an install matching this request")
    parser.add_argument("--json", action="store_true",
                        help="a JSON list: path, kind, key, link, status first, then details")


def add_env_command(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, name: str,
                    run: Callable[[argparse.Namespace], int], description: str, *,
                    summary: str) -> argparse.ArgumentParser:
    """A subcommand that scans environments (`envs`, `upgrade`), with the shared `--scan DIR`;
    the caller adds its own arguments to the parser returned."""
    parser = sub.add_parser(name, parents=[common], help=summary, description=description)
    add_scan_option(parser)
    parser.set_defaults(run=run)
    return parser


def add_scan_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scan", action="append", default=[], metavar="DIR",
                        help="walk DIR for projects (repeatable; default PYTUI_SCAN_PATHS, "
                             "the config file's scan-paths, else the home directory)")


def print_scan_notes(result, stream=None) -> None:
    """Warnings, unreadable directories and a partial scan, one line each, on stderr."""
    from pytui.app.safe_text import shown as safe

    stream = stream or sys.stderr
    for warning in result.warnings:
        print(stderr_style().warning(safe(warning)), file=stream)
    if result.unreadable:
        shown = ", ".join(map(safe, result.unreadable[:3]))
        more = f" and {len(result.unreadable) - 3} more" if len(result.unreadable) > 3 else ""
        print(stderr_style().warning(f"could not read {len(result.unreadable)} director"
              f"{'y' if len(result.unreadable) == 1 else 'ies'} ({shown}{more}); "
              "environments inside them are not listed"), file=stream)
    if result.partial:
        print(stderr_style().warning(f"the scan is partial: {result.reason}"), file=stream)


def _matches(env, request) -> bool:
    from pytui.core.keys import parse_key

    for candidate in (env.key, env.wanted):
        if candidate and parse_key(candidate) is not None and request.matches_key(candidate):
            return True
    return False


def run(args: argparse.Namespace) -> int:
    from pytui.core.envs import scan_for_settings
    from pytui.core.requests import PythonRequest

    request = PythonRequest.parse(args.request) if args.request else None
    result = scan_for_settings(args.settings, roots=args.scan)
    envs = result.environments
    if request is not None:
        envs = [env for env in envs if _matches(env, request)]
    print_scan_notes(result)
    from pytui.app.safe_text import json_text, shown

    if args.json:
        sys.stdout.write(json_text([env.to_json() for env in envs]) + "\n")
        return 0
    # Paths and pyvenv.cfg values are other people's text: escaped, never sent raw to a terminal.
    rows = [(shown(env.path), env.kind, env.key or "missing", shown(env.how())) for env in envs]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}")
    if not rows:
        where = ", ".join(str(r) for r in result.roots)
        what = f" using {args.request}" if request is not None else ""
        print(f"No environments{what} found (looked in {where} and the uv tool, pipx and "
              "virtualenvwrapper dirs)", file=sys.stderr)
    return 0
