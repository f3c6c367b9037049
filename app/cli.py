"""The `pytui` entry point: no subcommand starts the TUI; subcommands drive the engine directly.

Each subcommand lives in its own `cmd_*.py` module with `register(subparsers, common)` and
`run(args) -> int`. Modules import only argparse at the top so `pytui list` stays quick and
never imports textual.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pytui.core.errors import PytuiError
from pytui.core.settings import Settings

# Subcommand modules, in help order.
_COMMANDS = ("cmd_list", "cmd_dir", "cmd_install", "cmd_cache")


def common_options(*, suppress: bool = False) -> argparse.ArgumentParser:
    """Flags shared by every command, with uv's names.

    Subcommands get a copy whose defaults are SUPPRESS, so `pytui --offline list`
    and `pytui list --offline` mean the same (argparse would otherwise reset
    the top-level value with the subparser's default).
    """
    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--offline", action="store_true", default=default(False),
                        help="never touch the network; install only from the archive cache (UV_OFFLINE)")
    common.add_argument("--install-dir", "-i", metavar="DIR", default=default(None),
                        help="the managed Python root (UV_PYTHON_INSTALL_DIR)")
    common.add_argument("--cache-dir", metavar="DIR", default=default(None),
                        help="the archive cache (UV_PYTHON_CACHE_DIR)")
    common.add_argument("--downloads-json", metavar="PATH|URL", default=default(None),
                        help="a uv download-metadata.json that replaces the catalog (UV_PYTHON_DOWNLOADS_JSON_URL)")
    common.add_argument("--mirror", metavar="URL", default=default(None),
                        help="download PBS archives from this mirror only (UV_PYTHON_INSTALL_MIRROR)")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pytui", parents=[common_options()],
        description="Browse, cache, install and remove standalone CPython builds (uv-compatible). "
                    "With no command, starts the terminal UI.",
    )
    common = common_options(suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMANDS:
        module = importlib.import_module(f"pytui.app.{name}")
        module.register(sub, common)
    return parser


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The one `Settings` for this run, from the shared flags and the environment."""
    return Settings.resolve(
        install_dir=args.install_dir,
        cache_dir=args.cache_dir,
        offline=args.offline,
        downloads_json=args.downloads_json,
        mirror=args.mirror,
        jobs=getattr(args, "jobs", None),
        no_bin=getattr(args, "no_bin", False),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.settings = settings_from_args(args)
    try:
        if args.command is None:
            from pytui.app.tui import run_tui

            return run_tui(args)
        return int(args.run(args))
    except PytuiError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
