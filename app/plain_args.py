"""A plain `pytui list` or `pytui install` command line read without argparse (importing
argparse, gettext and locale and building the command's parser is about a tenth of `pytui
list`'s time on uv's catalog, and of an install from a kept tree).

Only the common spellings are read here: the command (`list`, `ls` or `install`), its options
and the shared ones spelled out whole, a value after its option, the REQUEST words (at most one
for `list`; for `install` one run of them, as argparse takes them). Anything else (help,
`--version`, an abbreviation, `--opt=value`, `-qq`, `--`, a value that starts with `-`, a
value argparse would refuse, two `--only-*` flags, an unknown word) gives None, and the caller
builds the argparse parser, which reads it or words the error. For every command line it
reads, the result equals argparse's (tests/test_plain_args.py checks this over generated
command lines), so the tables below must list what `cli`'s `common_options` (app/parser.py),
`cmd_list.register` and `cmd_install.register` declare: an option added there is added here
too (or left out of these tables, which leaves its command lines to argparse).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

from pytui.app.style import COLOR_CHOICES

# The shared options (parser.common_options): flags, and options that take a value.
_COMMON_FLAGS: dict[str, tuple[str, object]] = {"--offline": ("offline", True),
                                                "--no-config": ("no_config", True)}
_COMMON_VALUES = {"--install-dir": "install_dir", "-i": "install_dir", "--cache-dir": "cache_dir",
                  "--downloads-json": "downloads_json", "--mirror": "mirror", "--color": "color",
                  "--config-file": "config_file", "--directory": "directory", "--project": "project"}
_COMMON_DEFAULTS = {"offline": False, "install_dir": None, "cache_dir": None,
                    "downloads_json": None, "mirror": None, "quiet": 0, "color": None,
                    "config_file": None, "no_config": False, "directory": None, "project": None}
# Options that count their occurrences (`-q -q`; `-qq` is left to argparse).
_COMMON_COUNTS = {"--quiet": "quiet", "-q": "quiet"}
# Values argparse accepts for the options that have choices, and the types it converts to.
_CHOICES = {"color": COLOR_CHOICES, "output_format": ("text", "json")}
_TYPES = {"jobs": int}


class _Command:
    """One command's options as its `register` declares them: flag -> (dest, value stored),
    option -> dest for those that take a value, the defaults argparse sets, the dest of its
    REQUEST words (`many`: a list, as nargs="*"; else at most one, as nargs="?"), flags of a
    mutually exclusive group, and where its `run` is."""

    __slots__ = ("flags", "values", "defaults", "positional", "many", "exclusive", "run")

    def __init__(self, *, flags: dict[str, tuple[str, object]], values: dict[str, str],
                 defaults: dict[str, object], positional: str, many: bool,
                 exclusive: frozenset[str], run: tuple[str, str]) -> None:
        self.flags = {**_COMMON_FLAGS, **flags}
        self.values = {**_COMMON_VALUES, **values}
        self.defaults = defaults
        self.positional = positional
        self.many = many
        self.exclusive = exclusive
        self.run = run


# `pytui list` (cmd_list.register). As argparse sets them: `--json` comes first, so its
# default (None) is output_format's.
_LIST = _Command(
    flags={"--all-versions": ("all_versions", True), "--all-platforms": ("all_platforms", True),
           "--all-arches": ("all_arches", True), "--all_architectures": ("all_arches", True),
           "--only-installed": ("kind", "installed"), "--only-downloads": ("kind", "downloads"),
           "--only-cached": ("kind", "cached"), "--show-urls": ("show_urls", True),
           "--json": ("output_format", "json"), "--refresh": ("refresh", True),
           "--support": ("support", True), "--no-support": ("support", False)},
    values={"--output-format": "output_format"},
    defaults={"request": None, "all_versions": False, "all_platforms": False, "all_arches": False,
              "kind": "default", "show_urls": False, "output_format": None, "refresh": False,
              "support": None},
    positional="request", many=False,
    exclusive=frozenset({"--only-installed", "--only-downloads", "--only-cached"}),
    run=("pytui.app.cmd_list", "run"))
# `pytui install` (cmd_install.register).
_INSTALL = _Command(
    flags={"--reinstall": ("reinstall", True), "-r": ("reinstall", True),
           "--force": ("force", True), "-f": ("force", True), "--no-cache": ("no_cache", True),
           "--no-bin": ("no_bin", True), "--verbose": ("verbose", True), "-v": ("verbose", True)},
    values={"--jobs": "jobs", "-j": "jobs"},
    defaults={"reinstall": False, "force": False, "no_cache": False,
              "no_bin": False, "jobs": None, "verbose": False},
    positional="requests", many=True, exclusive=frozenset(),
    run=("pytui.app.cmd_install", "run_install"))
_COMMANDS = {"list": _LIST, "ls": _LIST, "install": _INSTALL}


def parse_plain_args(argv: Sequence[str]) -> SimpleNamespace | None:
    """What argparse would give for `argv` when it is a plain `pytui list` or `pytui install`
    command line (see the module docstring), else None."""
    reading = _Reading()
    args = iter(argv)
    for arg in args:
        if arg.startswith("-"):
            reading.words_ended = bool(reading.words)
            if arg in _COMMON_COUNTS:
                read = reading.count(_COMMON_COUNTS[arg])
            elif arg in reading.flags:
                read = reading.flag(arg)
            elif arg in reading.takes_value:
                read = reading.value(reading.takes_value[arg], next(args, None))
            else:
                read = False
        else:
            read = reading.word(arg)
        if not read:
            return None
    return reading.result()


class _Reading:
    """One command line as it is read; each step says whether it is still plain."""

    __slots__ = ("values", "flags", "takes_value", "command", "table", "words", "words_ended",
                 "exclusive", "counted_before")

    def __init__(self) -> None:
        self.values: dict[str, object] = dict(_COMMON_DEFAULTS)
        self.flags, self.takes_value = _COMMON_FLAGS, _COMMON_VALUES
        self.command: str | None = None
        self.table: _Command | None = None
        self.words: list[str] = []
        self.words_ended = False  # an option came after the REQUEST words: argparse takes no more
        self.exclusive: str | None = None
        self.counted_before: set[str] = set()

    def count(self, dest: str) -> bool:
        if self.command is not None and dest in self.counted_before:
            return False  # argparse counts the command's own afresh: leave it to argparse
        if self.command is None:
            self.counted_before.add(dest)
        self.values[dest] = self.values[dest] + 1  # type: ignore[operator]  # a count: always an int
        return True

    def flag(self, arg: str) -> bool:
        if self.table is not None and arg in self.table.exclusive:
            if self.exclusive is not None and self.exclusive != arg:
                return False  # argparse: not allowed with the other one
            self.exclusive = arg
        dest, stored = self.flags[arg]
        self.values[dest] = stored
        return True

    def value(self, dest: str, text: str | None) -> bool:
        if text is None or text.startswith("-") or (dest in _CHOICES and text not in _CHOICES[dest]):
            return False
        value: object = text
        if dest in _TYPES:
            try:
                value = _TYPES[dest](text)
            except ValueError:
                return False  # argparse words the error
        self.values[dest] = value
        return True

    def word(self, arg: str) -> bool:
        if self.table is None:
            self.table = _COMMANDS.get(arg)
            if self.table is None:
                return False
            self.command = arg
            self.values.update(self.table.defaults)
            self.flags, self.takes_value = self.table.flags, self.table.values
            return True
        if self.words_ended or (self.words and not self.table.many):
            return False  # argparse refuses a second run of REQUEST words, or a second REQUEST
        self.words.append(arg)
        return True

    def result(self) -> SimpleNamespace | None:
        table = self.table
        if table is None:
            return None
        if self.words:
            self.values[table.positional] = self.words if table.many else self.words[0]
        elif table.many:
            self.values[table.positional] = []  # argparse's value for nargs="*" with nothing given
        module, name = table.run
        run = getattr(__import__(module, fromlist=(name,)), name)
        return SimpleNamespace(**self.values, command=self.command, run=run)
