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
    parser.add_argument("--rescan", action="store_true",
                        help="check the whole tree now (by default, while the last full check "
                             "is younger than the config's scan-max-age, 10 minutes unless set, "
                             "only the known environments and the directories near the scan "
                             "roots are checked)")


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
        from pytui.core.elide import path_for_line

        shown = ", ".join(safe(path_for_line(str(p))) for p in result.unreadable[:3])
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


def ago(seconds: float) -> str:
    """`12 s`, `3 min`, `2 h`, `4 days`: how long ago the whole tree was checked."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600:.0f} h"
    return f"{seconds // 86400:.0f} days"


def scope(result, now: float) -> str:
    """What a scan checked, as the parenthesis of its count line: `quick check: the known
    environments and 611 directories watched for new ones; the whole tree, 100,000 directories,
    was checked 3 min ago; --rescan checks it all now`, or `the whole tree checked: 100,000
    directories`."""
    if not result.quick:
        return f"the whole tree checked: {_directories(result.tree_dirs)}"
    when = ago(now - result.tree_checked_at) if result.tree_checked_at is not None else "some time"
    # The tree's size is the last full check's: the watched directories may be more by now.
    return (f"quick check: the known environments and {_directories(result.watched)} watched "
            f"for new ones; the whole tree, {_directories(result.tree_dirs)}, was checked "
            f"{when} ago; --rescan checks it all now")


def _directories(count: int) -> str:
    """`1 directory`, `2 directories` (it said `1 directories` of a scan root with no
    subdirectory, `pytui envs --scan DIR`), as the TUI's status line words it."""
    return f"{count:,} director{'y' if count == 1 else 'ies'}"


def freshness(result, count: int, now: float, broken: int = 0) -> str:
    """The count line: `500 environments, 2 broken (<scope>)`. The broken ones are counted as
    the TUI's Environments view counts them."""
    noun = f"{count:,} environment{'s' if count != 1 else ''}" + (f", {broken:,} broken" if broken else "")
    return f"{noun} ({scope(result, now)})"


def nothing_found(result, request: str | None, now: float) -> str:
    """The one line of an empty answer, in place of the count line: what was looked at, as it
    is (a quick check looked only at the known environments and the watched directories, not
    the whole tree)."""
    from pytui.app.safe_text import shown

    if result.quick:
        who = f"No known environment uses {shown(request)}" if request else \
            "No known environments"
        return f"{who} ({scope(result, now)})"
    from pytui.core.elide import path_for_line

    where = ", ".join(shown(path_for_line(str(r))) for r in result.roots)
    what = f" using {shown(request)}" if request else ""
    return (f"No environments{what} found (looked in {where} and the uv tool, pipx and "
            f"virtualenvwrapper dirs; {scope(result, now)})")


def scan_max_age(args: argparse.Namespace) -> float:
    """The config file's scan-max-age (its warning said on stderr), else the default."""
    from pytui.app.config import read_config
    from pytui.core.envs import QUICK_MAX_AGE

    config = read_config(args.settings.env)
    if any("scan-max-age" in warning or ": ignored:" in warning for warning in config.warnings):
        from pytui.app.safe_text import shown as safe

        print(stderr_style().warning(safe(config.warning_line())), file=sys.stderr)
    return QUICK_MAX_AGE if config.scan_max_age is None else config.scan_max_age


def run(args: argparse.Namespace) -> int:
    import time

    from pytui.core.environment import count_broken
    from pytui.core.envs import FULL, QUICK, scan_for_settings

    request = None
    if args.request:
        from pytui.core.requests import PythonRequest

        request = PythonRequest.parse(args.request)
    mode = FULL if args.rescan else QUICK
    max_age = scan_max_age(args)
    try:
        result = scan_for_settings(args.settings, roots=args.scan, mode=mode, max_age=max_age)
    except KeyboardInterrupt:
        from pytui.app import interrupted

        print(stderr_style().error(interrupted.scan_line()), file=sys.stderr)
        return interrupted.EXIT_CODE
    envs = result.environments
    if request is not None:
        envs = [env for env in envs if _matches(env, request)]
    print_scan_notes(result)
    from pytui.app.safe_text import json_text, shown

    if args.json:
        checked = None
        if result.tree_checked_at is not None:
            checked = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(result.tree_checked_at))
        scan_kind = "quick" if result.quick else "full"
        objects = [{**env.to_json(), "scan": scan_kind, "tree_checked_at": checked} for env in envs]
        sys.stdout.write(json_text(objects) + "\n")
        print(freshness(result, len(envs), time.time(), count_broken(envs)), file=sys.stderr)
        return 0
    # Paths and pyvenv.cfg values are other people's text: escaped, never sent raw to a terminal.
    rows = [(shown(env.path), env.kind, env.key_shown(), shown(env.how())) for env in envs]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}")
    if rows:
        print(freshness(result, len(envs), time.time(), count_broken(envs)), file=sys.stderr)
    else:  # one line, not a "0 environments" line after it saying the same
        print(nothing_found(result, args.request, time.time()), file=sys.stderr)
    return 0
