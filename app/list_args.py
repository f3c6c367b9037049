"""A plain `pytui list` command line read without argparse (importing argparse and building
its parsers is about a tenth of `pytui list`'s time on uv's catalog).

Only the common spellings are read here: the command (`list` or `ls`), the options of
`pytui list` and the shared ones spelled out whole, a value after its option, at most one
REQUEST. Anything else (help, `--version`, an abbreviation, `--opt=value`, `--`, a value that
starts with `-`, a choice argparse would refuse, two `--only-*` flags, an unknown word) gives
None, and the caller builds the argparse parser, which reads it or words the error. For every
command line it reads, the result equals argparse's (tests/test_list_args.py checks this over
generated command lines), so the table below must list what `cmd_list.register` and
`cli.common_options` declare.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

from pytui.app.style import COLOR_CHOICES

# The shared options (cli.common_options): flags, and options that take a value.
_COMMON_FLAGS: dict[str, tuple[str, object]] = {"--offline": ("offline", True)}
_COMMON_VALUES = {"--install-dir": "install_dir", "-i": "install_dir", "--cache-dir": "cache_dir",
                  "--downloads-json": "downloads_json", "--mirror": "mirror", "--color": "color"}
_COMMON_DEFAULTS = {"offline": False, "install_dir": None, "cache_dir": None,
                    "downloads_json": None, "mirror": None, "quiet": 0, "color": None}
# Options that count their occurrences (`-q -q`; `-qq` is left to argparse).
_COMMON_COUNTS = {"--quiet": "quiet", "-q": "quiet"}
# `pytui list`'s own (cmd_list.register): flag -> (dest, value stored).
_LIST_FLAGS: dict[str, tuple[str, object]] = {
    "--all-versions": ("all_versions", True), "--all-platforms": ("all_platforms", True),
    "--all-arches": ("all_arches", True), "--all_architectures": ("all_arches", True),
    "--only-installed": ("kind", "installed"), "--only-downloads": ("kind", "downloads"),
    "--only-cached": ("kind", "cached"), "--show-urls": ("show_urls", True),
    "--json": ("output_format", "json"), "--refresh": ("refresh", True),
    "--support": ("support", True), "--no-support": ("support", False),
}
_LIST_VALUES = {"--output-format": "output_format"}
# As argparse sets them: `--json` comes first, so its default (None) is output_format's.
_LIST_DEFAULTS = {"request": None, "all_versions": False, "all_platforms": False,
                  "all_arches": False, "kind": "default", "show_urls": False,
                  "output_format": None, "refresh": False, "support": None}
# Values argparse accepts for the options that have choices.
_CHOICES = {"color": COLOR_CHOICES, "output_format": ("text", "json")}
_KINDS = {"--only-installed", "--only-downloads", "--only-cached"}


def parse_list_args(argv: Sequence[str]) -> SimpleNamespace | None:
    """What argparse would give for `argv` when it is a plain `pytui list` command line (see the
    module docstring), else None."""
    values: dict[str, object] = dict(_COMMON_DEFAULTS)
    flags, takes_value = _COMMON_FLAGS, _COMMON_VALUES
    command: str | None = None
    only: str | None = None
    counted_before: set[str] = set()
    args = iter(argv)
    for arg in args:
        if arg in _COMMON_COUNTS:
            dest = _COMMON_COUNTS[arg]
            if command is not None and dest in counted_before:
                return None  # argparse counts the command's own afresh: leave it to argparse
            if command is None:
                counted_before.add(dest)
            values[dest] = values[dest] + 1  # type: ignore[operator]  # a count: always an int
        elif arg in flags:
            if arg in _KINDS:
                if only is not None and only != arg:
                    return None  # argparse: not allowed with the other --only-*
                only = arg
            dest, stored = flags[arg]
            values[dest] = stored
        elif arg in takes_value:
            value = next(args, None)
            dest = takes_value[arg]
            if value is None or value.startswith("-") or \
                    (dest in _CHOICES and value not in _CHOICES[dest]):
                return None
            values[dest] = value
        elif arg.startswith("-"):
            return None
        elif command is None:
            if arg not in {"list", "ls"}:
                return None
            command = arg
            values.update(_LIST_DEFAULTS)
            flags = {**_COMMON_FLAGS, **_LIST_FLAGS}
            takes_value = {**_COMMON_VALUES, **_LIST_VALUES}
        elif values["request"] is None:
            values["request"] = arg
        else:
            return None  # a second REQUEST
    if command is None:
        return None
    from pytui.app.cmd_list import run

    return SimpleNamespace(**values, command=command, run=run)
