"""A plain `pytui list` command line is read without argparse (app/list_args.py): for every
command line it reads, the result is argparse's; every other one is left to argparse."""

from __future__ import annotations

import contextlib
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from pytui.app.list_args import parse_list_args
from pytui.app.parser import build_parser

WORDS = ["list", "ls", "dir", "install", "--offline", "--install-dir", "-i", "--cache-dir",
         "--downloads-json", "--mirror", "--color", "always", "never", "auto", "sometimes",
         "--all-versions", "--all-platforms", "--all-arches", "--all_architectures",
         "--only-installed", "--only-downloads", "--only-cached", "--show-urls", "--json",
         "--output-format", "text", "json", "--refresh", "--support", "--no-support", "3.12",
         "pypy", ">=3.11,<3.13", "", "x y", "-h", "--help", "-V", "--", "--all", "--all-v",
         "-5", "-x", "--install-dir=d", "-id", "--jobs", "/tmp/d", "--color=never", "-q",
         "--quiet", "-qq"]


def argparse_result(argv: list[str]) -> dict | None:
    """argparse's namespace as a dict, or None where it exits (an error, help, the version)."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return vars(build_parser(argv).parse_args(argv))
        except SystemExit:
            return None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=7))
def test_the_fast_reading_is_argparse_reading(argv: list[str]) -> None:
    fast = parse_list_args(argv)
    if fast is not None:
        assert vars(fast) == argparse_result(argv)


def test_common_command_lines_are_read_fast() -> None:
    for argv in (["list"], ["ls", "3.12"], ["list", "--all-platforms", "--all-versions"],
                 ["--offline", "list", "--json", "--downloads-json", "/tmp/c.json"],
                 ["list", "--only-installed", "--color", "never", "pypy", "--no-support"],
                 ["-q", "list"], ["list", "-q", "--quiet"]):
        fast = parse_list_args(argv)
        assert fast is not None and vars(fast) == argparse_result(argv), argv
    for argv in (["list", "--help"], ["list", "--all-v"], ["list", "3.12", "3.13"], ["dir"],
                 ["list", "--only-cached", "--only-installed"], ["list", "--color", "pink"],
                 ["list", "--install-dir"], ["--json", "list"], ["-q", "list", "-q"], []):
        assert parse_list_args(argv) is None, argv
