"""The argparse parser of `pytui` and its subcommands (each `cmd_*.py` registers its own).

Imported only when a command line is not a plain `pytui list` or `pytui install`
(app/plain_args.py reads those, from its own tables: an option added to `common_options` or to
those commands' `register` must be added there too).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from pytui import __version__
from pytui.app.style import COLOR_CHOICES

# Subcommand modules, in help order.
_COMMANDS = ("cmd_list", "cmd_dir", "cmd_install", "cmd_cache", "cmd_envs", "cmd_upgrade")
# The command names each module registers. When argv names one, only that module's parser is
# built (building all of them costs `pytui list` several ms); a module missing here is always
# built, so a new command works before it is listed.
_COMMAND_NAMES = {
    "cmd_list": ("list", "ls"),
    "cmd_dir": ("dir",),
    "cmd_install": ("install", "uninstall"),
    "cmd_cache": ("cache",),
    "cmd_envs": ("envs",),
    "cmd_upgrade": ("upgrade",),
}


_COLUMNS: list[int] = []


def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns` without importing shutil (and bz2, lzma); asked
    once per parser, not once per argument."""
    if _COLUMNS:
        return _COLUMNS[0]
    import os

    from pytui.core.keys import is_digits

    text = os.environ.get("COLUMNS", "")
    # ASCII digits only: int() also takes `８０`, ` 80 ` and `8_0`, and raises past 4300 digits.
    columns = int(text) if is_digits(text) and len(text) <= 5 else 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]  # None is caught below
        except (AttributeError, ValueError, OSError):
            columns = 0
    _COLUMNS.append(columns if columns > 0 else 80)
    return _COLUMNS[0]


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, sized without shutil: every `add_argument` makes one."""

    def __init__(self, prog: str, *args: object, **kwargs: object) -> None:
        if len(args) < 3 and "width" not in kwargs:
            kwargs["width"] = _terminal_columns() - 2
        super().__init__(prog, *args, **kwargs)  # type: ignore[arg-type]  # argparse's own arguments, passed through


# The command line being parsed (build_parser's argv), for the error line of a refused one.
_ARGV: list[str] = []


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        # uv (clap) takes no abbreviation: `--offlin` ran as --offline, and an abbreviation
        # that a later option makes ambiguous would change meaning between versions.
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # argparse's own arguments, passed through

    def _print_message(self, message: str, file: object = None) -> None:
        """Help and `--version` go to stdout through the rule every command's output follows
        (app/cli.py `write_stdout`): argparse's own swallowed a failed write, so `pytui --help >
        /dev/full` or `>&-` exited 0 having printed nothing."""
        if not message:
            return
        to_stderr = file is not None and file is sys.stderr
        if to_stderr:  # usage errors: argparse's way
            super()._print_message(message, sys.stderr)
            return
        from pytui.app.cli import write_stdout

        write_stdout(message)

    def error(self, message: str) -> NoReturn:
        """One line naming the command and where its options are (app/usage_errors.py), not
        the usage block of `pytui` and argparse's own words."""
        from pytui.app.style import stderr_style
        from pytui.app.usage_errors import usage_error_line

        line = usage_error_line(message, self.prog, _ARGV, _known_commands(), _command_actions(self),
                                _command_options(self))
        self.exit(2, stderr_style().error(line) + "\n")


def common_options(*, suppress: bool = False) -> argparse.ArgumentParser:
    """Flags shared by every command, with uv's names (app/plain_args.py lists them too).

    Subcommands get a copy whose defaults are SUPPRESS, so `pytui --offline list`
    and `pytui list --offline` mean the same (argparse would otherwise reset
    the top-level value with the subparser's default).
    """
    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    common = _Parser(add_help=False)
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
    common.add_argument("--config-file", metavar="PATH", default=default(None),
                        help="read uv's settings from this uv.toml only (UV_CONFIG_FILE)")
    common.add_argument("--no-config", action="store_true", default=default(False),
                        help="read no uv configuration file (uv.toml, pyproject.toml) (UV_NO_CONFIG)")
    common.add_argument("--directory", metavar="DIR", default=default(None),
                        help="change to DIR before running the command (UV_WORKING_DIR)")
    common.add_argument("--project", metavar="DIR", default=default(None),
                        help="look for uv's configuration files and the version file from DIR "
                             "(UV_PROJECT)")
    common.add_argument("--quiet", "-q", action="count", default=default(0),
                        help="only errors on stderr (no progress, status or warnings); -qq: "
                             "nothing on stdout either")
    common.add_argument("--color", choices=COLOR_CHOICES, default=default(None), metavar="WHEN",
                        help="colour output: auto (default: on a terminal, unless NO_COLOR), "
                             "always, never")
    return common


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with `argv`, only the parser of the command it names (all when unsure)."""
    _COLUMNS.clear()  # the terminal may have changed since the last parser (tests, the TUI)
    _ARGV[:] = argv or ()
    parser = _Parser(
        prog="pytui", parents=[common_options()],
        description="Browse, cache, install and remove standalone CPython builds (uv-compatible). "
                    "With no command, starts the terminal UI.",
    )
    parser.add_argument("--version", "-V", action="version", version=f"pytui {__version__}")
    common = common_options(suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    wanted = _named_command(parser, argv) if argv is not None else None
    if argv is not None and wanted is None:
        _refuse_unknown_command(parser, argv)
    for name in _COMMANDS:
        names = _COMMAND_NAMES.get(name)
        if wanted is not None and names is not None and wanted not in names:
            continue
        module = importlib.import_module(f"pytui.app.{name}")
        module.register(sub, common)
    return parser


def _named_command(parser: argparse.ArgumentParser, argv: Sequence[str]) -> str | None:
    """The command `argv` names, if it surely names a known one; None asks for every parser."""
    at = _first_word(parser, argv)
    return argv[at] if at is not None and argv[at] in _known_commands() else None


def _command_actions(parser: argparse.ArgumentParser) -> dict[str, list[str]]:
    """Each command's action words (`cache`: dir, list, …) from the top-level `parser`."""
    found: dict[str, list[str]] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                for inner in command._actions:
                    if isinstance(inner, argparse._SubParsersAction):
                        found[name] = list(inner.choices)
    return found


def _command_options(parser: argparse.ArgumentParser) -> dict[str, list[str]]:
    """The option strings each parser under `parser` takes, by its prog (`pytui install`,
    `pytui cache purge`): a refused option's nearest one is named."""
    found: dict[str, list[str]] = {}
    todo = [parser]
    while todo:
        current = todo.pop()
        found[current.prog] = [s for action in current._actions for s in action.option_strings]
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo.extend(dict.fromkeys(action.choices.values()))  # an alias is the same parser
    return found


def _known_commands() -> list[str]:
    return [name for names in _COMMAND_NAMES.values() for name in names]


def _first_word(parser: argparse.ArgumentParser, argv: Sequence[str]) -> int | None:
    """Where the command word of `argv` is, if it surely is one (None when unsure).

    Skips the top-level options (and the values of those that take one), as argparse would.
    """
    takes_value = {option for action in parser._actions if action.nargs != 0
                   for option in action.option_strings}
    at = 0
    while at < len(argv):
        arg = argv[at]
        if arg == "--" or arg in {"-h", "--help"}:
            return None
        if arg.startswith("-"):
            if arg in takes_value:
                at += 1
            elif "=" not in arg and arg not in parser._option_string_actions:
                return None  # an abbreviation or an unknown option: let argparse decide
            at += 1
            continue
        return at
    return None


def _refuse_unknown_command(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """A word that names no command is one line saying what to type instead (app/
    unknown_command.py), not argparse's usage block and list of choices."""
    at = _first_word(parser, argv)
    if at is None:
        return
    if argv[at] == "help":
        # uv's `uv help [COMMAND…]` (and git's): the help `pytui COMMAND… --help` prints, exit 0.
        # It said `unknown command 'help'`.
        asked = [*argv[:at], *argv[at + 1:], "--help"]
        build_parser(asked).parse_args(asked)  # prints the help and exits
    from pytui.app.unknown_command import unknown_command_line
    from pytui.core.errors import UsageError

    raise UsageError(unknown_command_line(argv[at], argv[at + 1:], _known_commands()))
